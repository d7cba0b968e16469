// The compression cache never changes the output: a .deb and an .rpm written
// cold, warm and without a cache are byte-identical, and an incremental build
// after each kind of change (app edit, dependency added, version bump, node
// binary swapped) equals a clean build of the same input, with the unchanged
// large files' blocks served from the cache. No timing asserts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import type { CompressionCache } from '../../../src/formats/archive/compression-cache.js';
import { writeDeb } from '../../../src/formats/deb/deb.js';
import type { Compressor, FileEntry, PackagePlan } from '../../../src/formats/plan.js';
import { writeRpm } from '../../../src/formats/rpm/rpm.js';

// Pseudo-random, so deflate cannot shrink it to nothing: a 3 MiB "node binary".
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % 61;
  }
  return out;
}

const streamed = (bytes: Uint8Array): FileEntry['data'] => ({
  size: bytes.length,
  async *open() {
    for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
  },
});

const NODE = noise(3 * 2 ** 20 + 12345, 7);
const DEP = noise(200_000, 11);
const APP = new TextEncoder().encode('console.log("hello");\n'.repeat(4000));

function plan(over: { version?: string; mtime?: number; app?: Uint8Array; node?: Uint8Array; deps?: number } = {}): PackagePlan {
  const deps: FileEntry[] = Array.from({ length: over.deps ?? 1 }, (_, i) => ({ kind: 'file', path: `/usr/lib/cached/dep${i}.node`, mode: 0o644, data: i === 0 ? DEP : noise(150_000, 100 + i) }));
  return {
    meta: { name: 'cached', version: over.version ?? '1.0', release: '1', arch: 'amd64', maintainer: 'T <t@example.org>', summary: 's', description: 'd', license: 'MIT', mtime: over.mtime ?? 1700000000 },
    payload: [
      { kind: 'dir', path: '/usr/lib/cached', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/lib/cached/app.asar', mode: 0o644, data: streamed(over.app ?? APP) },
      ...deps,
      { kind: 'file', path: '/usr/lib/cached/node', mode: 0o755, data: streamed(over.node ?? NODE) },
      { kind: 'file', path: '/usr/share/doc/cached/copyright', mode: 0o644, data: new TextEncoder().encode('MIT\n') },
    ],
  };
}

function memoryCache(): CompressionCache & { map: Map<string, Uint8Array>; hits: number; bytes: number } {
  const map = new Map<string, Uint8Array>();
  const c = {
    map,
    hits: 0,
    bytes: 0,
    get: async (k: string) => {
      const v = map.get(k);
      if (v !== undefined) {
        c.hits++;
        c.bytes += v.length;
      }
      return v;
    },
    put: async (k: string, d: Uint8Array) => void map.set(k, d),
  };
  return c;
}

type Writer = (p: PackagePlan, o: { compression: Compressor; cache: CompressionCache | null }) => Promise<Uint8Array[]>;
const writers: [string, Writer][] = [
  ['deb', (p, o) => writeDeb(p, o)],
  ['rpm', (p, o) => writeRpm(p, o)],
];
const bytes = async (w: Writer, p: PackagePlan, cache: CompressionCache | null): Promise<Buffer> => Buffer.concat(await w(p, { compression: gzipCompressor(9), cache }));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('deb and rpm: cold, warm and no cache give the same bytes; warm compresses nothing new', async () => {
  for (const [name, write] of writers) {
    const none = await bytes(write, plan(), null);
    const cache = memoryCache();
    const cold = await bytes(write, plan(), cache);
    const stored = cache.map.size;
    assert.ok(stored >= 5, `${name}: the cold build stored ${stored} blocks (node: 4, app, dep, the rest)`);
    const warm = await bytes(write, plan(), cache);
    assert.equal(sha(cold), sha(none), `${name}: cold == no cache`);
    assert.equal(sha(warm), sha(none), `${name}: warm == no cache`);
    assert.equal(cache.map.size, stored, `${name}: the warm build stored nothing new`);
    assert.equal(cache.hits, stored, `${name}: every block of the warm build was a hit`);
  }
});

const changes: [string, PackagePlan][] = [
  ['app edit', plan({ app: new TextEncoder().encode('console.log("hello!");\n'.repeat(4000)) })],
  ['dependency added', plan({ deps: 2 })],
  ['version bump (and a new SOURCE_DATE_EPOCH)', plan({ version: '1.1', mtime: 1700086400 })],
  ['node binary swapped', plan({ node: noise(3 * 2 ** 20 + 999, 9) })],
];

test('after each kind of change, an incremental build equals a clean one, and the unchanged large files are not compressed again', async () => {
  for (const [name, write] of writers) {
    for (const [what, changed] of changes) {
      const cache = memoryCache();
      await bytes(write, plan(), cache);
      const before = new Set(cache.map.keys());
      cache.hits = 0;
      cache.bytes = 0;
      const incremental = await bytes(write, changed, cache);
      const clean = await bytes(write, changed, null);
      assert.equal(sha(incremental), sha(clean), `${name}, ${what}: incremental == clean`);
      const fresh = [...cache.map.keys()].filter((k) => !before.has(k)).map((k) => cache.map.get(k)!.length);
      const freshBytes = fresh.reduce((a, b) => a + b, 0);
      // What was compressed again: the changed file's blocks and the small members; never the node binary's 3 MiB when it did not change.
      const limit = what === 'node binary swapped' ? Infinity : 400_000;
      assert.ok(freshBytes < limit, `${name}, ${what}: ${freshBytes} compressed bytes are new`);
      assert.ok(cache.hits >= (what === 'node binary swapped' ? 1 : 4), `${name}, ${what}: ${cache.hits} blocks reused`);
    }
  }
});

test('a .deb and an .rpm of the same plan share the large files\' blocks: the rpm after the deb compresses only its small members', async () => {
  const cache = memoryCache();
  await bytes(writers[0]![1], plan(), cache);
  const before = cache.map.size;
  cache.hits = 0;
  await bytes(writers[1]![1], plan(), cache);
  // node (4 blocks), app.asar and dep: all hits; new are the runs of cpio headers and small files between them.
  assert.ok(cache.hits >= 6, `${cache.hits} blocks reused`);
  assert.ok(cache.map.size - before <= 4, `${cache.map.size - before} new blocks`);
});

function counting(c: Compressor): Compressor & { finished: number } {
  const w = {
    name: c.name,
    level: c.level,
    finished: 0,
    async compress(input: AsyncIterable<Uint8Array>) {
      const out = await c.compress(input);
      w.finished++;
      return out;
    },
  };
  return w;
}

test('a compressor that knows no segments is cached whole: miss, hit and no cache give the same bytes, a hit skips it', async () => {
  for (const [, write] of writers) {
    const none = Buffer.concat(await write(plan(), { compression: counting(gzipCompressor(9)), cache: null }));
    const cache = memoryCache();
    const cold = counting(gzipCompressor(9));
    const first = Buffer.concat(await write(plan(), { compression: cold, cache }));
    assert.equal(cache.map.size, 1, 'one entry: the whole payload');
    const warm = counting(gzipCompressor(9));
    const second = Buffer.concat(await write(plan(), { compression: warm, cache }));
    assert.ok(first.equals(none) && second.equals(none), 'miss == hit == no cache');
    assert.ok(warm.finished < cold.finished, `hit finished ${warm.finished} compressions, miss ${cold.finished}`);
  }
});

test('whole-payload caching: a payload that changes between the key pass and the compressed pass is refused, and nothing is stored', async () => {
  let opens = 0;
  const flaky: PackagePlan = {
    ...plan(),
    payload: [{ kind: 'file', path: '/usr/lib/cached/flaky', mode: 0o644, data: { size: 4, async *open() { opens++; yield new Uint8Array(4).fill(opens); } } }],
  };
  const cache = memoryCache();
  await assert.rejects(writeDeb(flaky, { compression: counting(gzipCompressor(9)), cache }), /changed while it was being written/);
  assert.equal(cache.map.size, 0);
});

test('xz: cold, warm and no cache give the same .deb and .rpm, an incremental build after a version bump equals a clean one, dpkg-deb and rpm read them', async (t) => {
  const { have } = await import('./tar-walk.js');
  if (!have('xz')) return t.skip('xz not installed: the xz compressor runs the system xz');
  const { xzCompressor } = await import('../../../src/tools/xz.js');
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = (await import('node:path')).default;
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-xz-cache-'));
  try {
    for (const [name, write] of writers) {
      const xz = async (p: PackagePlan, cache: CompressionCache | null): Promise<Buffer> => Buffer.concat(await write(p, { compression: xzCompressor(1), cache }));
      const none = await xz(plan(), null);
      const cache = memoryCache();
      const cold = await xz(plan(), cache);
      const stored = cache.map.size;
      const warm = await xz(plan(), cache);
      assert.ok(cold.equals(none) && warm.equals(none), `${name}: no cache == cold == warm`);
      assert.equal(cache.map.size, stored, `${name}: the warm build stored nothing new`);
      const bumped = plan({ version: '1.1', mtime: 1700086400 });
      const incremental = await xz(bumped, cache);
      assert.ok(incremental.equals(await xz(bumped, null)), `${name}: incremental == clean after a version bump`);
      // New: the runs of tar headers and small files between the large files (all dated anew); never the node binary's blocks.
      assert.ok(cache.map.size - stored <= 4, `${name}: ${cache.map.size - stored} new blocks`);
      const file = path.join(dir, `x.${name}`);
      writeFileSync(file, incremental);
      // dpkg-deb, rpm2cpio and cpio are in .ci/install-deps.
      const r = name === 'deb' ? spawnSync('dpkg-deb', ['--fsys-tarfile', file], { maxBuffer: 1 << 28 }) : spawnSync('sh', ['-c', 'rpm2cpio "$0" | cpio -it --quiet', file], { maxBuffer: 1 << 28 });
      assert.equal(r.status, 0, `${name} read back: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
