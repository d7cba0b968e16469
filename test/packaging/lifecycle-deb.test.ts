// The .deb lifecycle under a real systemd (nspawn): install, user, enabled +
// active + port, reload, restart, upgrade v1 -> v2 (conffile kept, one
// restart, disabled stays disabled), remove (stopped, conffile kept), purge
// (nothing left). Runs with --runtime system (the rootfs carries the host's
// node as a nodejs package) and once with --runtime bundled on a port < 1024.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Container } from '../../src/verify/container.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir } from './helpers.js';
import { prop, startsSince, cursor, waitPort } from './probe.js';

async function install(c: Container, deb: string): Promise<void> {
  const r = await c.installDeb(deb);
  assert.equal(r.exitCode, 0, `dpkg -i ${deb}: ${r.stdout}${r.stderr}`);
}

async function lifecycle(c: Container, o: { name: string; port: number; v1: string; v2: string; v3: string }): Promise<void> {
  const unit = `${o.name}.service`;
  // 1-2: install; user, enabled, active, port
  await install(c, o.v1);
  assert.equal((await c.exec(['getent', 'passwd', o.name])).exitCode, 0, 'service user exists');
  assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'enabled');
  assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
  assert.equal(await waitPort(c, o.port), 'ping\n', `port ${o.port} echoes`);
  assert.equal(await prop(c, unit, 'User'), o.name);
  const uid = (await c.sh(`ps -o user= -p $(systemctl show -p MainPID --value ${unit})`)).stdout.trim();
  assert.equal(uid, o.name, 'the main process runs as the service user');
  // 3: reload keeps the same process
  const pid1 = await prop(c, unit, 'MainPID');
  await c.exec(['systemctl', 'reload', unit], { check: true });
  // tacd reports RELOADING=1 then READY=1 around its SIGHUP handling
  assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
  assert.equal(await prop(c, unit, 'MainPID'), pid1, 'reload does not restart');
  // 4: restart
  await c.exec(['systemctl', 'restart', unit], { check: true });
  assert.notEqual(await prop(c, unit, 'MainPID'), pid1);
  assert.equal(await waitPort(c, o.port), 'ping\n');
  // 5: upgrade; the admin's conffile edit is kept; exactly one restart
  await c.sh(`sed -i 's/^TACD_ARGS=.*/TACD_ARGS="--port ${o.port + 1}"/' /etc/default/${o.name}`);
  await c.exec(['systemctl', 'restart', unit], { check: true });
  assert.equal(await waitPort(c, o.port + 1), 'ping\n', 'the edited /etc/default applies');
  const cur = await cursor(c);
  await install(c, o.v2);
  assert.match((await c.readFile(`/etc/default/${o.name}`)).toString(), new RegExp(`--port ${o.port + 1}`), 'conffile kept');
  assert.equal(await startsSince(c, cur, unit), 1, 'restarted exactly once on upgrade');
  assert.equal(await prop(c, unit, 'ActiveState'), 'active', 'never left stopped');
  assert.equal(await waitPort(c, o.port + 1), 'ping\n');
  // a unit the admin disabled stays disabled across an upgrade
  await c.exec(['systemctl', 'disable', unit], { check: true });
  await install(c, o.v3);
  assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'disabled', 'disabled stays disabled');
  // 6: remove: stopped, conffile kept
  assert.equal((await c.exec(['dpkg', '-r', o.name])).exitCode, 0);
  assert.notEqual((await c.exec(['systemctl', 'is-active', unit])).stdout.trim(), 'active');
  assert.equal((await c.exec(['test', '-f', `/etc/default/${o.name}`])).exitCode, 0, 'conffile kept on remove');
  // 7: purge: nothing left
  assert.equal((await c.exec(['dpkg', '-P', o.name])).exitCode, 0);
  const left = await c.sh(
    `ls -d /lib/systemd/system/${unit} /usr/lib/systemd/system/${unit} /etc/systemd/system/*/${unit} /etc/systemd/system/${unit} ` +
      `/var/lib/systemd/deb-systemd-helper-enabled/*${o.name}* /var/lib/systemd/deb-systemd-helper-masked/*${o.name}* ` +
      `/etc/default/${o.name} /etc/init.d/${o.name} /etc/rc*.d/*${o.name} /var/lib/${o.name} /var/log/${o.name} /usr/lib/${o.name} 2>/dev/null || true`,
  );
  assert.equal(left.stdout.trim(), '', 'purge leaves nothing');
}

test('deb lifecycle: --plugin echo, --runtime system', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const args = (v: string) => ['--plugin', 'echo', '--runtime', 'system', '--set-version', v, '--output', out, '--', '--port', '7001'];
    const v1 = await buildPackage('ts2deb', args('1.0.0'));
    const v2 = await buildPackage('ts2deb', args('2.0.0'));
    const v3 = await buildPackage('ts2deb', args('3.0.0'));
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, (c) => lifecycle(c, { name: 'echo', port: 7001, v1, v2, v3 }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('deb lifecycle: --runtime bundled on port 80, bound as the unprivileged user', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const args = (v: string) => ['--plugin', 'echo', '--name', 'echo80', '--runtime', 'bundled', '--set-version', v, '--output', out, '--', '--port', '80'];
    const v1 = await buildPackage('ts2deb', args('1.0.0'));
    const v2 = await buildPackage('ts2deb', args('2.0.0'));
    const v3 = await buildPackage('ts2deb', args('3.0.0'));
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      await lifecycle(c, { name: 'echo80', port: 80, v1, v2, v3 });
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
