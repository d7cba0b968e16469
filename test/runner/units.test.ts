// In-process tests of the runner's pieces: options, pidfile, privileges, LogFile, log choice, status pipe, sd_notify, signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { parseRunnerArgs, parseUmask } from '../../src/runner/options.js';
import { checkPid, readPid, removePid, writePid } from '../../src/runner/pidfile.js';
import { dropPrivileges, resolveIdentity, type PrivilegedProcess } from '../../src/runner/privileges.js';
import { LogFile } from '../../src/runner/logfile.js';
import { chooseLogTarget } from '../../src/runner/log-setup.js';
import { parentMessageFor, statusLineFor } from '../../src/runner/daemonize.js';
import { createNotifier, watchdogIntervalMs } from '../../src/runner/sd-notify.js';
import { detectSupervisor, runApplication, startupError } from '../../src/runner/run.js';
import { Application } from '../../src/application/application.js';
import { installSignalHandlers, type SignalProcess } from '../../src/runner/signals.js';
import { Logger, LogPublisher, type LogEvent } from '../../src/application/logger/logger.js';
import { Service } from '../../src/application/service.js';
import { MultiService } from '../../src/application/multi-service.js';
import { TacError, UsageError } from '../../src/core/errors.js';
import { tempDir, waitFor } from './helpers.js';

function capture(): { log: Logger; events: LogEvent[] } {
  const pub = new LogPublisher();
  const events: LogEvent[] = [];
  pub.addObserver((e) => events.push(e));
  return { log: new Logger('test', pub), events };
}

test('umask is octal like twistd: 123 and 0123 → 0o123; bad values are usage errors', () => {
  assert.equal(parseUmask('123'), 0o123);
  assert.equal(parseUmask('0123'), 0o123);
  assert.equal(parseUmask('077'), 0o77);
  for (const bad of ['abc', '8', '0999', '12345', '-1', '']) assert.throws(() => parseUmask(bad), UsageError, bad);
});

test('runner options: defaults, paths resolved before chdir, --pidfile= disables, plugin args pass through', () => {
  const o = parseRunnerArgs(['-d', 'run', 'echo', '--port', '7', '-n'], '/srv');
  assert.equal(o.rundir, '/srv/run');
  assert.equal(o.pidfile, '/srv/run/tacd.pid');
  assert.equal(o.nodaemon, false, '-n after the plugin name belongs to the plugin');
  assert.deepEqual(o.pluginArgs, ['--port', '7', '-n']);
  assert.equal(o.umask, null);
  assert.equal(o.shutdownTimeoutMs, 30_000);
  assert.equal(o.logRotateLength, 1_000_000);
  const p = parseRunnerArgs(['-n', '--pidfile=', '-l', 'x.log', '-y', 'app.tac.ts', '--shutdown-timeout', '2.5'], '/srv');
  assert.equal(p.pidfile, null);
  assert.equal(p.logfile, '/srv/x.log');
  assert.equal(p.tacFile, '/srv/app.tac.ts');
  assert.equal(p.shutdownTimeoutMs, 2500);
  assert.throws(() => parseRunnerArgs(['-y', 'a.tac.ts', 'echo'], '/'), /either -y FILE or a plugin name/);
  assert.throws(() => parseRunnerArgs(['--log-format', 'xml', 'echo'], '/'), UsageError);
});

test('pidfile: missing is fine, live refuses (75), stale is removed, non-numeric (65), EPERM (77); written atomically without newline', (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.pid');
  const { log, events } = capture();
  const proc = (kill: (pid: number) => void) => ({ pid: 100, kill: (pid: number) => kill(pid) });
  const err = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  checkPid(file, proc(() => undefined), log);
  fs.writeFileSync(file, '42\n');
  assert.equal(readPid(file), 42);
  assert.throws(() => checkPid(file, proc(() => undefined), log), (e: unknown) => e instanceof TacError && e.exitCode === 75 && /PID 42/.test(e.message));
  assert.throws(() => checkPid(file, proc(err('EPERM')), log), (e: unknown) => e instanceof TacError && e.exitCode === 77 && /Can't check status of PID 42/.test(e.message));
  checkPid(file, proc(err('ESRCH')), log);
  assert.ok(!fs.existsSync(file));
  assert.match(events.map((e) => e.message).join('\n'), /Removing stale pidfile/);
  fs.writeFileSync(file, 'x');
  assert.throws(() => checkPid(file, proc(() => undefined), log), (e: unknown) => e instanceof TacError && e.exitCode === 65);
  fs.rmSync(file);
  writePid(file, proc(() => undefined), log);
  assert.equal(fs.readFileSync(file, 'utf8'), '100');
  assert.deepEqual(fs.readdirSync(dir), ['p.pid'], 'no temp file left');
  // A stale file in the way of the link is replaced once.
  fs.writeFileSync(file, '77');
  writePid(file, proc(err('ESRCH')), log);
  assert.equal(fs.readFileSync(file, 'utf8'), '100');
  removePid(file, log);
  removePid(file, log);
  assert.ok(!fs.existsSync(file));
  assert.throws(() => writePid('/nonexistent-dir/p.pid', proc(() => undefined), log), (e: unknown) => e instanceof TacError && e.exitCode === 73);
});

test('privileges: names resolve from passwd/group; uid alone → primary gid; order initgroups → setgid → setuid; same-uid warning', () => {
  const files = {
    passwd: () => 'root:x:0:0:root:/root:/bin/bash\nsvc:x:1001:2002::/srv:/bin/false\n',
    group: () => 'root:x:0:\nsvcgrp:x:2002:\nother:x:3003:\n',
  };
  assert.deepEqual(resolveIdentity('svc', null, files), { uid: 1001, gid: 2002, user: 'svc' });
  assert.deepEqual(resolveIdentity('1001', 'other', files), { uid: 1001, gid: 3003, user: 'svc' });
  assert.deepEqual(resolveIdentity(null, '5', files), { uid: null, gid: 5, user: null });
  assert.throws(() => resolveIdentity('ghost', null, files), (e: unknown) => e instanceof TacError && e.exitCode === 67);
  assert.throws(() => resolveIdentity(null, 'ghosts', files), (e: unknown) => e instanceof TacError && e.exitCode === 67);

  const calls: string[] = [];
  let uid = 0;
  const proc: PrivilegedProcess = {
    getuid: () => uid,
    getgid: () => 0,
    initgroups: (u, g) => calls.push(`initgroups ${u} ${g}`),
    setgroups: (g) => calls.push(`setgroups ${g.join(',')}`),
    setgid: (g) => calls.push(`setgid ${g}`),
    setuid: (u) => {
      calls.push(`setuid ${u}`);
      uid = u;
    },
  };
  const { log, events } = capture();
  dropPrivileges({ uid: 1001, gid: 2002, user: 'svc' }, proc, log);
  assert.deepEqual(calls, ['initgroups svc 2002', 'setgid 2002', 'setuid 1001']);
  calls.length = 0;
  dropPrivileges({ uid: 1001, gid: null, user: 'svc' }, proc, log);
  assert.deepEqual(calls, []);
  assert.ok(events.some((e) => e.message === 'tried to drop privileges and setuid 1001 but uid is already 1001; should we be root? Continuing.'));
  const failing = { ...proc, getuid: () => 0, initgroups: () => { throw new Error('EPERM'); } };
  assert.throws(() => dropPrivileges({ uid: 5, gid: 5, user: 'svc' }, failing, log), (e: unknown) => e instanceof TacError && e.exitCode === 1 && /are you root\?/.test(e.message));
  // A numeric uid with no passwd entry: no name for initgroups, so the group list is just its gid.
  calls.length = 0;
  uid = 0;
  assert.deepEqual(resolveIdentity('54321', '54321', files), { uid: 54321, gid: 54321, user: 54321 });
  dropPrivileges({ uid: 54321, gid: 54321, user: 54321 }, proc, log);
  assert.deepEqual(calls, ['setgroups 54321', 'setgid 54321', 'setuid 54321']);
});

test('LogFile: rotates on the write after reaching the length, keeps maxRotatedFiles, preserves the mode, reopens', (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'app.log');
  fs.writeFileSync(file, '');
  fs.chmodSync(file, 0o640);
  const lf = new LogFile(file, { rotateLength: 10, maxRotatedFiles: 2 });
  lf.write('0123456789'); // reaches 10: no rotation yet
  assert.ok(!fs.existsSync(`${file}.1`));
  lf.write('abc'); // rotates first
  assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), '0123456789');
  assert.equal(fs.readFileSync(file, 'utf8'), 'abc');
  lf.write('defghijk');
  lf.write('second');
  lf.write('0123456789');
  lf.write('third');
  assert.deepEqual(lf.listLogs(), [1, 2]);
  assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), 'second0123456789');
  assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  assert.equal(fs.statSync(`${file}.1`).mode & 0o777, 0o640);
  fs.renameSync(file, `${file}.old`);
  lf.reopen();
  lf.write('after');
  assert.equal(fs.readFileSync(file, 'utf8'), 'after');
  assert.equal(fs.statSync(file).mode & 0o777, 0o640, 'the mode survives a reopen');
  lf.close();
});

test('LogFile: a reopen that fails keeps writing to the old file; chown() hands the open file over', (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'app.log');
  const errors: string[] = [];
  const lf = new LogFile(file, { rotateLength: 0, onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? e.message) });
  lf.write('one\n');
  fs.renameSync(file, `${file}.moved`);
  fs.mkdirSync(file); // the path cannot be opened any more
  lf.reopen();
  assert.deepEqual(errors, ['EISDIR']);
  lf.write('two\n');
  assert.equal(fs.readFileSync(`${file}.moved`, 'utf8'), 'one\ntwo\n', 'lines go on to the old descriptor');
  fs.rmdirSync(file);
  lf.reopen();
  lf.write('three\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'three\n');
  assert.equal(fs.readFileSync(`${file}.moved`, 'utf8'), 'one\ntwo\n', 'the old descriptor was closed, not written again');
  assert.equal(lf.rotate(), true);
  if (process.getuid?.() === 0) {
    lf.chown(65534, 65534);
    assert.equal(fs.statSync(file).uid, 65534);
    assert.equal(fs.statSync(file).gid, 65534);
  }
  lf.close();
});

test('LogFile: no lost or reordered lines while rotating under load', (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'load.log');
  const lf = new LogFile(file, { rotateLength: 4096 });
  for (let i = 0; i < 20000; i++) lf.write(`line ${i}\n`);
  lf.close();
  const parts = [...lf.listLogs().reverse().map((n) => `${file}.${n}`), file];
  const lines = parts.flatMap((p) => fs.readFileSync(p, 'utf8').split('\n').filter(Boolean));
  assert.equal(lines.length, 20000);
  lines.forEach((l, i) => assert.equal(l, `line ${i}`));
});

test('LogFile: a failing write (ENOSPC on /dev/full) is reported once and never throws', () => {
  const errors: string[] = [];
  const lf = new LogFile('/dev/full', { rotateLength: 0, onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? e.message) });
  lf.write('a\n');
  lf.write('b\n');
  lf.write('c\n');
  assert.deepEqual(errors, ['ENOSPC']);
  lf.close();
});

test('log target: app observer › syslog/journald › logfile › stdout; daemons cannot log to stdout', () => {
  const base = { appObserver: null, syslog: false, logfile: null, daemon: false, rundir: '/r', env: {}, stdoutId: '1:2' };
  assert.deepEqual(chooseLogTarget({ ...base, appObserver: () => undefined, syslog: true }), { target: 'app', file: null });
  assert.deepEqual(chooseLogTarget({ ...base, syslog: true, env: { JOURNAL_STREAM: '1:2' } }), { target: 'journald', file: null });
  assert.deepEqual(chooseLogTarget({ ...base, syslog: true }), { target: 'syslog', file: null });
  assert.deepEqual(chooseLogTarget({ ...base, env: { JOURNAL_STREAM: '1:2' } }), { target: 'journald', file: null });
  assert.deepEqual(chooseLogTarget({ ...base, env: { JOURNAL_STREAM: '1:3' } }), { target: 'stdout', file: null });
  assert.deepEqual(chooseLogTarget({ ...base, logfile: '/x.log', env: { JOURNAL_STREAM: '1:2' } }), { target: 'file', file: '/x.log' });
  assert.deepEqual(chooseLogTarget({ ...base, daemon: true }), { target: 'file', file: '/r/tacd.log' });
  assert.throws(() => chooseLogTarget({ ...base, daemon: true, logfile: '-' }), /Daemons cannot log to stdout, exiting!/);
});

test('status pipe lines: "1 <Class>: <msg>", ASCII-escaped, at most 100 bytes', () => {
  assert.equal(statusLineFor(new RangeError('bad')), '1 RangeError: bad');
  assert.equal(statusLineFor(new Error('caf\u00e9 \u2603')), '1 Error: caf\\xe9 \\u2603');
  // As Python's backslashreplace: one escape per code point (not per UTF-16 unit); ASCII, tab included, kept.
  assert.equal(statusLineFor(new Error('smile \u{1f600}\tok')), '1 Error: smile \\U0001f600\tok');
  assert.equal(statusLineFor(new Error('x'.repeat(500))).length, 100);
  assert.equal(parentMessageFor('1 Error: boom'), 'An error has occurred: Error: boom\nPlease look at log file for more information.\n');
  assert.match(parentMessageFor(''), /exited before reporting/);
});

test('supervisor detection and startup error mapping', () => {
  assert.equal(detectSupervisor({}), null);
  assert.equal(detectSupervisor({ INVOCATION_ID: 'abc' }), 'INVOCATION_ID');
  assert.equal(detectSupervisor({ LISTEN_PID: '5' }), 'LISTEN_PID');
  assert.equal(startupError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen' })).exitCode, 71);
  const e = startupError(new TypeError('nope'));
  assert.equal(e.exitCode, 1);
  assert.equal(e.message, 'the application failed to start: TypeError: nope');
});

test('sd_notify: nothing without NOTIFY_SOCKET; KEY=VALUE arguments; watchdog only for our pid', async () => {
  const sent: Array<readonly string[]> = [];
  const { log } = capture();
  const off = createNotifier({}, log, async (a) => void sent.push([...a]));
  await off.ready();
  assert.equal(sent.length, 0);
  const on = createNotifier({ NOTIFY_SOCKET: '/run/x' }, log, async (a) => void sent.push([...a]));
  await on.ready('Running');
  await on.stopping();
  await on.reloading();
  assert.deepEqual(sent[0], ['READY=1', 'STATUS=Running']);
  assert.deepEqual(sent[1], ['STOPPING=1', 'STATUS=Stopping']);
  assert.equal(sent[2]![0], 'RELOADING=1');
  assert.match(sent[2]![1]!, /^MONOTONIC_USEC=\d+$/);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '10000000' }, 5), 5000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '5' }, 5), 5000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '6' }, 5), null);
  assert.equal(watchdogIntervalMs({}, 5), null);
  const failing = createNotifier({ NOTIFY_SOCKET: '/run/x' }, log, async () => {
    throw new Error('no systemd-notify');
  });
  await failing.ready(); // logged, not thrown
});

test('signals: a stop signal during startup is deferred until arm(); the timeout names the hung service', async () => {
  const proc = new EventEmitter() as EventEmitter & SignalProcess;
  const { log, events } = capture();
  const root = new MultiService();
  root.setName('app');
  class Hung extends Service {
    override stopService(): Promise<void> {
      return new Promise(() => undefined);
    }
  }
  const hung = new Hung();
  hung.setName('stuck');
  await hung.setServiceParent(root);
  await new Service().setServiceParent(root);
  await root.startService();
  const notifier = createNotifier({}, log);
  const h = installSignalHandlers({ root, log, notifier, logSetup: null, timeoutMs: 100, proc });
  proc.emit('SIGTERM', 'SIGTERM');
  assert.ok(events.some((e) => /while starting/.test(e.message)));
  h.arm();
  const outcome = await h.done;
  assert.deepEqual(outcome, { status: 1 });
  assert.ok(events.some((e) => /still stopping: app\/stuck \(Hung\)/.test(e.message)), events.map((e) => e.message).join('\n'));
  h.dispose();
  assert.equal(proc.listenerCount('SIGTERM'), 0);
});

test('startup order (checklist 53-55): umask → log → chdir → pidfile → privilegedStartService → initgroups/setgid/setuid → startService; stop on SIGTERM', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pidfile = path.join(dir, 'order.pid');
  const calls: string[] = [];
  const handlers = new Map<string, (s: NodeJS.Signals) => void>();
  let uid = 0;
  const proc = {
    pid: 4242,
    kill: (): never => {
      throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
    },
    getuid: () => uid,
    getgid: () => 0,
    setuid: (u: number) => {
      calls.push(`setuid ${u}`);
      uid = u;
    },
    setgid: (g: number) => calls.push(`setgid ${g}`),
    initgroups: (u: string | number, g: number) => calls.push(`initgroups ${u} ${g}`),
    setgroups: (g: number[]) => calls.push(`setgroups ${g.join(',')}`),
    umask: (m: number) => {
      calls.push(`umask ${m.toString(8)}`);
      return 0o22;
    },
    chdir: (d: string) => calls.push(`chdir ${d}`),
    title: '',
    on: (sig: NodeJS.Signals, h: (s: NodeJS.Signals) => void) => handlers.set(sig, h),
    off: (sig: NodeJS.Signals) => handlers.delete(sig),
  };
  let logged = '';
  const stdout = new PassThrough();
  stdout.on('data', (d: Buffer) => {
    if (!logged) calls.push('log');
    logged += d.toString();
  });
  class Recorder extends Service {
    override privilegedStartService(): void {
      calls.push(`privilegedStartService (pidfile ${fs.existsSync(pidfile) ? fs.readFileSync(pidfile, 'utf8') : 'missing'})`);
      super.privilegedStartService();
    }
    override startService(): void {
      calls.push('startService');
      super.startService();
    }
  }
  const app = new Application('order');
  await new Recorder().setServiceParent(app);
  const opts = parseRunnerArgs(['-n', '--umask', '027', '--pidfile', pidfile, '-d', dir, '-u', 'svc', 'unused-plugin'], dir);
  const run = runApplication(opts, async () => app, {
    env: {},
    cwd: dir,
    reexecCommand: [],
    stdout,
    stderr: new PassThrough(),
    proc: proc as never,
    accounts: { passwd: () => 'svc:x:1001:2002::/srv:/bin/false\n', group: () => '' },
  });
  await waitFor('started', () => calls.includes('startService') && /order started \(pid 4242\)/.test(logged));
  assert.deepEqual(calls, [
    'umask 27',
    'log',
    `chdir ${dir}`,
    'privilegedStartService (pidfile 4242)',
    'initgroups svc 2002',
    'setgid 2002',
    'setuid 1001',
    'startService',
  ]);
  assert.ok(handlers.has('SIGUSR1') && handlers.has('SIGUSR2'), 'SIGUSR1 is handled (rotation), so it never opens the inspector');
  handlers.get('SIGTERM')!('SIGTERM');
  assert.deepEqual(await run, { signal: 'SIGTERM' });
  assert.ok(!fs.existsSync(pidfile), 'pidfile removed');
  assert.match(logged, /Server Shut Down\./);
});
