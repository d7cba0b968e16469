// init.d mode (hosts without systemd; systemd's redirect of /etc/init.d/*
// disabled in the container): the daemon crashes (SIGKILL) and leaves its pid
// file behind. status reports it dead, start starts a new daemon (tacd removes
// the stale file and says so in its log), stop stops that one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { cleanupFaultyDeb, echoes, installFaulty, UNIT, until } from './helpers.js';

after(cleanupFaultyDeb);

/** Whether the restart after the crash said, anywhere, that it removed a stale pid file. */
let staleReported: boolean | undefined;

test('init.d: a crash leaves a stale pid file; status says dead, start replaces it, stop works', { timeout: 300_000 }, async (t) => {
  await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
    await installFaulty(c);
    await c.exec(['systemctl', 'stop', UNIT], { check: true });
    await c.exec(['systemctl', 'disable', UNIT], { check: true });
    const env = { SYSTEMCTL_SKIP_REDIRECT: '1' };
    const initd = (action: string) => c.exec(['/etc/init.d/faulty', action], { env, timeoutMs: 60_000 });
    const pidfile = '/run/faulty/faulty.pid';
    const readPid = async (): Promise<string> => (await c.exec(['cat', pidfile])).stdout.trim();

    const start = await initd('start');
    assert.equal(start.exitCode, 0, start.stdout + start.stderr);
    const answered = await until(() => echoes(c), 10_000);
    if (!answered) {
      const why = await c.sh('cat /var/log/faulty/faulty.log; ls -la /run/faulty; ps -ef; ss -ltnp');
      assert.fail(`the daemon does not answer: ${start.stdout}${start.stderr}\n${why.stdout}${why.stderr}`);
    }
    const pid1 = await readPid();
    assert.match(pid1, /^\d+$/);

    // the crash: no chance to remove the pid file
    await c.exec(['kill', '-KILL', pid1], { check: true });
    assert.ok(await until(async () => (await c.exec(['kill', '-0', pid1])).exitCode !== 0, 5_000), 'the daemon is gone');
    assert.equal(await readPid(), pid1, 'the stale pid file stays');

    const status = await initd('status');
    assert.notEqual(status.exitCode, 0, 'status: not running');
    assert.match(status.stdout + status.stderr, /not running|failed|dead/i, status.stdout + status.stderr);

    const again = await initd('start');
    assert.equal(again.exitCode, 0, again.stdout + again.stderr);
    assert.ok(await until(async () => /^\d+$/.test(await readPid()) && (await readPid()) !== pid1, 10_000), 'a new pid in the pid file');
    const pid2 = await readPid();
    assert.equal((await c.exec(['ps', '-o', 'user=', '-p', pid2])).stdout.trim(), 'faulty');
    assert.ok(await until(() => echoes(c), 10_000), 'the new daemon answers');
    assert.equal((await initd('status')).exitCode, 0);
    const log = (await c.readFile('/var/log/faulty/faulty.log')).toString();
    staleReported = /stale pidfile/i.test(log + again.stdout + again.stderr);

    const stop = await initd('stop');
    assert.equal(stop.exitCode, 0, stop.stdout + stop.stderr);
    assert.ok(await until(async () => (await c.exec(['kill', '-0', pid2])).exitCode !== 0, 10_000), 'stopped');
    assert.notEqual((await c.exec(['test', '-e', pidfile])).exitCode, 0, 'no pid file after stop');
  });
});

test('init.d: the stale pid file removal is reported (in the log file or on start\'s output)', (t) => {
  // The container test above skipped (no systemd, TACD_SKIP_SLOW): there is nothing to read; with TACD_REQUIRE_SYSTEMD it fails instead.
  if (staleReported === undefined && process.env['TACD_REQUIRE_SYSTEMD'] !== '1') return t.skip('the init.d container test did not run');
  assert.equal(staleReported, true);
});
