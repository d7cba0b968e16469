// Faults of a packaged app under a real systemd (nspawn, private network),
// with the app of test/faults/fixtures/faulty.tac.mjs packaged by ts2deb:
// startService throws, stopService hangs, a crash after start, SIGTERM while
// starting.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { cleanupFaultyDeb, configure, echoes, installFaulty, prop, UNIT, unitLog, until } from './helpers.js';

const SLOW = { timeout: 300_000 };
const BOOT = { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true };
after(cleanupFaultyDeb);

test('startService throws: systemctl start fails, the journal names the error, restarts stop at the start limit', SLOW, async (t) => {
  await withSystemd(t, BOOT, async (c) => {
    await installFaulty(c);
    assert.equal(await c.waitForUnitState(UNIT, ['active'], 15_000), 'active');
    // systemd's default limit is 5 starts in 10 s; with RestartSec=2s a slow host needs more than
    // 2.5 s a round and never reaches it. A wider window keeps the check and drops the race.
    await c.sh(`mkdir -p /etc/systemd/system/${UNIT}.d && printf '[Unit]\\nStartLimitIntervalSec=60s\\nStartLimitBurst=5\\n' > /etc/systemd/system/${UNIT}.d/start-limit.conf && systemctl daemon-reload`, { check: true });
    await configure(c, { FAULT: 'throw-start' });
    const start = await c.exec(['systemctl', 'restart', UNIT], { timeoutMs: 60_000 });
    assert.notEqual(start.exitCode, 0, 'systemctl restart fails');
    assert.match(start.stderr, /Job for faulty\.service failed/);
    assert.match(await unitLog(c), /faulty: startService refuses \(FAULT=throw-start\)/, 'the journal names the error');
    // Restart=on-failure retries every RestartSec (2 s) until the start limit (5 in 60 s here) gives up
    const gaveUp = await until(async () => (await prop(c, 'ActiveState')) === 'failed', 40_000, 250);
    const result = await prop(c, 'Result');
    const n = Number(await prop(c, 'NRestarts'));
    t.diagnostic(`gave up: ${gaveUp}, Result=${result}, NRestarts=${n}`);
    assert.ok(gaveUp, `the unit keeps restarting (NRestarts=${n}, ${await prop(c, 'SubState')})`);
    // systemd 252 keeps the last run's result (exit-code) and logs the limit
    assert.ok(['exit-code', 'start-limit-hit'].includes(result), `Result=${result}`);
    assert.match(await unitLog(c), /faulty\.service: Start request repeated too quickly\./);
    assert.ok(n >= 1 && n <= 5, `NRestarts=${n}: retried, but not beyond the start limit`);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await prop(c, 'ActiveState'), 'failed', 'no restart after giving up');
    assert.equal(await prop(c, 'NRestarts'), String(n));
  });
});

test('stopService hangs: systemctl stop ends within --shutdown-timeout and the journal names the hung service', SLOW, async (t) => {
  await withSystemd(t, BOOT, async (c) => {
    await installFaulty(c);
    await configure(c, { FAULT: 'hang-stop', TACD_ARGS: '--shutdown-timeout 2' });
    await c.exec(['systemctl', 'restart', UNIT], { check: true });
    assert.equal(await c.waitForUnitState(UNIT, ['active'], 15_000), 'active');
    const t0 = Date.now();
    const stop = await c.exec(['systemctl', 'stop', UNIT], { timeoutMs: 60_000 });
    const ms = Date.now() - t0;
    t.diagnostic(`systemctl stop took ${ms} ms`);
    assert.equal(stop.exitCode, 0, stop.stderr);
    assert.ok(ms >= 1500 && ms < 6000, `stop took ${ms} ms: expected about the 2 s --shutdown-timeout, far below TimeoutStopSec=40s`);
    assert.match(await unitLog(c), /Shutdown timed out after 2 s; still stopping: faulty\/faulty-svc \(Faulty\)/);
    assert.notEqual((await c.exec(['pgrep', '-u', 'faulty'])).exitCode, 0, 'no process of the service left');
  });
});

test('the app crashes after start: Restart=on-failure brings it back (NRestarts 0 -> 1), then it stays up', SLOW, async (t) => {
  await withSystemd(t, BOOT, async (c) => {
    await installFaulty(c);
    await configure(c, { FAULT: 'crash-once' });
    await c.exec(['rm', '-f', '/var/lib/faulty/crashed-once']);
    await c.exec(['systemctl', 'restart', UNIT], { check: true });
    const pid1 = await prop(c, 'MainPID');
    assert.equal(await prop(c, 'NRestarts'), '0');
    assert.ok(await until(async () => (await prop(c, 'NRestarts')) === '1', 15_000), `NRestarts=${await prop(c, 'NRestarts')}`);
    assert.equal(await c.waitForUnitState(UNIT, ['active'], 15_000), 'active');
    assert.notEqual(await prop(c, 'MainPID'), pid1, 'a new main process');
    assert.ok(await until(() => echoes(c), 10_000), 'the port answers again');
    assert.match(await unitLog(c), /faulty: crash after start \(FAULT=crash-once\)/);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await prop(c, 'NRestarts'), '1', 'no further restart');
    assert.equal(await prop(c, 'ActiveState'), 'active');
  });
});

test('SIGTERM while starting (startService still pending): remembered and acted on once the start is done; the stop is clean, the next start works', SLOW, async (t) => {
  await withSystemd(t, BOOT, async (c) => {
    await installFaulty(c);
    await c.exec(['systemctl', 'stop', UNIT], { check: true });
    await configure(c, { FAULT: 'slow-start', FAULT_DELAY_MS: '4000' });
    await c.exec(['systemctl', 'start', '--no-block', UNIT], { check: true });
    // This run's own lines (the journal also holds the earlier runs'): "starting up" is logged in the
    // same turn that installs the signal handlers, so the SIGTERM below always reaches them.
    const ownLog = async (): Promise<string> => {
      const pid = await prop(c, 'MainPID');
      if (pid === '' || pid === '0') return '';
      await c.exec(['journalctl', '--sync']);
      return (await c.exec(['journalctl', '-b', '-u', UNIT, `_PID=${pid}`, '-o', 'cat', '--no-pager'])).stdout;
    };
    assert.ok(await until(async () => (await prop(c, 'ActiveState')) === 'activating' && /starting up/.test(await ownLog()), 15_000), 'the service is starting');
    const log = await ownLog();
    const stop = await c.exec(['systemctl', 'stop', UNIT], { timeoutMs: 60_000 });
    assert.equal(stop.exitCode, 0, stop.stderr);
    const after = (await unitLog(c)).slice((await unitLog(c)).lastIndexOf(log.split('\n')[0]!));
    t.diagnostic(`ActiveState=${await prop(c, 'ActiveState')} Result=${await prop(c, 'Result')}`);
    // Deferred, not dropped and not Node's "die at once": the tree finishes starting, then stops gracefully.
    assert.match(after, /Received SIGTERM while starting; stopping once started\.[^]*faulty started \(pid \d+\)\.[^]*Received SIGTERM, shutting down\.[^]*Server Shut Down\./);
    assert.equal(await prop(c, 'ActiveState'), 'inactive', `clean stop, not failed (Result=${await prop(c, 'Result')})`);
    assert.equal(await prop(c, 'Result'), 'success');
    assert.notEqual((await c.exec(['pgrep', '-u', 'faulty'])).exitCode, 0, 'no process of the service left');
    await configure(c, {});
    await c.exec(['systemctl', 'start', UNIT], { check: true });
    assert.equal(await c.waitForUnitState(UNIT, ['active'], 15_000), 'active');
    assert.ok(await until(() => echoes(c), 10_000));
  });
});
