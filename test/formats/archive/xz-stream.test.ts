// The .xz container: blocks taken out of one-block streams the system xz
// wrote, joined with our index, decode with xz -d (xz -t accepts it, also
// with no block at all); the cache's encoding of a block round-trips;
// anything but a one-block stream is a DataError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DataError } from '../../../src/core/errors.js';
import { decodeXzBlock, encodeXzBlock, xzSingleBlock, xzStream } from '../../../src/formats/archive/xz-stream.js';
import { have } from './tar-walk.js';

const xz = (input: Buffer): Buffer => {
  const r = spawnSync('xz', ['-c', '--format=xz', '--check=crc64', '-T+1', '--block-size=16777216', '-3'], { input, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
};

test('blocks of separate xz runs join into one stream xz decodes; no block at all is a valid empty stream', (t) => {
  if (!have('xz')) return t.skip('xz not installed: no one-block streams to take blocks from');
  const a = Buffer.from('first part\n'.repeat(5000));
  const b = Buffer.from(Array.from({ length: 3000 }, (_, i) => `${i * 7919}\n`).join(''));
  const blocks = [xzSingleBlock(xz(a), a.length), xzSingleBlock(xz(b), b.length)];
  assert.ok(blocks.every((x) => x.bytes.length % 4 === 0 && x.bytes.length - x.unpaddedSize < 4), 'blocks are padded to 4');
  const joined = Buffer.concat(xzStream(blocks));
  const r = spawnSync('xz', ['-dc'], { input: joined, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr.toString());
  assert.ok(r.stdout.equals(Buffer.concat([a, b])));
  const empty = Buffer.concat(xzStream([]));
  const e = spawnSync('xz', ['-dc'], { input: empty });
  assert.equal(e.status, 0, e.stderr.toString());
  assert.equal(e.stdout.length, 0);
});

test('the cache encoding of a block round-trips; a truncated one is not a block', (t) => {
  if (!have('xz')) return t.skip('xz not installed');
  const data = Buffer.from('x'.repeat(10000));
  const block = xzSingleBlock(xz(data), data.length);
  const back = decodeXzBlock(encodeXzBlock(block), data.length)!;
  assert.equal(back.unpaddedSize, block.unpaddedSize);
  assert.ok(Buffer.from(back.bytes).equals(Buffer.from(block.bytes)));
  assert.equal(decodeXzBlock(new Uint8Array(5), 1), undefined);
  assert.equal(decodeXzBlock(encodeXzBlock({ ...block, unpaddedSize: block.bytes.length + 9 }), data.length), undefined);
});

test('anything but a one-block stream of the announced size is a DataError', (t) => {
  assert.throws(() => xzSingleBlock(new Uint8Array(40), 3), DataError);
  if (!have('xz')) return t.skip('xz not installed');
  const data = Buffer.from('abc');
  assert.throws(() => xzSingleBlock(xz(data), 4), (e: unknown) => e instanceof DataError && /one of 4/.test(e.message));
});
