// Bad inputs: each gets one line on stderr, a sysexits status and no stack trace (unless --debug).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { copyFixture, freePort, RUNNER_FIXTURES, runTacd, tempDir } from './helpers.js';

function oneLine(stderr: string): void {
  assert.equal(stderr.split('\n').filter(Boolean).length, 1, `exactly one line:\n${stderr}`);
  assert.ok(!/\n\s+at /.test(stderr), `no stack trace:\n${stderr}`);
}

test('a missing tac file: 66', async () => {
  const r = await runTacd(['-n', '--pidfile=', '-y', '/nonexistent/app.tac.ts']);
  assert.equal(r.code, 66);
  assert.equal(r.stderr, 'tacd: tac file not found: /nonexistent/app.tac.ts\n');
});

test('a TypeScript syntax error: 65 with file:line:col', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = copyFixture('syntax-error.tac.ts', dir);
  const r = await runTacd(['-n', '--pidfile=', '-y', tac]);
  assert.equal(r.code, 65);
  oneLine(r.stderr);
  assert.match(r.stderr, new RegExp(`^tacd: ${tac.replace(/[.]/g, '\\.')}:4:\\d+: Expected`));
});

test('a JavaScript syntax error: 65 with file:line', async () => {
  const tac = path.join(RUNNER_FIXTURES, 'syntax-error.tac.mjs');
  const r = await runTacd(['-n', '--pidfile=', '-y', tac]);
  assert.equal(r.code, 65);
  oneLine(r.stderr);
  assert.ok(r.stderr.startsWith(`tacd: ${tac}:3:`), r.stderr);
});

test("no 'application' export: 65 with Twisted's message", async () => {
  const tac = path.join(RUNNER_FIXTURES, 'no-export.tac.mjs');
  const r = await runTacd(['-n', '--pidfile=', '-y', tac]);
  assert.equal(r.code, 65);
  oneLine(r.stderr);
  assert.equal(
    r.stderr,
    `tacd: ${tac}: Could not find 'application' in the file. To use 'tacd -y', your .tac file must create a suitable object (e.g., by calling new Application()) and export it as 'application'\n`,
  );
});

test('an unknown plugin: 64 with the closest names', async () => {
  const r = await runTacd(['ecoh']);
  assert.equal(r.code, 64);
  assert.equal(r.stderr, "tacd: unknown plugin 'ecoh'; did you mean 'echo'? (tacd --help lists them)\n");
});

test('a bad plugin option, a bad runner option, a bad umask: 64', async () => {
  for (const [args, msg] of [
    [['echo', '--port', 'eighty'], "tacd: --port: expected a port number 0-65535, got 'eighty'\n"],
    [['echo', '--nope'], "tacd: unknown option '--nope' for 'echo' (see echo --help)\n"],
    [['--frobnicate', 'echo'], "tacd: unknown option '--frobnicate'\n"],
    [['--nodaemn', 'echo'], "tacd: unknown option '--nodaemn'; did you mean --nodaemon?\n"],
    [['--umask', '0999', 'echo'], "tacd: --umask: expected an octal mode such as 022 or 0077, got '0999'\n"],
    [['--log-level', 'loud', 'echo'], "tacd: --log-level: expected one of debug, info, warn, error, critical, got 'loud'\n"],
    [['-n', '--pidfile=', 'echo', '--listen', 'ftl:1'], null],
  ] as const) {
    const r = await runTacd(args);
    assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
    oneLine(r.stderr);
    if (msg) assert.equal(r.stderr, msg);
  }
});

test('an unknown user or group: 67 (EX_NOUSER), before daemonizing', async () => {
  let r = await runTacd(['--uid', 'no-such-user-xyz', 'echo', '--port', '0']);
  assert.equal(r.code, 67);
  assert.equal(r.stderr, "tacd: unknown user 'no-such-user-xyz' (not in /etc/passwd)\n");
  r = await runTacd(['--gid', 'no-such-group-xyz', 'echo', '--port', '0']);
  assert.equal(r.code, 67);
  assert.equal(r.stderr, "tacd: unknown group 'no-such-group-xyz' (not in /etc/group)\n");
});

test('a port in use: 71 (EX_OSERR) in the foreground; the daemonizing parent exits 1 with the same message', async (t) => {
  const port = await freePort();
  const blocker = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  t.after(() => blocker.close());
  let r = await runTacd(['-n', '--pidfile=', 'echo', '--port', String(port), '--interface', '127.0.0.1']);
  assert.equal(r.code, 71);
  assert.equal(r.stderr, `tacd: cannot listen on tcp 127.0.0.1:${port}: address already in use\n`);
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  r = await runTacd(['--rundir', dir, 'echo', '--port', String(port), '--interface', '127.0.0.1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^An error has occurred: CannotListenError: cannot listen on tcp 127\\.0\\.0\\.1:${port}: address already in use\n`));
});

test('an unwritable pidfile or log file: 73 (EX_CANTCREAT), also before daemonizing', async () => {
  for (const args of [
    ['-n', '--pidfile', '/nonexistent-dir/x.pid', 'echo', '--port', '0'],
    ['-n', '--pidfile=', '-l', '/nonexistent-dir/x.log', 'echo', '--port', '0'],
    ['--pidfile', '/nonexistent-dir/x.pid', 'echo', '--port', '0'],
    ['--pidfile=', '-l', '/nonexistent-dir/x.log', 'echo', '--port', '0'],
  ]) {
    const r = await runTacd(args);
    assert.equal(r.code, 73, `${args.join(' ')}: ${r.stderr}`);
    oneLine(r.stderr);
    assert.match(r.stderr, /^tacd: cannot (write|open) (pidfile|log file) \/nonexistent-dir\/x\.(pid|log)/);
  }
  // The default log file of a daemon (tacd.log in --rundir) is checked by the parent too.
  const r = await runTacd(['--pidfile=', '--rundir', '/nonexistent-dir', 'echo', '--port', '0']);
  assert.equal(r.code, 73, r.stderr);
  oneLine(r.stderr);
  assert.match(r.stderr, /^tacd: cannot write log file \/nonexistent-dir\/tacd\.log/);
});

test("a daemon cannot log to stdout: 64 \"Daemons cannot log to stdout, exiting!\"", async () => {
  const r = await runTacd(['--pidfile=', '-l', '-', 'echo', '--port', '0']);
  assert.equal(r.code, 64);
  assert.equal(r.stderr, 'tacd: Daemons cannot log to stdout, exiting!\n');
});

test('--debug adds the stack trace', async () => {
  const r = await runTacd(['--debug', '-n', '--pidfile=', '-y', '/nonexistent/app.tac.ts']);
  assert.equal(r.code, 66);
  assert.match(r.stderr, /\n\s+at /);
});
