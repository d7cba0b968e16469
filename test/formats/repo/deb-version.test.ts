// Debian version order against dpkg --compare-versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haveProgram, run } from '../../../src/core/exec.js';
import { compareDebVersions } from '../../../src/formats/repo/deb-version.js';

const PAIRS: [string, string][] = [
  ['1.0', '1.0'], ['1.0', '1.1'], ['1.0~rc1', '1.0'], ['1.0~rc1', '1.0~rc2'], ['1.0-1', '1.0-2'], ['1:0.1', '2.0'], ['1.0a', '1.0'],
  ['1.0+b1', '1.0'], ['1.10', '1.9'], ['1.0-1', '1.0'], ['2.0-1~bpo1', '2.0-1'], ['1.001', '1.1'], ['1.0.0-10', '1.0.0-9'], ['0~', '0'],
  ['1.0-a', '1.0-A'], ['1.2.3', '1.2.3.0'], ['7:1', '7:1.0'],
];

test('compareDebVersions orders as dpkg --compare-versions', async (t) => {
  if (!(await haveProgram('dpkg'))) return t.skip('dpkg is missing');
  for (const [a, b] of PAIRS) {
    const lt = (await run('dpkg', ['--compare-versions', a, 'lt', b], { allowFailure: true })).exitCode === 0;
    const eq = (await run('dpkg', ['--compare-versions', a, 'eq', b], { allowFailure: true })).exitCode === 0;
    const ours = Math.sign(compareDebVersions(a, b));
    assert.equal(ours, lt ? -1 : eq ? 0 : 1, `${a} vs ${b}`);
    assert.equal(Math.sign(compareDebVersions(b, a)) || 0, -ours || 0, `${b} vs ${a}`);
  }
});
