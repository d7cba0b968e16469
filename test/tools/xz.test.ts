import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { xzBlockList, xzBlockSize, xzCompressor } from '../../src/tools/xz.js';
import { have } from '../formats/archive/tar-walk.js';

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
  assert.throws(() => xzCompressor(6, { threads: 0 }), /xz threads must be a positive integer, got 0/);
});

test('xz writes the same multi-block stream for any thread count, and ignores XZ_OPT', async (t) => {
  if (!have('xz')) return t.skip('xz not installed: the xz compressor runs the system xz');
  // Level 0: 1 MiB blocks, so 3.5 MiB of input is four blocks.
  const input = async function* (): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 3.5 * 16; i++) yield new Uint8Array(65536).map((_, j) => (i * 7 + j * 13) & 0xff);
  };
  const saved = process.env.XZ_OPT;
  process.env.XZ_OPT = '-9e --check=sha256';
  try {
    const one = Buffer.from(await xzCompressor(0, { threads: 1 }).compress(input()));
    const two = Buffer.from(await xzCompressor(0, { threads: 3 }).compress(input()));
    const auto = Buffer.from(await xzCompressor(0).compress(input()));
    assert.ok(one.equals(two), 'threads 1 and 3 give different bytes');
    assert.ok(one.equals(auto), 'threads 1 and auto give different bytes');
    // xz --list reads files only.
    const dir = mkdtempSync(path.join(tmpdir(), 'tacd-xz-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'a.xz'), one);
    const list = spawnSync('xz', ['--robot', '--list', '--verbose', path.join(dir, 'a.xz')], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const blocks = list.stdout.split('\n').filter((l) => l.startsWith('block\t'));
    assert.equal(blocks.length, 4, `expected 4 blocks of 1 MiB:\n${list.stdout}`);
    assert.match(list.stdout, /\tCRC64\t/, 'XZ_OPT changed the check');
    const r = spawnSync('xz', ['-dc'], { input: one, maxBuffer: 1 << 26 });
    assert.equal(r.status, 0);
    const parts: Uint8Array[] = [];
    for await (const c of input()) parts.push(c);
    const expected = Buffer.concat(parts);
    assert.ok(r.stdout.equals(expected), 'round trip differs');
  } finally {
    if (saved === undefined) delete process.env.XZ_OPT;
    else process.env.XZ_OPT = saved;
  }
});

test('xzBlockList: whole blocks, then a shrinking tail, adding up to the stream', () => {
  const B = xzBlockSize(6);
  assert.equal(B, 24 * 2 ** 20, "xz's default for -6 in multi-threaded mode");
  assert.equal(xzBlockSize(0), 2 ** 20);
  assert.deepEqual(xzBlockList(2 * B, B), [], 'two blocks or less: fixed-size blocks');
  const MiB = 2 ** 20;
  const size = 98990080; // the echo app's bundled-node data.tar
  const list = xzBlockList(size, B);
  assert.equal(list.reduce((a, b) => a + b, 0), size);
  assert.deepEqual(list.map((b) => Math.round(b / MiB)), [24, 24, 19, 13, 8, 6]);
  for (const n of [2 * B + 1, 3 * B, 49 * MiB, 60 * MiB + 12345, 300 * MiB, 8.5 * 2 ** 30]) {
    const l = xzBlockList(n, B);
    assert.equal(l.reduce((a, b) => a + b, 0), n, `sum for ${n}`);
    assert.ok(l.every((b) => b > 0 && b <= B), `block sizes for ${n}: ${l}`);
    assert.ok(l.every((b, i, a) => i === 0 || b <= a[i - 1]!), `blocks shrink for ${n}: ${l}`);
    assert.ok(l.at(-1)! >= B / 6, `no small leftover block for ${n}: ${l}`);
  }
});

test('with the stream length announced, xz writes the planned blocks; a wrong length is an error', async (t) => {
  if (!have('xz')) return t.skip('xz not installed: the xz compressor runs the system xz');
  const size = 5 * 2 ** 20 + 777;
  const input = async function* (): AsyncGenerator<Uint8Array> {
    for (let off = 0; off < size; off += 65536) yield new Uint8Array(Math.min(65536, size - off)).map((_, j) => ((off + j) * 31) >> 3);
  };
  const out = Buffer.from(await xzCompressor(0).compress(input(), { size }));
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-xz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'a.xz'), out);
  const list = spawnSync('xz', ['--robot', '--list', '--verbose', path.join(dir, 'a.xz')], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  // block lines: block, stream, block in stream, block in file, comp offset, uncomp offset, comp size, uncomp size, ...
  const sizes = list.stdout.split('\n').filter((l) => l.startsWith('block\t')).map((l) => Number(l.split('\t')[7]));
  assert.deepEqual(sizes, xzBlockList(size, xzBlockSize(0)));
  assert.ok(sizes.length >= 6, `expected a shrinking tail: ${sizes}`);
  await assert.rejects(xzCompressor(0).compress(input(), { size: size + 1 }), /was 5243657 bytes long, the writer announced 5243658/);
});

test('with breaks: independent blocks in one stream (xz -t, xz -l), the same bytes with or without a cache, a segment reused whatever precedes it', async (t) => {
  if (!have('xz')) return t.skip('xz not installed: the xz compressor runs the system xz');
  const { blockKey } = await import('../../src/formats/archive/segments.js');
  const text = (seed: number, n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => `seed ${seed} row ${(i * 2654435761 + seed) % 100003}\n`).join(''));
  const body = text(3, 250_000); // ~6 MiB: two blocks at level 1 (3 MiB blocks)
  const map = new Map<string, Uint8Array>();
  const cache = { get: async (k: string) => map.get(k), put: async (k: string, d: Uint8Array) => void map.set(k, d) };
  const xz = async (head: Buffer, withCache: boolean): Promise<Buffer> => {
    const input = Buffer.concat([head, body]);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < input.length; i += 99_999) yield input.subarray(i, i + 99_999);
    }
    const out = Buffer.from(await xzCompressor(1).compress(pieces(), { size: input.length, breaks: [head.length], ...(withCache ? { cache } : {}) }));
    const r = spawnSync('xz', ['-dc'], { input: out, maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.ok(r.stdout.equals(input), 'round-trips');
    return out;
  };
  const plain = await xz(text(1, 1000), false);
  const cold = await xz(text(1, 1000), true);
  const warm = await xz(text(1, 1000), true);
  assert.ok(plain.equals(cold) && cold.equals(warm), 'no cache == cold == warm');
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-xz-'));
  try {
    writeFileSync(path.join(dir, 'x.xz'), cold);
    const list = spawnSync('xz', ['--robot', '-lvv', path.join(dir, 'x.xz')], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.equal(list.stdout.split('\n').filter((l) => l.startsWith('block')).length, 3, 'the head, then the body in two blocks');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const entries = map.size;
  await xz(text(2, 1200), true);
  assert.equal(map.size, entries + 1, 'another head: one new block, the body\'s two reused');
  assert.ok(map.has(blockKey('system xz -c -T+1 one block per segment piece, crc64; v1\0level 1', [body.subarray(0, xzBlockSize(1))])), 'keyed by the bytes alone');
});
