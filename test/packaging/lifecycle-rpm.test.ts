// The .rpm lifecycle under a real systemd (nspawn, rpm inside the bookworm
// rootfs, --nodeps since its rpmdb knows no Debian packages): install ($1=1:
// user, preset-enabled, started), reload, restart, upgrade (rpm -U: the
// admin's %config(noreplace) kept, one restart, disabled stays disabled),
// erase ($1=0: stopped, disabled, state and logs removed, the edited config
// kept as .rpmsave as rpm does). Runs with --runtime system and with
// --runtime bundled on a port < 1024 (444 after the admin's edit).
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

/**
 * The rpm lifecycle of package `o.name` (its unit, user, /etc/sysconfig file and
 * /usr/lib folder share the name) echoing on `o.port`: install v1, reload, restart,
 * upgrade to v2 with an admin-edited /etc/sysconfig (moved to port + 1), upgrade
 * to v3 with the unit disabled, erase. `afterInstall` adds checks while v1 runs.
 */
async function lifecycle(
  c: Container,
  o: { name: string; port: number; v1: string; v2: string; v3: string; afterInstall?: (pid: string) => Promise<void> },
): Promise<void> {
  const unit = `${o.name}.service`;
  const sysconfig = `/etc/sysconfig/${o.name}`;
  // install ($1=1): user, preset-enabled, started
  await rpm(c, ['-i', '--nodeps'], o.v1);
  assert.equal((await c.exec(['getent', 'passwd', o.name])).exitCode, 0, 'service user exists');
  assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'enabled');
  assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
  assert.equal(await waitPort(c, o.port), 'ping\n', `port ${o.port} echoes`);
  const pid1 = await prop(c, unit, 'MainPID');
  assert.equal((await c.exec(['ps', '-o', 'user=', '-p', pid1])).stdout.trim(), o.name, 'the main process runs as the service user');
  await o.afterInstall?.(pid1);
  // reload keeps the process; restart replaces it
  await c.exec(['systemctl', 'reload', unit], { check: true });
  assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
  assert.equal(await prop(c, unit, 'MainPID'), pid1, 'reload does not restart');
  await c.exec(['systemctl', 'restart', unit], { check: true });
  assert.notEqual(await prop(c, unit, 'MainPID'), pid1);
  assert.equal(await waitPort(c, o.port), 'ping\n');
  // upgrade: the edited /etc/sysconfig is kept; exactly one restart, never left stopped
  await c.sh(`sed -i 's/^TACD_ARGS=.*/TACD_ARGS="--port ${o.port + 1}"/' ${sysconfig}`);
  await c.exec(['systemctl', 'restart', unit], { check: true });
  assert.equal(await waitPort(c, o.port + 1), 'ping\n', `the edited ${sysconfig} applies`);
  const cur = await cursor(c);
  await rpm(c, ['-U', '--nodeps'], o.v2);
  assert.match((await c.readFile(sysconfig)).toString(), new RegExp(`--port ${o.port + 1}`), 'config kept');
  assert.equal(await startsSince(c, cur, unit), 1, 'restarted exactly once on upgrade');
  assert.equal(await prop(c, unit, 'ActiveState'), 'active', 'never left stopped');
  assert.equal(await waitPort(c, o.port + 1), 'ping\n');
  // a unit the admin disabled stays disabled across an upgrade
  await c.exec(['systemctl', 'disable', unit], { check: true });
  await rpm(c, ['-U', '--nodeps'], o.v3);
  assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'disabled', 'disabled stays disabled');
  // erase ($1=0): stopped; state, logs and unit gone; the edited config saved as .rpmsave
  await rpm(c, ['-e', '--nodeps', o.name]);
  assert.notEqual((await c.exec(['systemctl', 'is-active', unit])).stdout.trim(), 'active');
  assert.equal((await c.exec(['test', '-f', `${sysconfig}.rpmsave`])).exitCode, 0, 'the edited config is saved as .rpmsave');
  const left = await c.sh(
    `ls -d /usr/lib/systemd/system/${unit} /etc/systemd/system/*/${unit} ${sysconfig} /var/lib/${o.name} /var/log/${o.name} /usr/lib/${o.name} 2>/dev/null || true`,
  );
  assert.equal(left.stdout.trim(), '', 'erase leaves nothing but the .rpmsave');
}

/** v1, v2 and v3 of the same ts2rpm build (`args` without --set-version). */
async function versions(args: readonly string[]): Promise<{ v1: string; v2: string; v3: string }> {
  const dd = args.indexOf('--');
  const build = (v: string) => buildPackage('ts2rpm', [...args.slice(0, dd), '--set-version', v, ...args.slice(dd)]);
  return { v1: await build('1.0.0'), v2: await build('2.0.0'), v3: await build('3.0.0') };
}

test('rpm lifecycle: --plugin echo, --runtime system', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const v = await versions(['--plugin', 'echo', '--runtime', 'system', '--output', out, '--', '--port', '7005']);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, (c) => lifecycle(c, { name: 'echo', port: 7005, ...v }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('rpm lifecycle: --runtime bundled on port 443, bound as the unprivileged user', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    const v = await versions(['--plugin', 'echo', '--name', 'echo443', '--runtime', 'bundled', '--output', out, '--', '--port', '443']);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, (c) =>
      lifecycle(c, {
        name: 'echo443',
        port: 443,
        ...v,
        afterInstall: async (pid) => {
          assert.equal((await c.exec(['readlink', `/proc/${pid}/exe`])).stdout.trim(), '/usr/lib/echo443/node', 'the bundled node runs');
        },
      }),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
