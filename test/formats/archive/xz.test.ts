import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DataError } from '../../../src/core/errors.js';
import { xzCompressor } from '../../../src/core/xz.js';
import { have } from './tar-walk.js';

async function* chunks(n: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < n; i++) yield new TextEncoder().encode(`record ${i}\n`);
}

test('xz compresses through the system xz, deterministically, and round-trips', async (t) => {
  if (!have('xz')) return t.skip('xz not installed: the xz compressor runs the system xz');
  const a = Buffer.from(await xzCompressor().compress(chunks(20000)));
  const b = Buffer.from(await xzCompressor().compress(chunks(20000)));
  assert.deepEqual([...a.subarray(0, 6)], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz magic');
  assert.ok(a.equals(b), 'two runs differ');
  const r = spawnSync('xz', ['-dc'], { input: a, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.toString(), Array.from({ length: 20000 }, (_, i) => `record ${i}\n`).join(''));
  assert.equal(xzCompressor(0).name, 'xz');
});

test('an error thrown by the input rejects the compression instead of escaping', async (t) => {
  if (!have('xz')) return t.skip('xz not installed: the xz compressor runs the system xz');
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(100);
    throw new Error('input broke');
  }
  await assert.rejects(xzCompressor().compress(failing()), /input broke/);
});

test('xz levels outside 0-9 are DataErrors', () => {
  assert.throws(() => xzCompressor(-1), DataError);
  assert.throws(() => xzCompressor(1.5), /0 to 9/);
});
