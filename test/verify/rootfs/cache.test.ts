// src/verify/rootfs/cache.ts: the cache dir, keys, stamps and pruning (no root needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, generations, pruneRootfsCache, rootfsCacheDir, stamp } from '../../../src/verify/rootfs/cache.js';

test('the rootfs cache dir: TACD_ROOTFS_CACHE overrides the default', () => {
  const saved = process.env.TACD_ROOTFS_CACHE;
  try {
    delete process.env.TACD_ROOTFS_CACHE;
    assert.equal(rootfsCacheDir(), '/var/cache/tacd/rootfs');
    process.env.TACD_ROOTFS_CACHE = '/tmp/x';
    assert.equal(rootfsCacheDir(), '/tmp/x');
    assert.equal(rootfsCacheDir('/y'), '/y');
  } finally {
    if (saved === undefined) delete process.env.TACD_ROOTFS_CACHE;
    else process.env.TACD_ROOTFS_CACHE = saved;
  }
});

test('pruneRootfsCache removes variants unused for 14 days, their logs and crashed stages', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-cache-'));
  try {
    const old = path.join(dir, 'bookworm-0123456789abcdef.20200101T000000Z');
    const fresh = path.join(dir, 'bookworm-fedcba9876543210.20260101T000000Z');
    for (const e of [old, fresh]) {
      await fs.mkdir(path.join(e, 'root'), { recursive: true });
      await fs.writeFile(path.join(e, 'meta.json'), '{}');
    }
    const longAgo = new Date(Date.now() - 15 * 86_400_000);
    await fs.utimes(path.join(old, 'meta.json'), longAgo, longAgo);
    await fs.writeFile(path.join(dir, 'bookworm-0123456789abcdef.log'), 'x');
    await fs.writeFile(path.join(dir, 'bookworm-fedcba9876543210.log'), 'x');
    await fs.mkdir(path.join(dir, 'bookworm-fedcba9876543210.20260202T000000Z.new-12345'));
    await pruneRootfsCache(dir);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['.lock', 'bookworm-fedcba9876543210.20260101T000000Z', 'bookworm-fedcba9876543210.log']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('cacheKey: 16 hex digits, stable across releases (existing caches are found), different for each recipe', () => {
  const recipe = { suite: 'bookworm', builder: 'mmdebstrap' as const, packages: ['dbus', 'systemd'], node: null };
  // sha256 of {"recipe":1,"suite":"bookworm","builder":"mmdebstrap","packages":["dbus","systemd"],"node":null}
  assert.equal(cacheKey(recipe), '3027a60071536175');
  // with rpm, the rpm set-up's own version is hashed too
  assert.equal(cacheKey({ ...recipe, packages: ['dbus', 'rpm'], node: 'node-20.0.0' }), '3ef774cd1f389447');
  const keys = new Set([recipe, { ...recipe, suite: 'trixie' }, { ...recipe, builder: 'debootstrap' as const }, { ...recipe, packages: ['dbus'] }, { ...recipe, node: 'node-20.1.0' }].map(cacheKey));
  assert.equal(keys.size, 5);
});

test('stamp: UTC build time as a sortable suffix; generations lists one key\'s entries oldest first', async () => {
  assert.equal(stamp(new Date('2026-03-04T05:06:07.890Z')), '20260304T050607Z');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-gen-'));
  try {
    for (const n of ['bookworm-0123456789abcdef.20260201T000000Z', 'bookworm-0123456789abcdef.20250101T000000Z', 'bookworm-0123456789abcdef.20260201T000000Z.new-7', 'bookworm-fedcba9876543210.20260101T000000Z', 'bookworm-0123456789abcdef.log']) {
      await fs.mkdir(path.join(dir, n));
    }
    assert.deepEqual(
      (await generations(dir, 'bookworm', '0123456789abcdef')).map((p) => path.basename(p)),
      ['bookworm-0123456789abcdef.20250101T000000Z', 'bookworm-0123456789abcdef.20260201T000000Z'],
    );
    assert.deepEqual(await generations(path.join(dir, 'missing'), 'bookworm', '0123456789abcdef'), []);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
