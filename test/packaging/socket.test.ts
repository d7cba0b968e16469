// --socket-activation: systemd binds the port (here 81) in NAME.socket and
// passes it to the service, which then needs no capability at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir } from './helpers.js';
import { prop, waitPort } from './probe.js';

test('deb with --socket-activation: socket and service enabled, port served through the passed descriptor', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--name', 'echosock', '--runtime', 'system', '--socket-activation', '--output', out, '--', '--port', '81']);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      assert.equal((await c.installDeb(deb)).exitCode, 0);
      assert.equal((await c.exec(['systemctl', 'is-enabled', 'echosock.socket'])).stdout.trim(), 'enabled');
      assert.equal(await c.waitForUnitState('echosock.socket', ['active'], 10_000), 'active');
      assert.equal(await waitPort(c, 81), 'ping\n');
      assert.equal(await c.waitForUnitState('echosock.service', ['active'], 10_000), 'active');
      assert.equal(await prop(c, 'echosock.service', 'CapabilityBoundingSet'), '', 'no capability needed');
      await c.exec(['systemctl', 'restart', 'echosock.service'], { check: true });
      assert.equal(await waitPort(c, 81), 'ping\n');
      assert.equal((await c.exec(['dpkg', '-P', 'echosock'])).exitCode, 0);
      assert.notEqual((await c.exec(['systemctl', 'is-active', 'echosock.socket'])).stdout.trim(), 'active');
      const left = await c.sh('ls -d /lib/systemd/system/echosock.* /etc/systemd/system/*/echosock.* /var/lib/systemd/deb-systemd-helper-enabled/*echosock* 2>/dev/null || true');
      assert.equal(left.stdout.trim(), '');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
