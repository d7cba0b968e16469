// The .rpm lifecycle under a real systemd (nspawn, rpm inside the bookworm
// rootfs, --nodeps since its rpmdb knows no Debian packages): install ($1=1:
// user, preset-enabled, started), reload, restart, upgrade (rpm -U: the
// admin's %config(noreplace) kept, one restart, disabled stays disabled),
// erase ($1=0: stopped, disabled, state and logs removed, the edited config
// kept as .rpmsave as rpm does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Container } from '../../src/verify/container.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir } from './helpers.js';
import { cursor, prop, startsSince, waitPort } from './probe.js';

async function rpm(c: Container, args: string[], hostFile?: string): Promise<void> {
  const argv = [...args];
  if (hostFile) {
    const inside = `/root/pkgs/${hostFile.split('/').pop()}`;
    await c.copyIn(hostFile, inside);
    argv.push(inside);
  }
  const r = await c.exec(['rpm', ...argv]);
  assert.equal(r.exitCode, 0, `rpm ${argv.join(' ')}: ${r.stdout}${r.stderr}`);
  // rpm reports a failing scriptlet only as a warning
  assert.doesNotMatch(r.stdout + r.stderr, /scriptlet failed/, `rpm ${argv.join(' ')}: ${r.stderr}`);
}

test('rpm lifecycle: --plugin echo, --runtime system', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const args = (v: string) => ['--plugin', 'echo', '--runtime', 'system', '--set-version', v, '--output', out, '--', '--port', '7005'];
    const v1 = await buildPackage('ts2rpm', args('1.0.0'));
    const v2 = await buildPackage('ts2rpm', args('2.0.0'));
    const v3 = await buildPackage('ts2rpm', args('3.0.0'));
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS }, async (c) => {
      const unit = 'echo.service';
      await rpm(c, ['-i', '--nodeps'], v1);
      assert.equal((await c.exec(['getent', 'passwd', 'echo'])).exitCode, 0, 'service user exists');
      assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'enabled');
      assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
      assert.equal(await waitPort(c, 7005), 'ping\n');
      const pid1 = await prop(c, unit, 'MainPID');
      await c.exec(['systemctl', 'reload', unit], { check: true });
      assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
      assert.equal(await prop(c, unit, 'MainPID'), pid1, 'reload does not restart');
      await c.exec(['systemctl', 'restart', unit], { check: true });
      assert.notEqual(await prop(c, unit, 'MainPID'), pid1);
      assert.equal(await waitPort(c, 7005), 'ping\n');
      // upgrade: the edited /etc/sysconfig is kept; exactly one restart
      await c.sh(`sed -i 's/^TACD_ARGS=.*/TACD_ARGS="--port 7006"/' /etc/sysconfig/echo`);
      await c.exec(['systemctl', 'restart', unit], { check: true });
      assert.equal(await waitPort(c, 7006), 'ping\n');
      const cur = await cursor(c);
      await rpm(c, ['-U', '--nodeps'], v2);
      assert.match((await c.readFile('/etc/sysconfig/echo')).toString(), /--port 7006/, 'config kept');
      assert.equal(await startsSince(c, cur, unit), 1, 'restarted exactly once on upgrade');
      assert.equal(await prop(c, unit, 'ActiveState'), 'active');
      assert.equal(await waitPort(c, 7006), 'ping\n');
      await c.exec(['systemctl', 'disable', unit], { check: true });
      await rpm(c, ['-U', '--nodeps'], v3);
      assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'disabled', 'disabled stays disabled');
      // erase
      await rpm(c, ['-e', '--nodeps', 'echo']);
      assert.notEqual((await c.exec(['systemctl', 'is-active', unit])).stdout.trim(), 'active');
      assert.equal((await c.exec(['test', '-f', '/etc/sysconfig/echo.rpmsave'])).exitCode, 0, 'the edited config is saved as .rpmsave');
      const left = await c.sh(
        `ls -d /usr/lib/systemd/system/${unit} /etc/systemd/system/*/${unit} /etc/sysconfig/echo /var/lib/echo /var/log/echo /usr/lib/echo 2>/dev/null || true`,
      );
      assert.equal(left.stdout.trim(), '', 'erase leaves nothing but the .rpmsave');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('rpm lifecycle: --runtime bundled on port 443, bound as the unprivileged user', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const file = await buildPackage('ts2rpm', ['--plugin', 'echo', '--name', 'echo443', '--runtime', 'bundled', '--output', out, '--', '--port', '443']);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS }, async (c) => {
      const unit = 'echo443.service';
      await rpm(c, ['-i', '--nodeps'], file);
      assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
      assert.equal(await waitPort(c, 443), 'ping\n');
      const pid = await prop(c, unit, 'MainPID');
      assert.equal((await c.exec(['ps', '-o', 'user=', '-p', pid])).stdout.trim(), 'echo443');
      assert.equal((await c.exec(['readlink', `/proc/${pid}/exe`])).stdout.trim(), '/usr/lib/echo443/node', 'the bundled node runs');
      await rpm(c, ['-e', '--nodeps', 'echo443']);
      assert.notEqual((await c.exec(['systemctl', 'is-active', unit])).stdout.trim(), 'active');
      const left = await c.sh(`ls -d /usr/lib/systemd/system/${unit} /etc/systemd/system/*/${unit} /etc/sysconfig/echo443 /var/lib/echo443 /var/log/echo443 /usr/lib/echo443 2>/dev/null || true`);
      assert.equal(left.stdout.trim(), '');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
