// Boots a real systemd in systemd-nspawn (src/verify) and drives it: a transient
// unit, a hand-made .deb with debhelper-style maintainer scripts (enable + start,
// purge), a unit that fails at once, stale-state cleanup, and the lifecycle
// rootfs variant (host Node 20 as nodejs, rpm). Prints the timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/core/exec.js';
import { TacError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { bootContainer, containerName } from '../../src/verify/container.js';
import { mountPoints } from '../../src/verify/mounts.js';
import { bootOrSkip, LIFECYCLE_ROOTFS, skipUnlessSystemd, withSystemd } from '../helpers/systemd.js';

// Every test here boots the same image as the package lifecycle suites, so a
// fresh CI host builds one rootfs, not two.
const ROOTFS = LIFECYCLE_ROOTFS;

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function noMountsUnder(dir: string): void {
  const left = [...mountPoints()].filter((m) => m === dir || m.startsWith(`${dir}/`));
  assert.deepEqual(left, [], `mounts left behind under ${dir}`);
}

test('boot to running, exec, copyIn through absolute symlinks, host network, teardown', async (t) => {
  const c = await bootOrSkip(t, { rootfs: ROOTFS });
  if (!c) return;
  let teardownMs = 0;
  const server = http.createServer((_, res) => res.end('hello from the host'));
  try {
    assert.match(c.bootState, /^(running|degraded)$/);
    const state = await c.exec(['systemctl', 'is-system-running']);
    assert.equal(state.stdout.trim(), 'running', `failed units: ${c.failedUnits.join(', ')}`);
    assert.equal((await c.exec(['cat', '/proc/1/comm'])).stdout.trim(), 'systemd', 'PID 1 inside is systemd');

    const r = await c.sh('echo out; echo err >&2; exit 3');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
    assert.equal((await c.exec(['sh', '-c', 'echo "$PATH|$HOME|${TACD_X:-}"'], { env: { TACD_X: 'y' } })).stdout, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/root|y\n');
    await assert.rejects(c.exec(['false'], { check: true }), /exited 1/);
    const unit = await c.exec(['sh', '-c', 'echo "$TACD_X"; cat /proc/self/cgroup | grep -c run-u; exit 4'], { asUnit: true, env: { TACD_X: 'z' } });
    assert.deepEqual([unit.exitCode, unit.stdout.split('\n')[0]], [4, 'z'], unit.stderr);

    // /var/run -> /run is an absolute symlink: it must resolve inside the container, not on the host.
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-copyin-'));
    await fs.writeFile(path.join(tmp, 'probe'), 'copied\n');
    await c.copyIn(path.join(tmp, 'probe'), '/var/run/tacd-probe/probe', { mode: 0o600 });
    await fs.rm(tmp, { recursive: true });
    assert.equal((await c.exec(['cat', '/run/tacd-probe/probe'])).stdout, 'copied\n');
    assert.equal((await c.exec(['stat', '-c', '%a', '/run/tacd-probe/probe'])).stdout.trim(), '600');
    assert.ok(!existsSync('/run/tacd-probe'), 'copyIn escaped to the host /run');
    // ... and so must an absolute symlink as the last component
    await c.exec(['ln', '-s', '/run/tacd-link-target', '/etc/tacd-link'], { check: true });
    await c.writeFile('/etc/tacd-link', 'through the link\n');
    assert.equal((await c.exec(['cat', '/run/tacd-link-target'])).stdout, 'through the link\n');
    assert.ok(!existsSync('/run/tacd-link-target'), 'writeFile escaped to the host /run');
    await c.writeFile('/etc/tacd-written', 'x');
    assert.equal((await c.readFile('/etc/tacd-written')).toString(), 'x');

    // The host network is shared by default: a host server on 127.0.0.1 answers curl inside.
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as AddressInfo).port;
    const curl = await c.exec(['curl', '-sS', '--max-time', '5', `http://127.0.0.1:${port}/`]);
    assert.equal(curl.stdout, 'hello from the host', curl.stderr);

    t.diagnostic(`timing: boot to '${c.bootState}' ${secs(c.bootMs)}`);
  } finally {
    server.close();
    teardownMs = await c.shutdown();
  }
  t.diagnostic(`timing: teardown ${secs(teardownMs)}`);
  assert.equal(await c.shutdown(), teardownMs, 'shutdown is idempotent');
  noMountsUnder(c.stateDir);
  assert.ok(!existsSync(c.stateDir), 'state dir removed');
  assert.ok(!existsSync(`/proc/${c.nspawnPid}`) || !(await fs.readFile(`/proc/${c.nspawnPid}/cmdline`, 'utf8')).includes(c.name), 'nspawn gone');
});

test('a transient unit (systemd-run) is active, then stopped', async (t) => {
  await withSystemd(t, { rootfs: ROOTFS }, async (c) => {
    await c.exec(['systemd-run', '--unit=tacd-transient', '--service-type=exec', '/bin/sleep', 'infinity'], { check: true });
    assert.equal(await c.waitForUnitState('tacd-transient.service', ['active']), 'active');
    const p = await c.unitProperties('tacd-transient.service', ['MainPID', 'SubState']);
    assert.notEqual(p.MainPID, '0');
    assert.equal(p.SubState, 'running');
    await c.exec(['systemctl', 'stop', 'tacd-transient.service'], { check: true });
    assert.notEqual((await c.exec(['systemctl', 'is-active', 'tacd-transient.service'])).stdout.trim(), 'active');
  });
});

const UNIT = 'tacd-sleeper.service';

/** A .deb built like dh_installsystemd would: unit in /lib/systemd/system, enable + start in postinst. */
async function buildSleeperDeb(dir: string): Promise<string> {
  const tree = path.join(dir, 'tree');
  await fs.mkdir(path.join(tree, 'DEBIAN'), { recursive: true });
  await fs.mkdir(path.join(tree, 'lib/systemd/system'), { recursive: true });
  await fs.writeFile(
    path.join(tree, 'DEBIAN/control'),
    'Package: tacd-sleeper\nVersion: 1.0-1\nArchitecture: all\nMaintainer: tacd tests <tacd@example.org>\nDescription: sleeps forever (tacd container test)\n',
  );
  await fs.writeFile(
    path.join(tree, 'lib/systemd/system', UNIT),
    '[Unit]\nDescription=tacd test sleeper\n\n[Service]\nExecStart=/bin/sh -c \'while true; do sleep 1; done\'\n\n[Install]\nWantedBy=multi-user.target\n',
  );
  const scripts: Record<string, string> = {
    postinst: `#!/bin/sh
set -e
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	deb-systemd-helper unmask '${UNIT}' >/dev/null || true
	if deb-systemd-helper --quiet was-enabled '${UNIT}'; then
		deb-systemd-helper enable '${UNIT}' >/dev/null || true
	else
		deb-systemd-helper update-state '${UNIT}' >/dev/null || true
	fi
fi
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
		if [ -n "$2" ]; then _dh_action=restart; else _dh_action=start; fi
		deb-systemd-invoke $_dh_action '${UNIT}' >/dev/null || true
	fi
fi
`,
    prerm: `#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
	deb-systemd-invoke stop '${UNIT}' >/dev/null || true
fi
`,
    postrm: `#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = "remove" ]; then
	if [ -x "/usr/bin/deb-systemd-helper" ]; then
		deb-systemd-helper mask '${UNIT}' >/dev/null || true
	fi
fi
if [ "$1" = "purge" ]; then
	if [ -x "/usr/bin/deb-systemd-helper" ]; then
		deb-systemd-helper purge '${UNIT}' >/dev/null || true
		deb-systemd-helper unmask '${UNIT}' >/dev/null || true
	fi
fi
`,
  };
  for (const [name, body] of Object.entries(scripts)) await fs.writeFile(path.join(tree, 'DEBIAN', name), body, { mode: 0o755 });
  const deb = path.join(dir, 'tacd-sleeper_1.0-1_all.deb');
  await run('dpkg-deb', ['--root-owner-group', '--build', tree, deb]);
  return deb;
}

test('.deb lifecycle: postinst enables and starts the unit, purge removes it', async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-deb-'));
  try {
    const deb = await buildSleeperDeb(dir);
    await withSystemd(t, { rootfs: ROOTFS }, async (c) => {
      const t0 = Date.now();
      const inst = await c.installDeb(deb);
      assert.equal(inst.exitCode, 0, inst.stderr);
      t.diagnostic(`timing: dpkg -i ${secs(Date.now() - t0)}`);
      assert.equal((await c.exec(['systemctl', 'is-enabled', UNIT])).stdout.trim(), 'enabled');
      assert.equal(await c.waitForUnitState(UNIT, ['active']), 'active', await c.journal(UNIT));
      // (lstat: the link's absolute target would resolve on the host)
      const link = await fs.lstat(path.join(c.rootDir, 'etc/systemd/system/multi-user.target.wants', UNIT));
      assert.ok(link.isSymbolicLink(), 'multi-user.target.wants link missing');

      const purge = await c.exec(['dpkg', '--purge', 'tacd-sleeper']);
      assert.equal(purge.exitCode, 0, purge.stderr);
      assert.notEqual((await c.exec(['systemctl', 'is-active', UNIT])).stdout.trim(), 'active');
      assert.notEqual((await c.exec(['dpkg-query', '-W', 'tacd-sleeper'])).exitCode, 0, 'package still known to dpkg');
      const leftovers = await c.sh(`ls /lib/systemd/system/${UNIT} /etc/systemd/system/*/${UNIT} /var/lib/systemd/deb-systemd-helper-enabled/*${UNIT}* 2>/dev/null || true`);
      assert.equal(leftovers.stdout, '', 'unit file or links left after purge');
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a unit that exits at once is seen as failed', async (t) => {
  await withSystemd(t, { rootfs: ROOTFS }, async (c) => {
    await c.writeFile('/etc/systemd/system/tacd-fails.service', '[Service]\nExecStart=/bin/sh -c "echo tacd-fails-now; exit 3"\n');
    await c.exec(['systemctl', 'daemon-reload'], { check: true });
    await c.exec(['systemctl', 'start', '--no-block', 'tacd-fails.service'], { check: true });
    assert.equal(await c.waitForUnitState('tacd-fails.service', ['failed']), 'failed');
    assert.equal((await c.exec(['systemctl', 'is-failed', 'tacd-fails.service'])).exitCode, 0);
    const p = await c.unitProperties('tacd-fails.service', ['Result', 'ExecMainStatus']);
    assert.deepEqual(p, { Result: 'exit-code', ExecMainStatus: '3' });
    assert.match(await c.journal('tacd-fails.service'), /tacd-fails-now/);
  });
});

test('a rootfs that cannot boot fails with one clear line and leaves nothing behind', async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-empty-root-'));
  const stateRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-state-'));
  try {
    await fs.chmod(empty, 0o755);
    await assert.rejects(bootContainer({ rootfsPath: empty, stateRoot, bootTimeoutSec: 20 }), (e: unknown) => {
      assert.ok(e instanceof TacError);
      assert.equal(e.code, 'tacd.verify.boot');
      assert.doesNotMatch(e.message, /\n/);
      t.diagnostic(`error: ${e.message}`);
      return true;
    });
    noMountsUnder(stateRoot);
    assert.deepEqual(await fs.readdir(stateRoot), [], 'state removed');
  } finally {
    await fs.rm(empty, { recursive: true, force: true });
    await fs.rm(stateRoot, { recursive: true, force: true });
  }
});

test('privateNetwork: loopback only; bindReadOnly: host files visible, not writable', async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const shared = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-bind-'));
  await fs.writeFile(path.join(shared, 'hello'), 'from the host\n');
  try {
    await withSystemd(t, { rootfs: ROOTFS, privateNetwork: true, bindReadOnly: [shared] }, async (c) => {
      const links = await c.exec(['ip', '-o', 'link', 'show'], { check: true });
      assert.deepEqual(links.stdout.trim().split('\n').map((l) => l.split(':')[1]?.trim()), ['lo']);
      assert.equal((await c.exec(['cat', path.join(shared, 'hello')])).stdout, 'from the host\n');
      assert.notEqual((await c.exec(['touch', path.join(shared, 'x')])).exitCode, 0, 'bind mount is read-only');
      // a service inside answers on the container's own loopback (no clash with host ports)
      const js = "require('http').createServer((q, s) => s.end('inside')).listen(7001, '127.0.0.1')";
      await c.exec(['systemd-run', '--unit=tacd-http', '/usr/bin/node', '-e', js], { check: true });
      let body = '';
      for (let i = 0; i < 50 && body !== 'inside'; i++) {
        body = (await c.exec(['curl', '-s', '--max-time', '2', 'http://127.0.0.1:7001/'])).stdout;
        if (body !== 'inside') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(body, 'inside');
    });
  } finally {
    await fs.rm(shared, { recursive: true, force: true });
  }
});


test('missing systemd-nspawn: one line naming it and its package, exit status 69', { skip: process.getuid?.() !== 0 ? 'needs root: without it requireRoot fails first (test/verify/host.test.ts)' : false }, async () => {
  const bin = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-path-'));
  const savedPath = process.env.PATH;
  try {
    await fs.symlink('/bin/sh', path.join(bin, 'sh'));
    process.env.PATH = bin; // sh only: no systemd-nspawn
    await assert.rejects(bootContainer({ rootfsPath: '/nonexistent' }), (e: unknown) => {
      assert.ok(e instanceof TacError);
      assert.equal(e.exitCode, ExitCode.UNAVAILABLE);
      assert.equal(e.message, "booting a systemd container needs 'systemd-nspawn' (Debian package systemd-container); install it with apt-get install systemd-container");
      return true;
    });
  } finally {
    process.env.PATH = savedPath;
    await fs.rm(bin, { recursive: true, force: true });
  }
});

test('containerName: the given name, or tacd-<8 hex>; anything but letters, digits and - is a usage error', () => {
  assert.equal(containerName('web-1'), 'web-1');
  assert.match(containerName(), /^tacd-[0-9a-f]{8}$/);
  assert.notEqual(containerName(), containerName());
  for (const bad of ['-x', 'a_b', 'a b', '', 'x'.repeat(64)]) {
    assert.throws(() => containerName(bad), (e: unknown) => e instanceof TacError && e.code === 'tacd.verify.name' && e.exitCode === ExitCode.USAGE, bad);
  }
  assert.equal(containerName('x'.repeat(63)), 'x'.repeat(63));
});
