// src/verify/rootfs.ts: ensureRootfs builds the lifecycle image once and then
// reuses it (built here on a fresh host: several minutes), the image has what
// the package tests need, and the pure pieces (package list, maximum age).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/core/exec.js';
import { TacError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { BASE_PACKAGES, maxAgeMs, packageList } from '../../src/verify/rootfs.js';
import { LIFECYCLE_ROOTFS, rootfsOrSkip, withSystemd } from '../helpers/systemd.js';

const ROOTFS = LIFECYCLE_ROOTFS;

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

test('rootfs: built once, then reused from the cache', async (t) => {
  const first = await rootfsOrSkip(t, ROOTFS);
  if (!first) return;
  const again = await rootfsOrSkip(t, ROOTFS);
  assert.ok(again?.cached, 'second lookup must hit the cache');
  assert.equal(again.path, first.path);
  assert.ok(existsSync(path.join(first.path, 'lib/systemd/systemd')));
  assert.equal((await fs.stat(first.path)).mode & 0o777, 0o755, 'rootfs / must be 0755');
  t.diagnostic(
    `timing: rootfs ${first.cached ? `cached (its build took ${secs(first.buildMs)})` : `built uncached in ${secs(first.elapsedMs)}`}; ` +
      `cached reuse ${secs(again.elapsedMs)}`,
  );
});

test('lifecycle rootfs variant: host Node 20 as nodejs, rpm inside', async (t) => {
  await withSystemd(t, { rootfs: ROOTFS }, async (c) => {
    t.diagnostic(`timing: boot (lifecycle rootfs) ${secs(c.bootMs)}`);
    const node = await c.exec(['node', '--version']);
    assert.equal(node.stdout.trim(), `v${process.versions.node}`, node.stderr);
    const dep = await c.exec(['dpkg-query', '-W', '-f=${Version}', 'nodejs'], { check: true });
    assert.equal((await run('dpkg', ['--compare-versions', dep.stdout, 'ge', '20'], { allowFailure: true })).exitCode, 0, `nodejs ${dep.stdout} < 20`);
    assert.match((await c.exec(['rpm', '--version'], { check: true })).stdout, /RPM version 4\./);
    assert.equal((await c.exec(['rpm', '--eval', '%_dbpath'])).stdout.trim(), '/var/lib/rpm');
    assert.equal((await c.exec(['rpm', '-qa'])).exitCode, 0, 'rpm database initialised');
  });
});

test('packageList: base + extra, deduplicated and sorted; a bad name is a usage error', () => {
  const list = packageList(['rpm', 'curl']);
  assert.deepEqual(list, [...new Set([...BASE_PACKAGES, 'rpm'])].sort());
  assert.deepEqual(packageList(), [...BASE_PACKAGES].sort());
  assert.throws(() => packageList(['rpm; rm -rf /']), (e: unknown) => e instanceof TacError && e.exitCode === ExitCode.USAGE && e.message === "'rpm; rm -rf /' is not a Debian package name");
});

test('maxAgeMs: the option wins, then a numeric TACD_ROOTFS_MAX_AGE_DAYS, else 30 days', () => {
  const day = 86_400_000;
  assert.equal(maxAgeMs(2, '5'), 2 * day);
  assert.equal(maxAgeMs(undefined, '5'), 5 * day);
  assert.equal(maxAgeMs(undefined, 'soon'), 30 * day);
  assert.equal(maxAgeMs(undefined, ''), 30 * day);
  assert.equal(maxAgeMs(0, '5'), 0);
});
