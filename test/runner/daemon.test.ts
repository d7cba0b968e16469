// The real bin/tacd.js as a daemon: start, pidfile, port, signals, logs, umask, privileges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { alive, cannotRunAsNobody, cleanEnv, copyFixture, RUNNER_FIXTURES, exchange, finished, freePort, portAnswers, procStatus, runTacd, startTacd, stopDaemon, tempDir, waitFor, waitForChildPort } from './helpers.js';

function readPidfile(file: string): number {
  return Number(fs.readFileSync(file, 'utf8').trim());
}

test('daemon mode returns promptly, the pidfile holds the daemon pid, the port answers, SIGTERM stops it and removes the pidfile', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const r = await runTacd(['--rundir', dir, 'echo', '--port', String(port), '--interface', '127.0.0.1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const pid = readPidfile(path.join(dir, 'tacd.pid'));
  assert.ok(alive(pid), 'the parent has returned while the daemon (the pid in the pidfile) runs on');
  assert.equal(await exchange(port, 'ping\n'), 'ping\n');
  // Detached: its own session, not the test's.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  assert.equal(Number(stat[3]), pid, 'the daemon is a session leader (setsid)');
  // The default umask when daemonizing is 0077: pidfile and log are private.
  assert.equal(fs.statSync(path.join(dir, 'tacd.pid')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(dir, 'tacd.log')).mode & 0o777, 0o600);
  await stopDaemon(pid);
  assert.ok(!fs.existsSync(path.join(dir, 'tacd.pid')), 'pidfile removed on exit');
  const log = fs.readFileSync(path.join(dir, 'tacd.log'), 'utf8');
  assert.match(log, /Received SIGTERM, shutting down\./);
  assert.match(log, /Server Shut Down\./);
  assert.equal(await portAnswers(port), false);
});

test('foreground: SIGTERM stops the tree and the process dies by SIGTERM (like twistd); SIGINT likewise', async () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const port = await freePort();
    const child = startTacd(['-n', '--pidfile=', 'echo', '--port', String(port), '--interface', '127.0.0.1']);
    const done = finished(child);
    await waitForChildPort(child, port);
    child.kill(sig);
    const r = await done;
    assert.equal(r.signal, sig, `exit: ${r.code} ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Received ${sig}, shutting down\\.`));
    assert.match(r.stdout, /Server Shut Down\./);
  }
});

test('a stale pidfile is removed and the daemon starts', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pidfile = path.join(dir, 'x.pid');
  fs.writeFileSync(pidfile, '4194000'); // above any pid_max in use here
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile', pidfile, 'echo', '--port', String(port), '--interface', '127.0.0.1']);
  const done = finished(child);
  await waitForChildPort(child, port);
  assert.equal(readPidfile(pidfile), child.pid);
  child.kill('SIGTERM');
  const r = await done;
  assert.match(r.stdout, /Removing stale pidfile/);
  assert.ok(!fs.existsSync(pidfile));
});

test('a live pidfile refuses to start, naming the pid (75); a non-numeric one is an error (65)', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pidfile = path.join(dir, 'x.pid');
  fs.writeFileSync(pidfile, String(process.pid));
  let r = await runTacd(['-n', '--pidfile', pidfile, 'echo', '--port', '0']);
  assert.equal(r.code, 75);
  assert.match(r.stderr, new RegExp(`^tacd: Another tacd server is running, PID ${process.pid}$`, 'm'));
  fs.writeFileSync(pidfile, 'twelve');
  r = await runTacd(['-n', '--pidfile', pidfile, 'echo', '--port', '0']);
  assert.equal(r.code, 65);
  assert.equal(r.stderr, `tacd: Pidfile ${pidfile} contains non-numeric value\n`);
});

test('a failing startService makes the daemonizing parent exit 1 with the error; the pidfile is removed and the log says why', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = copyFixture('fail-start.tac.ts', dir);
  const r = await runTacd(['--rundir', dir, '-y', tac], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'An error has occurred: Error: boom: cannot start\nPlease look at log file for more information.\n');
  assert.ok(!fs.existsSync(path.join(dir, 'tacd.pid')));
  assert.match(fs.readFileSync(path.join(dir, 'tacd.log'), 'utf8'), /failing failed to start: the application failed to start: Error: boom: cannot start/);
});

test('in the foreground a failing startService exits 1 with one line; --debug shows a stack pointing at the .tac.ts line', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = copyFixture('fail-start.tac.ts', dir);
  let r = await runTacd(['-n', '--pidfile=', '-y', tac]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'tacd: the application failed to start: Error: boom: cannot start\n');
  r = await runTacd(['-n', '--pidfile=', '--debug', '-y', tac]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(`${tac}:9:`), `stack trace names the .tac.ts line:\n${r.stderr}`);
});

test('--umask is applied (explicit 027 → pidfile 0640); -n without --umask leaves the umask alone', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const r = await runTacd(['--rundir', dir, '--umask', '027', 'echo', '--port', String(port), '--interface', '127.0.0.1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const pid = readPidfile(path.join(dir, 'tacd.pid'));
  assert.equal(fs.statSync(path.join(dir, 'tacd.pid')).mode & 0o777, 0o640);
  assert.equal(fs.statSync(path.join(dir, 'tacd.log')).mode & 0o777, 0o640);
  assert.equal(procStatus(pid, 'Umask'), '0027');
  await stopDaemon(pid);

  const port2 = await freePort();
  const child = startTacd(['-n', '--pidfile', path.join(dir, 'fg.pid'), 'echo', '--port', String(port2), '--interface', '127.0.0.1']);
  const done = finished(child);
  await waitForChildPort(child, port2);
  assert.equal(procStatus(child.pid!, 'Umask'), procStatus(process.pid, 'Umask'));
  child.kill('SIGTERM');
  await done;
});

test('the log rotates at --log-rotate-length and keeps --log-max-files; SIGUSR2 rotates; SIGHUP reopens and calls reload()', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = copyFixture('echo.tac.ts', dir);
  copyFixture('echo-protocol.ts', dir);
  const port = await freePort();
  const log = path.join(dir, 'app.log');
  const r = await runTacd(['--rundir', dir, '-l', log, '--log-rotate-length', '300', '--log-max-files', '2', '-y', tac], {
    cwd: dir,
    env: cleanEnv({ TACD_TEST_PORT: String(port) }),
  });
  assert.equal(r.code, 0, r.stderr);
  const pid = readPidfile(path.join(dir, 'tacd.pid'));
  t.after(() => stopDaemon(pid));
  // Each connection logs nothing by itself, so make log lines with SIGHUP.
  for (let i = 0; i < 6; i++) {
    process.kill(pid, 'SIGHUP');
    await new Promise((res) => setTimeout(res, 150));
  }
  await waitFor('rotated files', () => fs.existsSync(`${log}.1`) && fs.existsSync(`${log}.2`));
  assert.ok(!fs.existsSync(`${log}.3`), 'at most 2 rotated files');
  const all = [log, `${log}.1`, `${log}.2`].map((f) => fs.readFileSync(f, 'utf8')).join('');
  assert.match(all, /reload hook called/);
  for (const f of [`${log}.1`, `${log}.2`]) assert.ok(fs.statSync(f).size >= 300);

  // logrotate-style: move the file away, SIGHUP, a new file appears.
  fs.renameSync(log, `${log}.moved`);
  process.kill(pid, 'SIGHUP');
  await waitFor('reopened log', () => fs.existsSync(log) && /reload hook called/.test(fs.readFileSync(log, 'utf8')));
  assert.equal(fs.statSync(log).mode & 0o777, 0o600);

  const before = fs.readFileSync(log, 'utf8');
  process.kill(pid, 'SIGUSR2');
  await waitFor('SIGUSR2 rotation', () => fs.existsSync(`${log}.1`) && fs.readFileSync(`${log}.1`, 'utf8').startsWith(before.slice(0, 40)));
  assert.equal(await exchange(port, 'still up\n'), 'still up\n');
});

test('--shutdown-timeout forces the exit (status 1) and logs the service that hung; a second signal forces it at once', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = path.join(RUNNER_FIXTURES, 'hang-stop.tac.mjs');
  let child = startTacd(['-n', '--pidfile=', '--shutdown-timeout', '0.5', '-y', tac]);
  let done = finished(child);
  await new Promise((res) => setTimeout(res, 800));
  child.kill('SIGTERM');
  let r = await done;
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Shutdown timed out after 0\.5 s; still stopping: hang\/stuck \(Stuck\)/);

  child = startTacd(['-n', '--pidfile=', '-y', tac]);
  done = finished(child);
  await new Promise((res) => setTimeout(res, 800));
  child.kill('SIGINT');
  await new Promise((res) => setTimeout(res, 200));
  child.kill('SIGINT');
  r = await done;
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Received second SIGINT while stopping, forcing exit\./);
});

test('--uid nobody after binding a port below 1024 as root: the daemon runs as nobody and the port answers', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o755);
  let port = 0;
  for (const p of [907, 908, 909, 913, 914]) {
    if (!(await portAnswers(p))) {
      port = p;
      break;
    }
  }
  const r = await runTacd(['--rundir', dir, '--uid', 'nobody', 'echo', '--port', String(port), '--interface', '127.0.0.1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const pid = readPidfile(path.join(dir, 'tacd.pid'));
  t.after(() => stopDaemon(pid));
  assert.equal(procStatus(pid, 'Uid')!.split(/\s+/)[0], '65534');
  assert.equal(procStatus(pid, 'Gid')!.split(/\s+/)[0], '65534');
  assert.equal(procStatus(pid, 'Groups')!.trim(), '65534');
  assert.equal(await exchange(port, 'as nobody\n'), 'as nobody\n');
  const log = path.join(dir, 'tacd.log');
  assert.match(fs.readFileSync(log, 'utf8'), /set uid\/gid 65534\/65534/);
  // The log file was handed to nobody before the drop: a SIGHUP reopen still works, so the last lines are kept.
  assert.equal(fs.statSync(log).uid, 65534);
  process.kill(pid, 'SIGHUP');
  await waitFor('SIGHUP logged', () => /Received SIGHUP/.test(fs.readFileSync(log, 'utf8')));
  // Rotation needs the (root-owned) folder: it is refused with a warning, not silently.
  process.kill(pid, 'SIGUSR1');
  await waitFor('rotation refused', () => /Received SIGUSR1, but cannot rotate .*tacd\.log: it or its folder is not writable\./.test(fs.readFileSync(log, 'utf8')));
  await stopDaemon(pid);
  assert.match(fs.readFileSync(log, 'utf8'), /Received SIGHUP[^]*Server Shut Down\./);
});

test('as an unprivileged user, a log file it may write but not chmod (root-owned, 0666) is used as it is', { skip: cannotRunAsNobody() }, async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o777);
  const log = path.join(dir, 'shared.log');
  fs.writeFileSync(log, '');
  fs.chmodSync(log, 0o666);
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', '-l', log, 'echo', '--port', String(port), '--interface', '127.0.0.1'], { uid: 65534, gid: 65534, cwd: dir });
  const done = finished(child);
  await waitForChildPort(child, port);
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  assert.match(fs.readFileSync(log, 'utf8'), /starting up\.[^]*Server Shut Down\./);
  assert.equal(fs.statSync(log).mode & 0o777, 0o666);
});

test('SIGUSR1 rotates the log like twistd, and never opens the Node inspector', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'app.log');
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', '-l', log, 'echo', '--port', String(port), '--interface', '127.0.0.1'], { cwd: dir });
  const done = finished(child);
  await waitForChildPort(child, port);
  process.kill(child.pid!, 'SIGUSR1');
  await waitFor('rotation', () => fs.existsSync(`${log}.1`) && /Log rotated on SIGUSR1\./.test(fs.readFileSync(log, 'utf8')));
  assert.equal(await exchange(port, 'after usr1\n'), 'after usr1\n');
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM');
  assert.doesNotMatch(r.stderr, /Debugger listening/);
});

test('daemon mode runs the tac file once (in the daemon); a tac that fails to load ends the parent with its status (65)', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const marks = path.join(dir, 'loaded.txt');
  const tac = path.join(dir, 'once.tac.ts');
  fs.writeFileSync(
    tac,
    `import fs from 'node:fs';\nimport { Application } from 'tacd';\nfs.appendFileSync(${JSON.stringify(marks)}, process.pid + '\\n');\nexport const application = new Application('once');\n`,
  );
  const r = await runTacd(['--rundir', dir, '-y', tac], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const pid = readPidfile(path.join(dir, 'tacd.pid'));
  await stopDaemon(pid);
  assert.deepEqual(fs.readFileSync(marks, 'utf8').trim().split('\n'), [String(pid)], 'loaded once, by the daemon');

  const bad = path.join(dir, 'bad.tac.ts');
  fs.writeFileSync(bad, "import { Application } from 'tacd';\nexport const application = new Application('x'\n");
  const b = await runTacd(['--rundir', dir, '-y', bad], { cwd: dir });
  assert.equal(b.code, 65, b.stderr);
  assert.match(b.stderr, /^An error has occurred: DataError: .*bad\.tac\.ts:\d+:\d+: /);
  const missing = await runTacd(['--rundir', dir, '-y', path.join(dir, 'nope.tac.mjs')], { cwd: dir });
  assert.equal(missing.code, 66);
  assert.equal(missing.stderr, `tacd: tac file not found: ${path.join(dir, 'nope.tac.mjs')}\n`, 'checked by the parent itself');
});

test('a daemon that dies before reporting: the parent exits 1 and says how it ended', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await runTacd(['--rundir', dir, '-y', path.join(RUNNER_FIXTURES, 'die-in-daemon.tac.mjs')], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'An error has occurred: the daemon exited with status 3 before reporting its startup (run with --nodaemon to see its output)\nPlease look at log file for more information.\n');
});

test('an uncaught exception after startup is logged with its stack; the daemon removes its pidfile and exits 70', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = path.join(RUNNER_FIXTURES, 'crash-later.tac.mjs');
  const r = await runTacd(['--rundir', dir, '-y', tac], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const pid = readPidfile(path.join(dir, 'tacd.pid'));
  await waitFor('daemon exit', () => !alive(pid));
  assert.ok(!fs.existsSync(path.join(dir, 'tacd.pid')));
  const log = fs.readFileSync(path.join(dir, 'tacd.log'), 'utf8');
  assert.match(log, /\[tacd#critical\] Unhandled uncaughtException; exiting: Error: kaboom after start\n\s+at .*crash-later\.tac\.mjs:8/);

  const fg = await runTacd(['-n', '--pidfile=', '-y', tac]);
  assert.equal(fg.code, 70, fg.stdout + fg.stderr);
});
