// The compressed-payload cache never changes the output: a .deb and an .rpm
// written on a miss and on a hit are byte-identical, and a hit skips the
// compressor. A damaged on-disk entry is a miss. No timing asserts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileCompressionCache } from '../../../src/bundle/cache.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import type { CompressionCache } from '../../../src/formats/archive/compression-cache.js';
import { writeDeb } from '../../../src/formats/deb/deb.js';
import type { Compressor, PackagePlan } from '../../../src/formats/plan.js';
import { writeRpm } from '../../../src/formats/rpm/rpm.js';
import { tempDir } from '../../packaging/helpers.js';

const big = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
const plan: PackagePlan = {
  meta: { name: 'cached', version: '1.0', release: '1', arch: 'amd64', maintainer: 'T <t@example.org>', summary: 's', description: 'd', license: 'MIT', mtime: 1700000000 },
  payload: [
    { kind: 'dir', path: '/usr/lib/cached', mode: 0o755, owned: true },
    // a streamed file: opened once per pass
    { kind: 'file', path: '/usr/lib/cached/node', mode: 0o755, data: { size: big.length, async *open() { for (let i = 0; i < big.length; i += 65536) yield big.subarray(i, i + 65536); } } },
    { kind: 'file', path: '/usr/lib/cached/app.js', mode: 0o644, data: new TextEncoder().encode('console.log(1);\n') },
  ],
};

function counting(c: Compressor): Compressor & { calls: number; finished: number } {
  const w = {
    name: c.name,
    level: c.level,
    calls: 0,
    finished: 0,
    async compress(input: AsyncIterable<Uint8Array>) {
      w.calls++;
      const out = await c.compress(input);
      w.finished++;
      return out;
    },
  };
  return w;
}

function memoryCache(): CompressionCache & { map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  return { map, get: async (k) => map.get(k), put: async (k, d) => void map.set(k, d) };
}

const concat = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);

test('deb and rpm: miss, hit and no cache give the same bytes; a hit skips the compressor', async () => {
  for (const write of [(p: PackagePlan, o: { compression: Compressor; cache: CompressionCache | null }) => writeDeb(p, o), (p: PackagePlan, o: { compression: Compressor; cache: CompressionCache | null }) => writeRpm(p, o)]) {
    const none = concat(await write(plan, { compression: gzipCompressor(9), cache: null }));
    const cache = memoryCache();
    const cold = counting(gzipCompressor(9));
    const first = concat(await write(plan, { compression: cold, cache }));
    assert.ok(cache.map.size >= 1, 'the miss stored an entry');
    const warm = counting(gzipCompressor(9));
    const second = concat(await write(plan, { compression: warm, cache }));
    assert.ok(first.equals(none), 'miss == no cache');
    assert.ok(second.equals(none), 'hit == no cache');
    // The payload compression was abandoned on the hit (control.tar of a .deb is not cached).
    assert.ok(warm.finished < cold.finished, `hit finished ${warm.finished} compressions, miss ${cold.finished}`);
    // Another level is another key.
    await write(plan, { compression: gzipCompressor(6), cache });
    assert.ok(cache.map.size >= 2);
  }
});

test('the on-disk cache: entries round-trip, a damaged entry is a miss and is removed', async () => {
  const dir = tempDir('tacd-cache-test-');
  try {
    const cache = fileCompressionCache(dir, {});
    const key = 'a'.repeat(64);
    assert.equal(await cache.get(key), undefined);
    await cache.put(key, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await cache.get(key))!], [1, 2, 3]);
    const ns = path.join(dir, 'compressed', readdirSync(path.join(dir, 'compressed'))[0]!);
    const file = path.join(ns, key);
    const buf = readFileSync(file);
    buf[buf.length - 1] = buf[buf.length - 1]! ^ 0xff;
    writeFileSync(file, buf);
    assert.equal(await cache.get(key), undefined);
    assert.deepEqual(readdirSync(ns), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the on-disk cache stays under TACD_CACHE_MAX_MB, dropping the oldest entries', async () => {
  const dir = tempDir('tacd-cache-test-');
  try {
    const cache = fileCompressionCache(dir, { TACD_CACHE_MAX_MB: '1' });
    for (let i = 0; i < 4; i++) await cache.put(String(i).repeat(64), new Uint8Array(400_000));
    const ns = path.join(dir, 'compressed', readdirSync(path.join(dir, 'compressed'))[0]!);
    const left = readdirSync(ns).sort();
    assert.ok(left.length === 2 && left.includes('3'.repeat(64)), `left: ${left.join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a payload that changes between the key pass and the compressed pass is refused, and nothing is stored', async () => {
  let opens = 0;
  const flaky: PackagePlan = {
    ...plan,
    payload: [{ kind: 'file', path: '/usr/lib/cached/flaky', mode: 0o644, data: { size: 4, async *open() { opens++; yield new Uint8Array(4).fill(opens); } } }],
  };
  const cache = memoryCache();
  await assert.rejects(writeDeb(flaky, { compression: gzipCompressor(9), cache }), /changed while it was being written/);
  assert.equal(cache.map.size, 0);
});
