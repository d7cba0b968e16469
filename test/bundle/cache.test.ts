// The on-disk build cache: entries round-trip, a damaged entry is a miss and
// goes, TACD_CACHE_MAX caps the folder (least recently used first), and the
// stats count hits and bytes reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { cacheDir, cacheMaxBytes, cacheReportLine, cacheStats, fileCompressionCache } from '../../src/bundle/cache.js';
import { tempDir } from '../packaging/helpers.js';

const onlyNamespace = (dir: string): string => path.join(dir, 'compressed', readdirSync(path.join(dir, 'compressed'))[0]!);

test('entries round-trip; a damaged entry is a miss and is removed', async () => {
  const dir = tempDir('tacd-cache-test-');
  try {
    const cache = fileCompressionCache(dir, {});
    const key = 'a'.repeat(64);
    assert.equal(await cache.get(key), undefined);
    await cache.put(key, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await cache.get(key))!], [1, 2, 3]);
    const file = path.join(onlyNamespace(dir), key);
    const buf = readFileSync(file);
    buf[buf.length - 1] = buf[buf.length - 1]! ^ 0xff;
    writeFileSync(file, buf);
    assert.equal(await cache.get(key), undefined);
    assert.deepEqual(readdirSync(onlyNamespace(dir)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the folder stays under TACD_CACHE_MAX, dropping the least recently used entries', async () => {
  const dir = tempDir('tacd-cache-test-');
  try {
    const cache = fileCompressionCache(dir, { TACD_CACHE_MAX: '1M' });
    await cache.put('0'.repeat(64), new Uint8Array(300_000));
    await cache.put('1'.repeat(64), new Uint8Array(300_000));
    assert.ok((await cache.get('0'.repeat(64))) !== undefined, 'entry 0 is used again: now the most recent');
    await cache.put('2'.repeat(64), new Uint8Array(300_000));
    await cache.put('3'.repeat(64), new Uint8Array(300_000));
    const left = readdirSync(onlyNamespace(dir)).sort();
    assert.deepEqual(left, ['0'.repeat(64), '2'.repeat(64), '3'.repeat(64)]);
    // A second process (a new cache object) reads the folder's state from disk.
    const again = fileCompressionCache(dir, { TACD_CACHE_MAX: '700K' });
    await again.put('4'.repeat(64), new Uint8Array(300_000));
    assert.deepEqual(readdirSync(onlyNamespace(dir)).sort(), ['3'.repeat(64), '4'.repeat(64)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TACD_CACHE_MAX: units, the older TACD_CACHE_MAX_MB, the 256 MiB default, and a bad value is a UsageError naming it', () => {
  assert.equal(cacheMaxBytes({}), 256 * 2 ** 20);
  assert.equal(cacheMaxBytes({ TACD_CACHE_MAX: '300M' }), 300 * 2 ** 20);
  assert.equal(cacheMaxBytes({ TACD_CACHE_MAX: '2G' }), 2 * 2 ** 30);
  assert.equal(cacheMaxBytes({ TACD_CACHE_MAX: '512k' }), 512 * 2 ** 10);
  assert.equal(cacheMaxBytes({ TACD_CACHE_MAX: '100' }), 100 * 2 ** 20);
  assert.equal(cacheMaxBytes({ TACD_CACHE_MAX: '1.5GiB' }), 1.5 * 2 ** 30);
  assert.equal(cacheMaxBytes({ TACD_CACHE_MAX_MB: '64' }), 64 * 2 ** 20);
  for (const bad of ['0', 'lots', '-5M', '10T']) {
    assert.throws(() => cacheMaxBytes({ TACD_CACHE_MAX: bad }), (e: unknown) => e instanceof UsageError && e.code === 'tacd.cache.max' && e.message.includes('TACD_CACHE_MAX'));
  }
});

test('the stats count hits, misses and bytes reused; the report line shows them', async () => {
  const dir = tempDir('tacd-cache-test-');
  try {
    const cache = fileCompressionCache(dir, {});
    const before = cacheStats();
    await cache.get('5'.repeat(64));
    await cache.put('5'.repeat(64), new Uint8Array(1000));
    await cache.get('5'.repeat(64));
    const after = cacheStats();
    assert.equal(after.hits - before.hits, 1);
    assert.equal(after.misses - before.misses, 1);
    assert.equal(after.bytesReused - before.bytesReused, 1000);
    assert.equal(after.bytesStored - before.bytesStored, 1000);
    const line = cacheReportLine({ hits: 98, misses: 3, bytesReused: 36_600_000, bytesStored: 120_000, evicted: 0 });
    assert.equal(line, 'build cache: 98 of 101 blocks reused (36.6 MB), 3 compressed (0.1 MB stored), 0 evicted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cacheDir: TACD_NO_CACHE turns it off, TACD_CACHE_DIR and XDG_CACHE_HOME place it', () => {
  assert.equal(cacheDir({ TACD_NO_CACHE: '1', TACD_CACHE_DIR: '/x' }), undefined);
  assert.equal(cacheDir({ TACD_CACHE_DIR: '/x' }), '/x');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/tacd');
  assert.equal(cacheDir({ HOME: '/h' }), '/h/.cache/tacd');
});
