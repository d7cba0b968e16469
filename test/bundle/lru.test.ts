// The cache's size cap: the index is read from the folder once, entries used
// or added last are kept, the oldest go until the total fits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LruIndex } from '../../src/bundle/lru.js';
import { tempDir } from '../packaging/helpers.js';

function entry(dir: string, name: string, size: number, mtime: number): string {
  const f = path.join(dir, name);
  writeFileSync(f, new Uint8Array(size));
  utimesSync(f, mtime, mtime);
  return f;
}

test('reads sizes and ages from every namespace, keeps the recently used, evicts the oldest', () => {
  const root = tempDir('tacd-lru-');
  try {
    mkdirSync(path.join(root, 'ns1'));
    mkdirSync(path.join(root, 'ns2'));
    const old = entry(path.join(root, 'ns1'), 'old', 400, 1_000_000);
    const mid = entry(path.join(root, 'ns2'), 'mid', 400, 2_000_000);
    const young = entry(path.join(root, 'ns1'), 'young', 400, 3_000_000);
    const lru = new LruIndex(root, 1000);
    assert.equal(lru.size(), 1200);
    lru.used(old);
    const fresh = entry(path.join(root, 'ns2'), 'fresh', 300, 4_000_000);
    assert.equal(lru.added(fresh, 300), 2, 'two entries went');
    assert.deepEqual([old, mid, young, fresh].map((f) => existsSync(f)), [true, false, false, true]);
    assert.equal(lru.size(), 700);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing folder is an empty cache; an entry larger than the cap is still kept (the one just written)', () => {
  const root = tempDir('tacd-lru-');
  try {
    const lru = new LruIndex(path.join(root, 'nothing'), 100);
    assert.equal(lru.size(), 0);
    mkdirSync(path.join(root, 'nothing', 'ns'), { recursive: true });
    const big = entry(path.join(root, 'nothing', 'ns'), 'big', 500, 1_000_000);
    assert.equal(lru.added(big, 500), 0);
    assert.ok(existsSync(big));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
