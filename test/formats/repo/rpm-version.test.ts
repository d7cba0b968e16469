// RPM version order against rpm's own rpm.vercmp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haveProgram, run } from '../../../src/core/exec.js';
import { compareRpmEvr, rpmVerCmp } from '../../../src/formats/repo/rpm-version.js';

const PAIRS: [string, string][] = [
  ['1.0', '1.0'], ['1.0', '1.1'], ['1.0~rc1', '1.0'], ['1.0~rc1', '1.0~rc2'], ['1.0^git1', '1.0'], ['1.0^git1', '1.0.1'], ['1.0a', '1.0'],
  ['1.10', '1.9'], ['1.001', '1.1'], ['1.0.0', '1.0'], ['a', '1'], ['1.0_1', '1.0.1'], ['2.0', '2.0.a'], ['1~', '1~~'], ['fc38', 'fc4'],
];

test('rpmVerCmp orders as rpm.vercmp', async (t) => {
  if (!(await haveProgram('rpm'))) return t.skip('rpm is missing');
  const lua = `print(table.concat({${PAIRS.map(([a, b]) => `rpm.vercmp("${a}", "${b}")`).join(', ')}}, ","))`;
  const theirs = (await run('rpm', ['--eval', `%{lua: ${lua}}`])).stdout.trim().split(',').map(Number);
  assert.deepEqual(PAIRS.map(([a, b]) => rpmVerCmp(a, b)), theirs);
});

test('compareRpmEvr: epoch first, then version, then release', () => {
  assert.equal(compareRpmEvr('1:1.0-1', '2.0-1'), 1);
  assert.equal(compareRpmEvr('1.0-2', '1.0-10'), -1);
  assert.equal(compareRpmEvr('1.0-1', '1.0-1'), 0);
});
