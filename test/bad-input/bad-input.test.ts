// The bad-input suite of issue #7: each case spawns the real bin script
// (bin/tacd.js, bin/ts2deb.js, bin/ts2rpm.js, and `ts2deb|ts2rpm verify`)
// in a temp cwd with a temp --output and TMPDIR, and asserts
//   - the exact exit status (sysexits; README "Exit codes"),
//   - exactly one non-empty line on stderr naming the culprit, no stack
//     trace (`^\s+at `) unless --debug, and the stack with --debug,
//   - nothing new in --output (no partial package, no temp file) and an
//     empty TMPDIR afterwards,
//   - the user's files (a sentinel with the output's name) byte-identical,
//   - no `$(touch MARK)` payload ever executed (the marker never appears).
// Hostile inputs that are legal (spaces, quotes, `$()`, newlines in paths;
// metacharacters in package fields) must build, and the built maintainer
// scripts, init script and unit are inspected: `sh -n`, and the quoted
// values are evaluated by sh and compared byte for byte with the input.
//
// Rows marked `todo` are findings in code this suite may not edit (src/cli,
// src/runner, src/application, src/verify): they assert the correct
// behaviour and report the current one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { gecos as accountComment } from '../../src/render/escape.js';

type Cmd = 'tacd' | 'ts2deb' | 'ts2rpm';

interface Ctx {
  /** The case's private folder (0755, so `nobody` can traverse it). */
  readonly root: string;
  /** The command's cwd. */
  readonly cwd: string;
  /** --output for ts2deb/ts2rpm. */
  readonly out: string;
  /** TMPDIR for the command: must be empty afterwards. */
  readonly tmp: string;
}

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Case {
  readonly name: string;
  readonly cmd: Cmd;
  /** Builds the inputs in ctx and returns argv. */
  readonly argv: (c: Ctx) => string[];
  /** Exit status, or the signal a daemon that ran normally dies by. */
  readonly code: number | NodeJS.Signals;
  /** What the one stderr line must match (failures only). */
  readonly message?: RegExp;
  /** --debug given: the stack must appear. */
  readonly debug?: boolean;
  /** Run as nobody (uid/gid 65534). */
  readonly nobody?: boolean;
  /** ts2deb/ts2rpm: the package file a success writes to --output. */
  readonly output?: string;
  /** Kill a long-running daemon after this many ms (SIGTERM). */
  readonly killAfterMs?: number;
  /** Extra environment for the command. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra checks on the result. */
  readonly check?: (c: Ctx, r: Run) => void;
  readonly todo?: string;
}

const MARK = path.join(os.tmpdir(), `tacd-pw-${randomBytes(3).toString('hex')}`);
const PAYLOAD = `$(touch ${MARK})`;
const BACKTICK = `\`touch ${MARK}\``;
const HOSTILE_DIR = `my dir "dq" 'sq' ${PAYLOAD} ${BACKTICK}\nsecond line`;

const BIN: Record<Cmd, string> = {
  tacd: path.join(PROJECT_ROOT, 'bin/tacd.js'),
  ts2deb: path.join(PROJECT_ROOT, 'bin/ts2deb.js'),
  ts2rpm: path.join(PROJECT_ROOT, 'bin/ts2rpm.js'),
};
const DEB = 'demo_1.0.0-1_all.deb';
const RPM = 'demo-1.0.0-1.noarch.rpm';
const SENTINEL = 'my notes: not a package\n';
const PKG = { name: 'demo', version: '1.0.0', description: 'Demo service', author: 'Ann Example <ann@example.org>', license: 'MIT' };
const TAC = `import { Application } from 'tacd';\nexport const application = new Application('demo');\n`;
// A tac file whose daemon stops itself: proves tacd loaded and ran it.
const SELF_STOP_TAC = `import { Application } from 'tacd';\nexport const application = new Application('demo');\nsetTimeout(() => process.kill(process.pid, 'SIGTERM'), 1500);\n`;

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  fs.rmSync(MARK, { force: true });
});

function newCtx(): Ctx {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-badin-'));
  roots.push(root);
  fs.chmodSync(root, 0o755);
  const c = { root, cwd: path.join(root, 'cwd'), out: path.join(root, 'out'), tmp: path.join(root, 'tmp') };
  for (const d of [c.cwd, c.out, c.tmp]) {
    fs.mkdirSync(d);
    fs.chmodSync(d, 0o777);
  }
  return c;
}

/** A project folder (package.json + app.tac.ts) under ctx.root; returns the tac file. */
function project(c: Ctx, dir = 'app', opts: { pkg?: object | null; tac?: string } = {}): string {
  const d = path.join(c.root, dir);
  fs.mkdirSync(d, { recursive: true });
  const pkg = opts.pkg === undefined ? PKG : opts.pkg;
  if (pkg) fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify(pkg));
  const tac = path.join(d, 'app.tac.ts');
  fs.writeFileSync(tac, opts.tac ?? TAC);
  return tac;
}

const SYS = (c: Ctx): string[] => ['--runtime', 'system', '--output', c.out];

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

const canNobody = ((): string | false => {
  if (process.getuid?.() !== 0) return 'not root: cannot switch to nobody';
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(BIN.tacd)})`]);
  if (r.status !== 0) return `setpriv to nobody failed or the project is not readable by nobody: ${String(r.stderr ?? r.error)}`;
  return false;
})();

function spawn(cmd: Cmd, argv: string[], c: Ctx, opts: { nobody?: boolean; killAfterMs?: number; env?: Readonly<Record<string, string>> } = {}): Run {
  const full = [BIN[cmd], ...argv];
  const [file, args] = opts.nobody
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...full]]
    : [process.execPath, full];
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: c.tmp, HOME: c.root, ...opts.env };
  delete env['TACD_DEBUG'];
  delete env['NOTIFY_SOCKET'];
  // stdout/stderr go to files, not pipes: spawnSync closes its pipes when the
  // timeout kills the child, and tacd then spins on EPIPE instead of stopping
  // (a finding, see the report), which would hang this suite.
  const outFile = path.join(c.root, 'stdout.txt');
  const errFile = path.join(c.root, 'stderr.txt');
  const outFd = fs.openSync(outFile, 'w', 0o666);
  const errFd = fs.openSync(errFile, 'w', 0o666);
  let r: SpawnSyncReturns<Buffer>;
  try {
    r = spawnSync(file, args, {
      cwd: c.cwd,
      env,
      stdio: ['ignore', outFd, errFd],
      timeout: opts.killAfterMs ?? 60_000,
      killSignal: 'SIGTERM',
    });
  } finally {
    fs.closeSync(outFd);
    fs.closeSync(errFd);
  }
  const stdout = fs.readFileSync(outFile, 'utf8');
  const stderr = fs.readFileSync(errFile, 'utf8');
  fs.rmSync(outFile);
  fs.rmSync(errFile);
  return { status: r.status, signal: r.signal, stdout, stderr };
}

function sh(script: string): string {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sh failed: ${r.stderr}`);
  return r.stdout;
}

/** `sh -n` on a script file. */
function assertShellSyntax(file: string): void {
  const r = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sh -n ${file}: ${r.stderr}`);
}

/** dpkg-deb -R into a fresh folder: DEBIAN/ plus the payload. */
function extractDeb(deb: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-badin-x-'));
  roots.push(dir);
  const r = spawnSync('dpkg-deb', ['-R', deb, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const s of ['preinst', 'postinst', 'prerm', 'postrm']) {
    const f = path.join(dir, 'DEBIAN', s);
    if (fs.existsSync(f)) assertShellSyntax(f);
  }
  const initd = path.join(dir, 'etc/init.d/demo');
  if (fs.existsSync(initd)) assertShellSyntax(initd);
  return dir;
}

/** The .rpm's scriptlets (each checked with sh -n) and its extracted payload. */
function extractRpm(rpm: string): { dir: string; scripts: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-badin-x-'));
  roots.push(dir);
  const q = spawnSync('rpm', ['-qp', '--nosignature', '--scripts', rpm], { encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  const parts = q.stdout.split(/^\S+ scriptlet \(using ([^)]+)\):\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    assert.equal(parts[i], '/bin/sh');
    const f = path.join(dir, `scriptlet-${i}.sh`);
    fs.writeFileSync(f, parts[i + 1]!);
    assertShellSyntax(f);
  }
  const x = spawnSync('sh', ['-c', `rpm2cpio "$1" | cpio -idm --quiet`, 'sh', rpm], { cwd: dir, encoding: 'utf8' });
  assert.equal(x.status, 0, x.stderr);
  const initd = path.join(dir, 'etc/rc.d/init.d/demo');
  if (fs.existsSync(initd)) assertShellSyntax(initd);
  return { dir, scripts: q.stdout };
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) stack.push(p);
      else out.push(p);
    }
  }
  return out;
}

/** The value of a sh assignment/word `line` contains, evaluated by sh itself. */
function shValue(assignment: string, variable: string): string {
  return sh(`${assignment}\nprintf %s "$${variable}"`);
}

/** Field injection checks on an extracted package: every place the description lands. */
function assertFieldsSafelyQuoted(files: string[], description: string): void {
  const text = (f: string): string => fs.readFileSync(f, 'utf8');
  const unit = files.find((f) => f.endsWith('/demo.service'))!;
  assert.ok(unit, 'a unit is shipped');
  const u = text(unit);
  const desc = /^Description=(.*)$/m.exec(u);
  assert.ok(desc);
  assert.equal(desc[1]!.replace(/%%/g, '%'), description, 'the unit Description= round-trips (systemd unescapes %%)');
  assert.doesNotMatch(desc[1]!.replace(/%%/g, ''), /%/, 'no bare % specifier');
  assert.doesNotMatch(u, /^ExecStartPre=/m);
  const initd = files.find((f) => /init\.d\/demo$/.test(f))!;
  assert.ok(initd, 'an init script is shipped');
  for (const line of text(initd).split('\n').filter((l) => l.includes(PAYLOAD))) {
    if (line.startsWith('#')) continue;
    const DESC = /^DESC=.*$/.exec(line);
    assert.ok(DESC, `${initd}: the description lands outside a comment or DESC=: ${line}`);
    assert.equal(shValue(DESC[0], 'DESC'), description, 'DESC= is one sh word equal to the description');
  }
  const comments = files
    .filter((p) => /(DEBIAN\/postinst|scriptlet-\d+\.sh)$/.test(p))
    .map((f) => ({ f, gecos: /--gecos ('(?:[^']|'\\'')*')/.exec(text(f)) ?? /-c ('(?:[^']|'\\'')*')/.exec(text(f)) }))
    .filter((c) => c.gecos !== null);
  assert.ok(comments.length > 0, 'a maintainer script creates the account with a --gecos or -c comment');
  for (const { f, gecos } of comments) {
    assert.equal(sh(`printf %s ${gecos![1]}`), accountComment(description), `${f}: the account's GECOS is one quoted word: the description as an account comment may hold it`);
  }
}

function occupied(c: Ctx, name: string): void {
  fs.writeFileSync(path.join(c.out, name), SENTINEL);
}

// A valid 64-bit little-endian ELF header for EM_MIPS: not a machine we package for.
function foreignElf(file: string): void {
  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  elf.writeUInt16LE(2, 16);
  elf.writeUInt16LE(8, 18);
  fs.writeFileSync(file, elf);
}

const HOSTILE_DESCRIPTION = `${PAYLOAD} ${BACKTICK} "d" 'q'; 5% %n`;
const HOSTILE_MAINTAINER = `Ann ${PAYLOAD}; "O'Brien" <ann@example.org>`;

const DEBC = 'ts2deb' as const;
const RPMC = 'ts2rpm' as const;

const cases: Case[] = [
  // ---- tacd -------------------------------------------------------------
  { name: 'unknown plugin', cmd: 'tacd', argv: () => ['-n', 'ecco'], code: 64, message: /^tacd: unknown plugin 'ecco'; did you mean 'echo'/ },
  { name: 'bad plugin option value', cmd: 'tacd', argv: () => ['-n', 'echo', '--port', 'abc'], code: 64, message: /^tacd: --port: expected a port number .*'abc'/ },
  { name: 'unknown plugin option', cmd: 'tacd', argv: () => ['-n', 'echo', '--nope'], code: 64, message: /^tacd: unknown option '--nope' for 'echo'/ },
  { name: 'bad umask', cmd: 'tacd', argv: () => ['-n', '--umask', '999', 'echo', '--port', '0'], code: 64, message: /^tacd: --umask: expected an octal mode.*'999'/ },
  { name: 'unknown user', cmd: 'tacd', argv: () => ['-n', '-u', 'no-such-user-x', 'echo', '--port', '0'], code: 67, message: /^tacd: unknown user 'no-such-user-x'/ },
  { name: 'unknown user --debug shows the stack', cmd: 'tacd', argv: () => ['-n', '--debug', '-u', 'no-such-user-x', 'echo', '--port', '0'], code: 67, message: /^tacd: unknown user 'no-such-user-x'/, debug: true },
  { name: 'unknown group', cmd: 'tacd', argv: () => ['-n', '-g', 'no-such-group-x', 'echo', '--port', '0'], code: 67, message: /^tacd: unknown group 'no-such-group-x'/ },
  {
    name: 'port in use',
    cmd: 'tacd',
    argv: () => ['-n', '--pidfile=', 'echo', '--port', String(busyPort)],
    code: 71,
    message: /^tacd: cannot listen on tcp 0\.0\.0\.0:\d+: address already in use/,
  },
  {
    name: 'already running (pidfile names a live process)',
    cmd: 'tacd',
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'twistd.pid'), String(process.pid));
      return ['-n', '--pidfile', 'twistd.pid', 'echo', '--port', '0'];
    },
    code: 75,
    message: new RegExp(`^tacd: Another tacd server is running, PID ${process.pid}`),
    check: (c) => assert.equal(fs.readFileSync(path.join(c.cwd, 'twistd.pid'), 'utf8'), String(process.pid), 'the pidfile is left alone'),
  },
  {
    name: "pidfile that is the user's notes (not a pid)",
    cmd: 'tacd',
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'notes.txt'), SENTINEL);
      return ['-n', '--pidfile', 'notes.txt', 'echo', '--port', '0'];
    },
    code: 65,
    message: /^tacd: Pidfile .*notes\.txt contains non-numeric value/,
    check: (c) => assert.equal(fs.readFileSync(path.join(c.cwd, 'notes.txt'), 'utf8'), SENTINEL),
  },
  {
    name: 'unwritable pidfile (its folder is a file)',
    cmd: 'tacd',
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'notes.txt'), SENTINEL);
      return ['-n', '--pidfile', 'notes.txt/tacd.pid', 'echo', '--port', '0'];
    },
    code: 73,
    message: /^tacd: cannot (write|create) pidfile .*notes\.txt\/tacd\.pid/,
    check: (c) => {
      assert.equal(fs.readFileSync(path.join(c.cwd, 'notes.txt'), 'utf8'), SENTINEL);
      assert.deepEqual(listing(c.cwd), ['notes.txt']);
    },
  },
  {
    name: 'unwritable pidfile (/proc/1/tacd.pid)',
    cmd: 'tacd',
    argv: () => ['-n', '--pidfile', '/proc/1/tacd.pid', 'echo', '--port', '0'],
    code: 73,
    message: /^tacd: cannot write pidfile \/proc\/1\/tacd\.pid/,
  },
  {
    name: 'unwritable logfile (its folder is a file)',
    cmd: 'tacd',
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'notes.txt'), SENTINEL);
      return ['-n', '--pidfile=', '--logfile', 'notes.txt/tacd.log', 'echo', '--port', '0'];
    },
    code: 73,
    message: /^tacd: cannot open log file .*notes\.txt\/tacd\.log/,
    check: (c) => {
      assert.equal(fs.readFileSync(path.join(c.cwd, 'notes.txt'), 'utf8'), SENTINEL);
      assert.deepEqual(listing(c.cwd), ['notes.txt']);
    },
  },
  { name: 'missing tac file', cmd: 'tacd', argv: (c) => ['-n', '-y', path.join(c.root, 'nope.tac.ts')], code: 66, message: /^tacd: tac file not found: .*nope\.tac\.ts/ },
  {
    name: 'tac file with a syntax error',
    cmd: 'tacd',
    argv: (c) => ['-n', '--pidfile=', '-y', project(c, 'app', { tac: "import { Application } from 'tacd';\nexport const application = new Application('x'\n" })],
    code: 65,
    message: /^tacd: .*app\.tac\.ts:3:\d+: /,
  },
  {
    name: 'tac file importing a 200 MB sparse file',
    cmd: 'tacd',
    argv: (c) => {
      const tac = project(c, 'app', { tac: "import { Application } from 'tacd';\nimport big from './big.json';\nexport const application = new Application('h' + String(big).length);\n" });
      const big = path.join(path.dirname(tac), 'big.json');
      fs.closeSync(fs.openSync(big, 'w'));
      fs.truncateSync(big, 200 << 20);
      return ['-n', '--pidfile=', '-y', tac];
    },
    code: 65,
    message: /^tacd: .*big\.json:1:1: /,
  },
  {
    name: 'unreadable tac file (chmod 000, as nobody)',
    cmd: 'tacd',
    nobody: true,
    argv: (c) => {
      const tac = project(c);
      fs.chmodSync(tac, 0o000);
      return ['-n', '--pidfile=', '-y', tac];
    },
    code: 66,
    message: /^tacd: tac file not readable: .*app\.tac\.ts/,
  },
  {
    name: 'tac path with spaces, quotes, $(), backticks and a newline runs',
    cmd: 'tacd',
    argv: (c) => ['-n', '--pidfile=', '-y', project(c, HOSTILE_DIR, { tac: SELF_STOP_TAC })],
    code: 'SIGTERM',
    check: (_c, r) => {
      assert.match(r.stdout, /demo started \(pid \d+\)/);
      assert.equal(r.stderr, '');
    },
  },
  {
    name: 'plugin option path with spaces, quotes and $() is served as given',
    cmd: 'tacd',
    killAfterMs: 4000,
    argv: (c) => {
      const site = path.join(c.root, `site ${PAYLOAD} 'q' "dq"`);
      fs.mkdirSync(site, { recursive: true });
      return ['-n', '--pidfile=', 'web', '--path', site, '--port', '0'];
    },
    code: 'SIGTERM',
    check: (c, r) => {
      assert.ok(r.stdout.includes(`serving ${path.join(c.root, `site ${PAYLOAD} 'q' "dq"`)} on http://`), r.stdout);
      assert.match(r.stdout, /web started/);
    },
  },
  {
    name: 'tac file importing through a symlinked folder outside the app runs',
    cmd: 'tacd',
    argv: (c) => {
      const tac = project(c, 'app', { tac: `import { Application } from 'tacd';\nimport { x } from './lib/mod.ts';\nexport const application = new Application('demo' + x);\nsetTimeout(() => process.kill(process.pid, 'SIGTERM'), 1500);\n` });
      fs.mkdirSync(path.join(c.root, 'outside'));
      fs.writeFileSync(path.join(c.root, 'outside/mod.ts'), 'export const x = 7;\n');
      fs.symlinkSync(path.join(c.root, 'outside'), path.join(path.dirname(tac), 'lib'));
      return ['-n', '--pidfile=', '-y', tac];
    },
    code: 'SIGTERM',
    check: (_c, r) => assert.match(r.stdout, /demo7 started/),
  },

  // ---- ts2deb / ts2rpm ----------------------------------------------------
  { name: 'missing tac file', cmd: DEBC, argv: (c) => [path.join(c.root, 'nope.tac.ts'), ...SYS(c)], code: 66, message: /^ts2deb: tac file not found: .*nope\.tac\.ts/ },
  {
    name: 'tac file with a syntax error',
    cmd: RPMC,
    argv: (c) => [project(c, 'app', { tac: "import { Application } from 'tacd';\nexport const application = new Application('x'\n" }), ...SYS(c)],
    code: 65,
    message: /^ts2rpm: .*app\.tac\.ts:3:\d+: /,
  },
  {
    name: 'unreadable tac file (chmod 000, as nobody)',
    cmd: DEBC,
    nobody: true,
    argv: (c) => {
      const tac = project(c);
      fs.chmodSync(tac, 0o000);
      return [tac, ...SYS(c)];
    },
    code: 66,
    message: /^ts2deb: tac file not readable: .*app\.tac\.ts \(EACCES\)/,
  },
  { name: 'unknown plugin', cmd: RPMC, argv: (c) => ['--plugin', 'ecco', '--set-version', '1.0.0', '-m', 'A <a@example.org>', ...SYS(c)], code: 64, message: /^ts2rpm: unknown plugin 'ecco'; did you mean 'echo'/ },
  {
    name: 'bad plugin option value',
    cmd: DEBC,
    argv: (c) => ['--plugin', 'echo', '--set-version', '1.0.0', '-m', 'A <a@example.org>', ...SYS(c), '--', '--port', 'abc'],
    code: 64,
    message: /^ts2deb: plugin option for 'echo': --port: expected a port number .*'abc'/,
  },
  {
    name: 'plugin option with a newline (cannot be one line of TACD_ARGS) is refused',
    cmd: RPMC,
    argv: (c) => ['--plugin', 'web', '--set-version', '1.0.0', '-m', 'A <a@example.org>', ...SYS(c), '--', '--path', `/srv/my site/${PAYLOAD}\nx`],
    code: 65,
    message: /^ts2rpm: plugin option '\/srv\/my site\/\$\(touch .*\)\\nx': a newline or control character/,
  },
  { name: 'package.json without version', cmd: RPMC, argv: (c) => [project(c, 'app', { pkg: { ...PKG, version: undefined } }), ...SYS(c)], code: 65, message: /^ts2rpm: no version: .*package\.json has no "version"; give --set-version/ },
  { name: 'invalid package name', cmd: DEBC, argv: (c) => [project(c), '--name', 'Bad_Name', ...SYS(c)], code: 65, message: /^ts2deb: --name: 'Bad_Name' is not a valid package name/ },
  { name: 'package name with $()', cmd: RPMC, argv: (c) => [project(c), '--name', `x${PAYLOAD}`, ...SYS(c)], code: 65, message: /^ts2rpm: --name: 'x\$\(touch .*' is not a valid package name/ },
  { name: 'maintainer without email', cmd: DEBC, argv: (c) => [project(c), '-m', 'Ann Example', ...SYS(c)], code: 65, message: /^ts2deb: maintainer 'Ann Example': expected 'Name <email@example\.org>'/ },
  { name: 'maintainer with a newline (header injection)', cmd: RPMC, argv: (c) => [project(c), '-m', 'Ann <ann@example.org>\nProvides: evil', ...SYS(c)], code: 65, message: /^ts2rpm: maintainer 'Ann <ann@example\.org>\\nProvides: evil': expected/ },
  { name: 'description with a newline (unit injection)', cmd: DEBC, argv: (c) => [project(c), '--description', 'demo\nExecStartPre=/bin/touch /tmp/x', ...SYS(c)], code: 65, message: /^ts2deb: description 'demo\\nExecStartPre=\/bin\/touch \/tmp\/x': expected one line/ },
  { name: 'homepage with $()', cmd: DEBC, argv: (c) => [project(c), '--homepage', `https://example.org/${PAYLOAD}`, ...SYS(c)], code: 65, message: /^ts2deb: homepage 'https:\/\/example\.org\/\$\(touch .*\)': expected an http\(s\) URL/ },
  { name: 'depends with a ; command', cmd: RPMC, argv: (c) => [project(c), '--depends', `foo; touch ${MARK}`, ...SYS(c)], code: 65, message: /^ts2rpm: --depends: expected 'name' or 'name \(op version\)', got 'foo; touch / },
  {
    name: 'description and maintainer with $(), backticks, quotes, ; and % build, safely quoted',
    cmd: DEBC,
    output: DEB,
    argv: (c) => [project(c), '--description', HOSTILE_DESCRIPTION, '-m', HOSTILE_MAINTAINER, '--long-description', `more ${PAYLOAD}\n%{echo} 'q'`, ...SYS(c)],
    code: 0,
    check: (c) => {
      const dir = extractDeb(path.join(c.out, DEB));
      const control = fs.readFileSync(path.join(dir, 'DEBIAN/control'), 'utf8');
      assert.ok(control.includes(`\nMaintainer: ${HOSTILE_MAINTAINER}\n`));
      assert.ok(control.includes(`\nDescription: ${HOSTILE_DESCRIPTION}\n`));
      assertFieldsSafelyQuoted(allFiles(dir), HOSTILE_DESCRIPTION);
    },
  },
  {
    name: 'description and maintainer with $(), backticks, quotes, ; and % build, safely quoted',
    cmd: RPMC,
    output: RPM,
    argv: (c) => [project(c), '--description', HOSTILE_DESCRIPTION, '-m', HOSTILE_MAINTAINER, ...SYS(c)],
    code: 0,
    check: (c) => {
      const rpm = path.join(c.out, RPM);
      const { dir } = extractRpm(rpm);
      const q = spawnSync('rpm', ['-qp', '--nosignature', '--qf', '%{SUMMARY}\n%{PACKAGER}\n', rpm], { encoding: 'utf8' });
      assert.equal(q.stdout, `${HOSTILE_DESCRIPTION}\n${HOSTILE_MAINTAINER}\n`);
      assertFieldsSafelyQuoted(allFiles(dir), HOSTILE_DESCRIPTION);
    },
  },
  {
    name: 'tac path with spaces, quotes, $(), backticks and a newline builds',
    cmd: DEBC,
    output: DEB,
    argv: (c) => [project(c, HOSTILE_DIR), ...SYS(c)],
    code: 0,
    check: (c) => {
      const dir = extractDeb(path.join(c.out, DEB));
      assert.ok(fs.existsSync(path.join(dir, 'usr/lib/demo/app.asar')));
    },
  },
  {
    name: 'tac path with spaces, quotes, $(), backticks and a newline builds',
    cmd: RPMC,
    output: RPM,
    argv: (c) => [project(c, HOSTILE_DIR), ...SYS(c)],
    code: 0,
    check: (c) => {
      extractRpm(path.join(c.out, RPM));
    },
  },
  {
    name: 'tac file importing through a symlinked folder: the import is bundled, nothing else of the target',
    cmd: DEBC,
    output: DEB,
    argv: (c) => {
      const tac = project(c, 'app', { tac: `import { Application } from 'tacd';\nimport { x } from './lib/mod.ts';\nexport const application = new Application('demo' + x);\n` });
      fs.mkdirSync(path.join(c.root, 'outside'));
      fs.writeFileSync(path.join(c.root, 'outside/mod.ts'), "export const x = 'IMPORTED-7f3a';\n");
      fs.writeFileSync(path.join(c.root, 'outside/secret.txt'), 'TOP-SECRET-c41e\n');
      fs.symlinkSync(path.join(c.root, 'outside'), path.join(path.dirname(tac), 'lib'));
      return [tac, ...SYS(c)];
    },
    code: 0,
    check: (c) => {
      const dir = extractDeb(path.join(c.out, DEB));
      const files = allFiles(dir);
      for (const f of files) {
        if (fs.lstatSync(f).isSymbolicLink()) assert.ok(!fs.readlinkSync(f).startsWith(c.root), `${f} links out of the package`);
        assert.ok(!fs.readFileSync(f).includes('TOP-SECRET-c41e'), `${f} holds a file of the symlink's target that was never imported`);
      }
      assert.ok(fs.readFileSync(path.join(dir, 'usr/lib/demo/app.asar')).includes('IMPORTED-7f3a'), 'the imported module is bundled');
    },
  },
  {
    name: '--templates with a symlink to /etc/passwd is refused',
    cmd: DEBC,
    argv: (c) => {
      const t = path.join(c.root, 'tpl');
      fs.mkdirSync(path.join(t, 'systemd'), { recursive: true });
      fs.symlinkSync('/etc/passwd', path.join(t, 'systemd/service.ejs'));
      return [project(c), '--templates', t, ...SYS(c)];
    },
    code: 65,
    message: /^ts2deb: --templates .*tpl\/systemd\/service\.ejs: a symlink to \/etc\/passwd, outside /,
  },
  {
    name: '--templates with a symlinked folder pointing outside is refused',
    cmd: RPMC,
    argv: (c) => {
      const t = path.join(c.root, 'tpl');
      fs.mkdirSync(t);
      fs.mkdirSync(path.join(c.root, 'elsewhere'));
      fs.writeFileSync(path.join(c.root, 'elsewhere/service.ejs'), 'SECRET\n');
      fs.symlinkSync(path.join(c.root, 'elsewhere'), path.join(t, 'systemd'));
      return [project(c), '--templates', t, ...SYS(c)];
    },
    code: 65,
    message: /^ts2rpm: --templates .*tpl\/systemd\/service\.ejs: a symlink to .*elsewhere\/service\.ejs, outside /,
  },
  {
    name: 'template that fails to render',
    cmd: RPMC,
    argv: (c) => {
      const t = path.join(c.root, 'tpl');
      fs.mkdirSync(path.join(t, 'systemd'), { recursive: true });
      fs.writeFileSync(path.join(t, 'systemd/service.ejs'), '[Unit]\nDescription=<%- systemdValue(it.summary) %>\nX=<%- it.nope.deeper %>\n');
      return [project(c), '--templates', t, ...SYS(c)];
    },
    code: 65,
    message: /^ts2rpm: .*systemd\/service\.ejs:3: template failed to render: .*deeper/,
  },
  {
    name: 'tac file importing a 200 MB sparse file',
    cmd: DEBC,
    argv: (c) => {
      const tac = project(c, 'app', { tac: "import { Application } from 'tacd';\nimport big from './big.json';\nexport const application = new Application('h' + String(big).length);\n" });
      const big = path.join(path.dirname(tac), 'big.json');
      fs.closeSync(fs.openSync(big, 'w'));
      fs.truncateSync(big, 200 << 20);
      return [tac, ...SYS(c)];
    },
    code: 65,
    message: /^ts2deb: .*big\.json:1:1: /,
  },
  { name: 'non-ELF --node', cmd: DEBC, argv: (c) => [project(c), '--node', path.join(c.root, 'app/package.json'), '--output', c.out], code: 65, message: /^ts2deb: --node .*package\.json: not an ELF executable/ },
  {
    name: 'foreign-machine ELF --node',
    cmd: RPMC,
    argv: (c) => {
      foreignElf(path.join(c.root, 'fake-node'));
      return [project(c), '--node', path.join(c.root, 'fake-node'), '--output', c.out];
    },
    code: 65,
    message: /^ts2rpm: --node .*fake-node: unsupported ELF machine 8/,
  },
  { name: '--node with --runtime system (conflict)', cmd: DEBC, argv: (c) => [project(c), '--node', process.execPath, ...SYS(c)], code: 64, message: /^ts2deb: --node '.*' conflicts with --runtime system/ },
  { name: 'tac file and --plugin together (conflict)', cmd: RPMC, argv: (c) => [project(c), '--plugin', 'echo', ...SYS(c)], code: 64, message: /^ts2rpm: give either a tac file or --plugin NAME/ },
  // SOURCE_DATE_EPOCH stamps every mtime, the changelog and the copyright year; lintian's
  // package-contains-ancient-file cut-off is 1975 (Check/Files/Date.pm), so 189302400 = 1976-01-01 is the first accepted.
  ...(['0', '189302399', '-1', '1.5e9', '1700000000 '] as const).flatMap((value): Case[] =>
    [DEBC, RPMC].map((cmd) => ({
      name: `SOURCE_DATE_EPOCH=${JSON.stringify(value)}`,
      cmd,
      env: { SOURCE_DATE_EPOCH: value },
      argv: (c: Ctx) => [project(c), ...SYS(c)],
      code: 65,
      message: new RegExp(`^${cmd}: SOURCE_DATE_EPOCH=${/^\d+$/.test(value) ? value : JSON.stringify(value).replace(/[.+]/g, '\\$&')} .*at least 189302400 \\(1976-01-01T00:00:00Z; lintian rejects older files as package-contains-ancient-file\\)$`),
    })),
  ),
  {
    name: 'SOURCE_DATE_EPOCH=189302400 (1976-01-01, the first accepted) builds, every mtime that date',
    cmd: DEBC,
    output: DEB,
    env: { SOURCE_DATE_EPOCH: '189302400' },
    argv: (c) => [project(c), ...SYS(c)],
    code: 0,
    check: (c) => {
      const deb = path.join(c.out, DEB);
      const r = spawnSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      assert.equal(r.status, 0, r.stderr);
      for (const line of r.stdout.trimEnd().split('\n')) assert.match(line, / 1976-01-01 00:00 /, line);
    },
  },
  {
    name: 'a section lintian does not know (package.json "tacd": {"section"}) is refused',
    cmd: DEBC,
    argv: (c) => [project(c, 'app', { pkg: { ...PKG, tacd: { section: 'networking' } } }), ...SYS(c)],
    code: 65,
    message: /^ts2deb: meta\.section "networking" is not a Debian archive section \(lintian unknown-section\); expected one such as net, web, admin/,
  },
  { name: 'unknown --compression', cmd: DEBC, argv: (c) => [project(c), '--compression', 'zstd', ...SYS(c)], code: 64, message: /^ts2deb: option '--compression <name>' argument 'zstd' is invalid/ },
  { name: 'unknown --arch', cmd: RPMC, argv: (c) => [project(c), '--arch', 'bogus', ...SYS(c)], code: 65, message: /^ts2rpm: --arch 'bogus': unknown architecture; expected amd64, arm64 or armhf/ },
  { name: 'unknown option --debug shows the stack', cmd: DEBC, argv: (c) => [project(c), '--frobnicate', '--debug', ...SYS(c)], code: 64, message: /^ts2deb: unknown option '--frobnicate'/, debug: true },
  { name: 'bad maintainer --debug shows the stack', cmd: RPMC, argv: (c) => [project(c), '-m', 'nobody', '--debug', ...SYS(c)], code: 65, message: /^ts2rpm: maintainer 'nobody': expected/, debug: true },
  {
    name: 'output path that exists and is not a folder',
    cmd: DEBC,
    argv: (c) => {
      fs.writeFileSync(path.join(c.root, 'a-file'), SENTINEL);
      return [project(c), '--runtime', 'system', '--output', path.join(c.root, 'a-file')];
    },
    code: 73,
    message: /^ts2deb: --output .*\/a-file: exists and is not a folder$/,
    check: (c) => assert.equal(fs.readFileSync(path.join(c.root, 'a-file'), 'utf8'), SENTINEL),
  },
  {
    name: 'output folder that does not exist is created (mkdir -p)',
    cmd: RPMC,
    argv: (c) => [project(c), '--runtime', 'system', '--output', path.join(c.root, 'new', 'out')],
    code: 0,
    check: (c) => assert.deepEqual(listing(path.join(c.root, 'new', 'out')), [RPM]),
  },
  { name: 'output folder that cannot be written (/proc/1)', cmd: RPMC, argv: (c) => [project(c), '--runtime', 'system', '--output', '/proc/1'], code: 73, message: /^ts2rpm: --output \/proc\/1: folder is not writable/ },
  {
    name: 'output folder not writable by the user (as nobody)',
    cmd: DEBC,
    nobody: true,
    argv: (c) => {
      fs.chmodSync(c.out, 0o755);
      return [project(c), ...SYS(c)];
    },
    code: 73,
    message: /^ts2deb: --output .*\/out: folder is not writable/,
  },
  {
    name: "the output's name is taken by the user's file",
    cmd: DEBC,
    argv: (c) => {
      occupied(c, DEB);
      return [project(c), ...SYS(c)];
    },
    code: 73,
    message: new RegExp(`^ts2deb: refusing to replace .*/out/${DEB}: it exists and is not a package`),
  },
  {
    name: "the output's name is taken by the user's file",
    cmd: RPMC,
    argv: (c) => {
      occupied(c, RPM);
      return [project(c), ...SYS(c)];
    },
    code: 73,
    message: new RegExp(`^ts2rpm: refusing to replace .*/out/${RPM.replace(/\./g, '\\.')}: it exists and is not a package`),
  },

  // ---- verify -------------------------------------------------------------
  { name: 'verify: missing package file', cmd: DEBC, argv: (c) => ['verify', path.join(c.root, 'none.deb')], code: 66, message: /^ts2deb verify: package not found: .*none\.deb/ },
  { name: 'verify: missing package file', cmd: RPMC, argv: (c) => ['verify', path.join(c.root, 'none.rpm')], code: 66, message: /^ts2rpm verify: package not found: .*none\.rpm/ },
  { name: 'verify: missing package file --debug shows the stack', cmd: DEBC, argv: (c) => ['verify', '--debug', path.join(c.root, 'none.deb')], code: 66, message: /^ts2deb verify: package not found: .*none\.deb/, debug: true },
  { name: 'verify: no package given', cmd: DEBC, argv: () => ['verify'], code: 64, message: /^ts2deb verify: missing required argument 'pkg'/ },
  { name: 'verify: unknown option', cmd: RPMC, argv: () => ['verify', '--frob', 'x.rpm'], code: 64, message: /^ts2rpm verify: unknown option '--frob'/ },
  { name: 'verify: bad --settle', cmd: DEBC, argv: () => ['verify', '--settle', 'abc', 'x.deb'], code: 64, message: /^ts2deb verify: --settle: expected a number of seconds, got 'abc'/ },
  { name: 'verify: bad --probe', cmd: RPMC, argv: () => ['verify', '--probe', 'bogus:1', 'x.rpm'], code: 64, message: /^ts2rpm verify: --probe "bogus:1": expected tcp:PORT/ },
  {
    name: 'verify: a .deb given to ts2rpm verify',
    cmd: RPMC,
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'x.deb'), '!<arch>\n');
      return ['verify', 'x.deb'];
    },
    code: 65,
    message: /^ts2rpm verify: .*x\.deb: expected a \.rpm file/,
  },
  {
    name: 'verify: not root (as nobody)',
    cmd: DEBC,
    nobody: true,
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'x.deb'), '!<arch>\n');
      return ['verify', 'x.deb'];
    },
    code: 77,
    message: /^ts2deb verify: verify needs root/,
  },
  {
    name: "verify: a .deb that is the user's notes, not a package",
    cmd: DEBC,
    argv: (c) => {
      fs.writeFileSync(path.join(c.cwd, 'notes.deb'), SENTINEL);
      return ['verify', 'notes.deb'];
    },
    code: 65,
    message: /^ts2deb verify: .*notes\.deb: not a \.deb/,
    check: (c) => assert.equal(fs.readFileSync(path.join(c.cwd, 'notes.deb'), 'utf8'), SENTINEL),
  },
];

// A port held by this process for the "port in use" case.
let busyPort = 0;
const busy = net.createServer();
await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
busyPort = (busy.address() as net.AddressInfo).port;
after(() => busy.close());

const names = new Set<string>();
for (const k of cases) {
  const title = `${k.cmd}: ${k.name} -> ${k.code}`;
  assert.ok(!names.has(title), `duplicate case ${title}`);
  names.add(title);
  const skip = k.nobody && canNobody ? `SKIPPED LOUDLY: ${canNobody}` : false;
  test(title, { ...(k.todo ? { todo: k.todo } : {}), ...(skip ? { skip } : {}), timeout: 120_000 }, () => {
    const c = newCtx();
    const isPkg = k.cmd !== 'tacd';
    // The user's file with the output's name, where a failure must not touch it.
    const sentinels: string[] = [];
    if (isPkg && k.output === undefined) {
      for (const n of [DEB, RPM]) {
        occupied(c, n);
        sentinels.push(n);
      }
    }
    fs.writeFileSync(path.join(c.out, 'README.txt'), SENTINEL);
    const argv = k.argv(c);
    const before = listing(c.out);
    const r = spawn(k.cmd, argv, c, { ...(k.nobody ? { nobody: true } : {}), ...(k.killAfterMs !== undefined ? { killAfterMs: k.killAfterMs } : {}), ...(k.env ? { env: k.env } : {}) });
    const detail = `status ${r.status} signal ${r.signal}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`;

    if (typeof k.code === 'string') assert.equal(r.signal, k.code, detail);
    else assert.equal(r.status, k.code, detail);

    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    if (k.code !== 0 && typeof k.code === 'number') {
      assert.ok(k.message, 'a failing case names its message');
      assert.match(lines[0] ?? '', k.message, detail);
      if (k.debug) {
        assert.ok(lines.some((l) => /^\s+at /.test(l)), `--debug shows the stack\n${detail}`);
      } else {
        assert.equal(lines.length, 1, `exactly one line on stderr\n${detail}`);
        assert.ok(!lines.some((l) => /^\s+at /.test(l)), `no stack trace without --debug\n${detail}`);
      }
    } else if (k.cmd !== 'tacd') {
      assert.deepEqual(lines, [], `a success prints nothing on stderr\n${detail}`);
    }

    // No partial package, no temp file; only the expected package on success.
    const expected = k.output !== undefined && k.code === 0 ? [...before, k.output].sort() : before;
    assert.deepEqual(listing(c.out), expected, 'nothing else in --output');
    assert.deepEqual(listing(c.tmp), [], 'no temp file left in TMPDIR');
    for (const n of [...sentinels, 'README.txt']) assert.equal(fs.readFileSync(path.join(c.out, n), 'utf8'), SENTINEL, `${n} untouched`);

    k.check?.(c, r);
    assert.ok(!fs.existsSync(MARK), `a $(...) payload was executed: ${MARK} exists`);
  });
}

test(`at least 30 cases, across tacd, ts2deb, ts2rpm and verify`, () => {
  assert.ok(cases.length >= 30, String(cases.length));
  for (const cmd of ['tacd', 'ts2deb', 'ts2rpm'] as const) assert.ok(cases.some((k) => k.cmd === cmd), cmd);
  assert.ok(cases.filter((k) => k.name.startsWith('verify:')).length >= 2);
  assert.ok(!fs.existsSync(MARK), 'no payload ever ran');
});

// Not a table row: it needs a live pipe. tacd -n whose stdout reader went away
// (`tacd -n echo | head -1`, a closed terminal, spawnSync's timeout) must still
// stop on SIGTERM.
test(
  'tacd: SIGTERM after stdout was closed (EPIPE) still stops the daemon -> SIGTERM',
  {
    timeout: 30_000,
  },
  async () => {
    const { spawn } = await import('node:child_process');
    const c = newCtx();
    const child = spawn(process.execPath, [BIN.tacd, '-n', '--pidfile=', 'echo', '--port', '0'], { cwd: c.cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 1000));
    child.stdout!.destroy();
    child.kill('SIGTERM');
    const exited = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 5000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (!exited) child.kill('SIGKILL');
    assert.ok(exited, 'tacd still running 5 s after SIGTERM with its stdout closed');
  },
);
