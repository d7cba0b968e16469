// Logging faults. The disk fills up under the packaged service's log file
// (a real 64 KiB tmpfs on /var/log/faulty in the container, not /dev/full as
// in test/runner/units.test.ts): the daemon keeps running, says so on stderr
// (the journal), and logs again once there is room. Log rotation under load
// (size rotation plus SIGUSR2 every 10 ms while 200 000 lines are written) loses no line
// and duplicates none (the runner, directly on the host).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { cleanEnv, finished, freePort, startTacd, tempDir, waitFor } from '../runner/helpers.js';
import { cleanupFaultyDeb, configure, echoes, FAULTY_TAC, installFaulty, prop, UNIT, unitLog, until } from './helpers.js';

after(cleanupFaultyDeb);

test('disk full under the log file: the daemon keeps running, says so once in the journal, and logs again when there is room', { timeout: 300_000 }, async (t) => {
  await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
    await installFaulty(c);
    await c.exec(['systemctl', 'stop', UNIT], { check: true });
    await c.sh('mkdir -p /var/log/faulty && mount -t tmpfs -o size=64k,mode=0750,uid=$(id -u faulty),gid=$(id -g faulty) tacd-full /var/log/faulty', { check: true });
    try {
      await configure(c, { FAULT: 'log-forever', TACD_ARGS: '--logfile /var/log/faulty/faulty.log --log-rotate-length 0' });
      await c.exec(['systemctl', 'start', UNIT], { check: true });
      const pid = await prop(c, 'MainPID');
      const full = async (): Promise<boolean> => /\s100%\s/.test((await c.exec(['df', '-P', '/var/log/faulty'])).stdout);
      assert.ok(await until(full, 20_000), 'the log filled the 64 KiB file system');
      assert.ok(await until(async () => /cannot write log file \/var\/log\/faulty\/faulty\.log: .*ENOSPC/.test(await unitLog(c)), 10_000), await unitLog(c));
      await new Promise((r) => setTimeout(r, 1500)); // keep logging into a full disk
      assert.equal(await prop(c, 'ActiveState'), 'active');
      assert.equal(await prop(c, 'MainPID'), pid, 'same process');
      assert.equal(await prop(c, 'NRestarts'), '0');
      assert.ok(await echoes(c), 'still serving');
      const reports = (await unitLog(c)).split('\n').filter((l) => /cannot write log file/.test(l)).length;
      assert.equal(reports, 1, 'reported once, not once per dropped line');
      // room again: the next line is written
      await c.exec(['truncate', '-s', '0', '/var/log/faulty/faulty.log'], { check: true });
      assert.ok(await until(async () => /filler/.test((await c.readFile('/var/log/faulty/faulty.log')).toString()), 10_000), 'logging resumed');
      await c.exec(['systemctl', 'stop', UNIT], { check: true });
    } finally {
      await c.exec(['systemctl', 'stop', UNIT]);
      await c.exec(['umount', '/var/log/faulty']);
    }
  });
});

test('log rotation under load loses no line: 200 000 lines, size rotation every 64 KiB and SIGUSR2 every 10 ms meanwhile', { timeout: 120_000 }, async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const N = 200_000;
  const log = path.join(dir, 'faulty.log');
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', '-l', log, '--log-rotate-length', '65536', '-y', FAULTY_TAC], {
    cwd: dir,
    env: cleanEnv({ FAULT: 'log-load', FAULT_LINES: String(N), FAULT_PORT: String(port) }),
  });
  const done = finished(child);
  const logText = (): string =>
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('faulty.log'))
      .map((f) => {
        try {
          return fs.readFileSync(path.join(dir, f), 'utf8');
        } catch {
          return ''; // renamed by a rotation meanwhile
        }
      })
      .join('');
  let usr2 = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    // SIGUSR2's default action kills: send it once the runner handles it (the load has begun)
    await waitFor('load started', () => /load line \d+$/m.test(logText()), 30_000);
    timer = setInterval(() => {
      try {
        if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGUSR2');
        usr2++;
      } catch {
        // exited meanwhile: the assertions below say how
      }
    }, 10);
    await waitFor('load done', () => logText().includes(`load done ${N}`), 60_000);
  } finally {
    clearInterval(timer);
    child.kill('SIGTERM');
  }
  const r = await done;
  assert.ok(r.code === 0 || r.signal === 'SIGTERM', `tacd ended with ${r.code ?? r.signal}: ${r.stderr}`);
  const files = fs.readdirSync(dir).filter((f) => /^faulty\.log(\.\d+)?$/.test(f));
  // oldest first: faulty.log.K ... faulty.log.1, faulty.log
  const order = files.sort((a, b) => Number(b.split('.')[2] ?? 0) - Number(a.split('.')[2] ?? 0));
  const seen: number[] = [];
  for (const f of order) {
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/load line (\d+)$/gm)) seen.push(Number(m[1]));
  }
  t.diagnostic(`${files.length} files, ${usr2} SIGUSR2 sent, ${seen.length} lines`);
  assert.ok(files.length > 10, `rotated (${files.length} files)`);
  assert.equal(seen.length, N, 'every line once');
  assert.ok(seen.every((v, i) => v === i), 'in order, none lost or duplicated');
});
