// tacd under a real systemd (systemd-nspawn, src/verify/container.ts): Type=notify
// readiness through systemd-notify with NotifyAccess=all, journald priorities,
// a clean stop by SIGTERM, and a failing app failing `systemctl start`.
// The host's tacd tree is bind-mounted read-only at /opt/tacd; Node comes
// from the LIFECYCLE_ROOTFS image (the host's node baked in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { RUNNER_FIXTURES } from './helpers.js';

// ExecStopPost sees how the main process ended ($$ escapes systemd's own expansion); '+' runs it as root.
const RECORD_EXIT = "ExecStopPost=+/bin/sh -c 'echo \"$$SERVICE_RESULT $$EXIT_CODE $$EXIT_STATUS\" > /run/tacd-exit'";

function unit(description: string, execStart: string, extra: readonly string[] = []): string {
  return [
    '[Unit]',
    `Description=${description}`,
    '',
    '[Service]',
    'Type=notify',
    // systemd-notify (our sd_notify mechanism) sends from its own pid once we are not root.
    'NotifyAccess=all',
    'User=nobody',
    `ExecStart=${execStart}`,
    RECORD_EXIT,
    'TimeoutStartSec=30',
    ...extra,
    '',
  ].join('\n');
}

test('systemd Type=notify: `systemctl start` returns only once the port answers; a failing app fails the start with the error in the journal', { timeout: 600_000 }, async (t) => {
  await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true, bindReadOnly: [`${PROJECT_ROOT}:/opt/tacd`] }, async (c) => {
    const node = (await c.sh('command -v node')).stdout.trim();
    assert.ok(node, 'node is in the container image');
    const port = 18555;
    await c.writeFile('/etc/systemd/system/tacd-echo.service', unit('tacd echo', `${node} /opt/tacd/bin/tacd.js --pidfile= echo --port ${port} --interface 127.0.0.1`, ['WatchdogSec=2', 'ExecReload=/bin/kill -HUP $MAINPID']));
    await c.writeFile('/srv/fail.tac.ts', fs.readFileSync(path.join(RUNNER_FIXTURES, 'fail-start.tac.ts.in')), 0o644);
    await c.writeFile('/etc/systemd/system/tacd-fail.service', unit('tacd failing app', `${node} /opt/tacd/bin/tacd.js --pidfile= -y /srv/fail.tac.ts`));
    await c.exec(['systemctl', 'daemon-reload'], { check: true });

    // The port must answer the moment `systemctl start` returns: READY=1 came after the bind, drop and start.
    const start = await c.exec(['bash', '-c', `systemctl start tacd-echo && exec 3<>/dev/tcp/127.0.0.1/${port} && echo ANSWERED`], { timeoutMs: 60_000 });
    assert.equal(start.exitCode, 0, start.stderr + (await c.journal('tacd-echo', 30)));
    assert.match(start.stdout, /ANSWERED/);
    const props = await c.unitProperties('tacd-echo', ['ActiveState', 'StatusText', 'MainPID']);
    assert.equal(props['ActiveState'], 'active');
    assert.match(props['StatusText'] ?? '', /^Running \(pid \d+\)$/);
    const uid = await c.sh(`awk '/^Uid:/ {print $2}' /proc/${props['MainPID']}/status`);
    assert.equal(uid.stdout.trim(), '65534');
    // journald got priorities from the <N> prefixes (and stripped them), and no timestamps of ours.
    const info = await c.sh('journalctl -u tacd-echo -p info -o cat --no-pager');
    assert.match(info.stdout, /^\[tacd#info\] tacd \S+ \(node v\d+\S*\) starting up\.$/m);
    assert.doesNotMatch(info.stdout, /^<\d>/m);
    const errs = await c.sh('journalctl -u tacd-echo -p err -o cat --no-pager');
    assert.equal(errs.stdout.trim(), '');

    // WATCHDOG=1 pings (every second, through systemd-notify) keep it alive past WatchdogSec=2.
    await new Promise((r) => setTimeout(r, 4500));
    assert.equal((await c.unitProperties('tacd-echo', ['ActiveState']))['ActiveState'], 'active', await c.journal('tacd-echo', 20));
    // systemctl reload → SIGHUP → RELOADING=1, reload hooks, READY=1.
    const reload = await c.exec(['systemctl', 'reload', 'tacd-echo'], { timeoutMs: 30_000 });
    assert.equal(reload.exitCode, 0, reload.stderr);
    assert.match(await c.journal('tacd-echo', 20), /Received SIGHUP, reopening log files and reloading\./);

    // systemctl stop: SIGTERM, graceful stop, the process dies by SIGTERM, which systemd counts as success.
    const stop = await c.exec(['systemctl', 'stop', 'tacd-echo'], { timeoutMs: 60_000 });
    assert.equal(stop.exitCode, 0);
    const after = await c.unitProperties('tacd-echo', ['ActiveState']);
    assert.equal(after['ActiveState'], 'inactive');
    assert.equal((await c.readFile('/run/tacd-exit')).toString().trim(), 'success killed TERM', 'died by SIGTERM, counted as success');
    assert.match((await c.journal('tacd-echo', 20)), /Server Shut Down\./);

    // A failing startService: systemctl start fails, the unit is failed, the journal has the error.
    const fail = await c.exec(['systemctl', 'start', 'tacd-fail'], { timeoutMs: 60_000 });
    assert.notEqual(fail.exitCode, 0);
    const fprops = await c.unitProperties('tacd-fail', ['ActiveState', 'Result', 'ExecMainStatus']);
    assert.equal(fprops['ActiveState'], 'failed');
    assert.equal(fprops['ExecMainStatus'], '1');
    assert.equal((await c.readFile('/run/tacd-exit')).toString().trim(), 'exit-code exited 1');
    const fj = await c.sh('journalctl -u tacd-fail -p err -o cat --no-pager');
    assert.match(fj.stdout, /failing failed to start: the application failed to start: Error: boom: cannot start/);
  });
});
