// The Debian init.d script (hosts without systemd): tacd in daemon mode
// with a pid file, run by start-stop-daemon as the service user. Checked in
// the nspawn container with systemd's redirect of /etc/init.d/* disabled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir } from './helpers.js';
import { waitPort } from './probe.js';

test('/etc/init.d/NAME starts tacd as a daemon with a pid file, as the service user, and stops it', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--runtime', 'system', '--output', out, '--', '--port', '7011']);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      assert.equal((await c.installDeb(deb)).exitCode, 0);
      await c.exec(['systemctl', 'stop', 'echo.service'], { check: true });
      const env = { SYSTEMCTL_SKIP_REDIRECT: '1' };
      const start = await c.exec(['/etc/init.d/echo', 'start'], { env });
      assert.equal(start.exitCode, 0, start.stdout + start.stderr);
      assert.equal(await waitPort(c, 7011), 'ping\n');
      const pid = (await c.exec(['cat', '/run/echo/echo.pid'])).stdout.trim();
      assert.match(pid, /^\d+$/);
      assert.equal((await c.exec(['ps', '-o', 'user=', '-p', pid])).stdout.trim(), 'echo');
      assert.equal((await c.exec(['/etc/init.d/echo', 'status'], { env })).exitCode, 0);
      assert.match((await c.exec(['ls', '/var/log/echo'])).stdout, /echo\.log/);
      const again = await c.exec(['/etc/init.d/echo', 'start'], { env });
      assert.equal(again.exitCode, 0, 'start is idempotent');
      assert.equal((await c.exec(['cat', '/run/echo/echo.pid'])).stdout.trim(), pid, 'no second daemon');
      assert.equal((await c.exec(['/etc/init.d/echo', 'reload'], { env })).exitCode, 0);
      const stop = await c.exec(['/etc/init.d/echo', 'stop'], { env });
      assert.equal(stop.exitCode, 0, stop.stdout + stop.stderr);
      assert.notEqual((await c.exec(['kill', '-0', pid])).exitCode, 0, 'the daemon is gone');
      assert.notEqual((await c.exec(['/etc/init.d/echo', 'status'], { env })).exitCode, 0);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
