// tacd under a supervisor, without a real systemd: journald line prefixes
// (JOURNAL_STREAM), socket activation (systemd-socket-activate), sd_notify
// (a fake NOTIFY_SOCKET), and "no daemonizing under a supervisor".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, exchange, finished, freePort, procStatus, RUNNER_FIXTURES, startTacd, TACD_BIN, tempDir, waitFor, waitForChildPort } from './helpers.js';

test('JOURNAL_STREAM matching stdout: <N> priority prefixes, no timestamps, no daemonizing', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outFile = path.join(dir, 'stdout');
  const fd = fs.openSync(outFile, 'w');
  const st = fs.fstatSync(fd);
  const port = await freePort();
  // No -n: a supervisor is detected from JOURNAL_STREAM, so tacd must stay in the foreground.
  const child = spawn(process.execPath, [TACD_BIN, '--pidfile=', '--log-level', 'debug', 'echo', '--port', String(port), '--interface', '127.0.0.1'], {
    env: cleanEnv({ JOURNAL_STREAM: `${st.dev}:${st.ino}` }),
    stdio: ['ignore', fd, 'pipe'],
  });
  fs.closeSync(fd);
  const done = finished(child);
  await waitForChildPort(child, port);
  assert.equal(procStatus(child.pid!, 'Umask'), procStatus(process.pid, 'Umask'), 'no 0077 default umask under a supervisor');
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  const lines = fs.readFileSync(outFile, 'utf8').trim().split('\n');
  assert.ok(lines.length >= 4, lines.join('\n'));
  for (const l of lines) assert.match(l, /^<[0-7]>\[/, `journald line: ${l}`);
  assert.ok(lines.some((l) => /^<6>\[tacd#info\] tacd .* starting up\.$/.test(l)));
  assert.ok(lines.some((l) => /^<6>\[tacd#info\] JOURNAL_STREAM is set: running under a supervisor, not daemonizing$/.test(l)));
  assert.ok(!lines.some((l) => /\d{4}-\d\d-\d\dT/.test(l)), 'no timestamps');
});

test('JOURNAL_STREAM naming another file: ordinary timestamped text', async () => {
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', 'echo', '--port', String(port), '--interface', '127.0.0.1'], { env: cleanEnv({ JOURNAL_STREAM: '1:2' }) });
  const done = finished(child);
  await waitForChildPort(child, port);
  child.kill('SIGTERM');
  const r = await done;
  assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\S+ \[tacd#info\] tacd /m);
});

test('socket activation: systemd-socket-activate --fdname=web hands its socket to `echo --listen systemd:domain=INET:name=web`', async (t) => {
  const port = await freePort();
  const child = spawn(
    'systemd-socket-activate',
    ['-l', `127.0.0.1:${port}`, '--fdname=web', '--', process.execPath, TACD_BIN, '--pidfile=', 'echo', '--listen', 'systemd:domain=INET:name=web'],
    { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const done = finished(child);
  t.after(() => child.kill('SIGKILL'));
  // The socket exists before tacd does; the first connection waits in its backlog until tacd adopts it.
  await waitForChildPort(child, port);
  assert.equal(await exchange(port, 'adopted\n', '127.0.0.1', 3000), 'adopted\n');
  await waitFor('tacd started', () => child.exitCode === null);
  child.kill('SIGTERM');
  const r = await done;
  assert.match(r.stdout, /StreamServerEndpointService listening on tcp 127\.0\.0\.1:\d+/);
  assert.match(r.stdout, /LISTEN_PID is set: running under a supervisor, not daemonizing/);
  assert.match(r.stdout, /Server Shut Down\./);
});

test('sd_notify: READY=1 only once the port answers and privileges are dropped; STOPPING=1 on SIGTERM', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o755);
  const sock = path.join(dir, 'notify.sock');
  const out = path.join(dir, 'notify.jsonl');
  const pidfile = path.join(dir, 'tacd.pid');
  const port = await freePort();
  const receiver = spawn('/usr/bin/python3', [path.join(RUNNER_FIXTURES, 'notify-receiver.py'), sock, out, String(port), pidfile], { stdio: 'ignore' });
  t.after(() => receiver.kill('SIGKILL'));
  await waitFor('notify socket', () => fs.existsSync(sock));
  const asRoot = process.getuid?.() === 0;
  const child = startTacd([...(asRoot ? ['--uid', 'nobody'] : []), '--pidfile', pidfile, 'echo', '--port', String(port), '--interface', '127.0.0.1'], {
    env: cleanEnv({ NOTIFY_SOCKET: sock }),
  });
  const done = finished(child);
  const records = (): Array<{ msg: string; port?: boolean; uid?: string }> =>
    fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const ready = await waitFor('READY=1', () => records().find((r) => r.msg.includes('READY=1')));
  assert.equal(ready.port, true, 'the port answered when READY=1 arrived');
  assert.equal(ready.uid, asRoot ? '65534' : String(process.getuid?.()), asRoot ? 'privileges were dropped before READY=1' : 'not root: no --uid, the runner keeps its user');
  assert.match(ready.msg, /STATUS=Running \(pid \d+\)/);
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  await waitFor('STOPPING=1', () => records().some((x) => x.msg.includes('STOPPING=1')));
  const msgs = records().map((x) => x.msg.split('\n')[0]);
  assert.ok(msgs.indexOf('READY=1') < msgs.findIndex((m) => m?.startsWith('STOPPING=1')), msgs.join(' | '));
});

test('sd_notify: SIGHUP sends RELOADING=1 with MONOTONIC_USEC, then READY=1; WATCHDOG=1 at WATCHDOG_USEC/2', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sock = path.join(dir, 'notify.sock');
  const out = path.join(dir, 'notify.jsonl');
  const port = await freePort();
  const receiver = spawn('/usr/bin/python3', [path.join(RUNNER_FIXTURES, 'notify-receiver.py'), sock, out, String(port), '/nonexistent'], { stdio: 'ignore' });
  t.after(() => receiver.kill('SIGKILL'));
  await waitFor('notify socket', () => fs.existsSync(sock));
  const child = startTacd(['--pidfile=', 'echo', '--port', String(port), '--interface', '127.0.0.1'], {
    env: cleanEnv({ NOTIFY_SOCKET: sock, WATCHDOG_USEC: '600000' }),
  });
  const done = finished(child);
  const msgs = (): string[] => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg) : []);
  await waitFor('READY=1', () => msgs().some((m) => m.startsWith('READY=1')));
  child.kill('SIGHUP');
  await waitFor('RELOADING=1', () => msgs().some((m) => /^RELOADING=1\nMONOTONIC_USEC=\d+/.test(m)));
  await waitFor('READY=1 after reload', () => msgs().filter((m) => m.startsWith('READY=1')).length >= 2);
  await waitFor('WATCHDOG=1 pings', () => msgs().filter((m) => m.startsWith('WATCHDOG=1')).length >= 2, 5000);
  child.kill('SIGTERM');
  await done;
});
