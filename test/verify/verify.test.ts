// `ts2deb verify` / `ts2rpm verify` (src/verify/verify.ts, src/cli/verify.ts):
// passes on real packages (deb, rpm, an upgrade) and fails, naming the right
// check and reason, on deliberately broken ones built with --templates:
// a unit that exits at once, a failing postinst (deb) / %post (rpm), a
// postrm that leaves the state behind on purge, and an upgrade whose postinst
// rewrites the conffile. Host problems give one line and a sysexits status.
import { TacError } from '../../src/core/errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { DIST_SRC_DIR, PROJECT_ROOT, TEMPLATES_DIR } from '../../src/core/paths.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { parseProbe } from '../../src/verify/probe.js';
import { verifyPackage, type VerifyResult } from '../../src/verify/verify.js';
import { cleanupStaleContainers, type Container } from '../../src/verify/container.js';
import { formatTable } from '../../src/verify/report.js';
import { skipUnlessSystemd } from '../helpers/systemd.js';
import { buildPackage, sink, tempDir } from '../packaging/helpers.js';

const SLOW = { timeout: 300_000 };

/** A --templates folder with `name` (e.g. 'deb/postinst') = the built-in template passed through `edit`. */
function overrideTemplate(dir: string, name: string, edit: (text: string) => string): string {
  const builtIn = readFileSync(path.join(TEMPLATES_DIR, `${name}.ejs`), 'utf8');
  const edited = edit(builtIn);
  assert.notEqual(edited, builtIn, `the edit of ${name} changed nothing`);
  mkdirSync(path.dirname(path.join(dir, `${name}.ejs`)), { recursive: true });
  writeFileSync(path.join(dir, `${name}.ejs`), edited);
  return dir;
}

function echoArgs(out: string, port: number, extra: string[] = []): string[] {
  return ['--plugin', 'echo', '--runtime', 'system', '--output', out, ...extra, '--', '--port', String(port)];
}

function step(r: VerifyResult, name: string) {
  const s = r.steps.find((x) => x.name === name);
  assert.ok(s, `step ${name} in ${r.steps.map((x) => x.name).join(',')}`);
  return s;
}

/** Asserts that verify failed at `name` with a detail matching `why`, and that every earlier check passed. */
function failedAt(r: VerifyResult, name: string, why: RegExp): void {
  const table = formatTable(r, 'verify');
  assert.equal(r.ok, false, table);
  const failed = r.steps.filter((s) => !s.ok && !s.skipped).map((s) => s.name);
  assert.deepEqual(failed, [name], table);
  assert.match(step(r, name).detail, why, table);
}

test('verify passes on the echo plugin package (deb): every check, auto-probed port, user kept after purge', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', echoArgs(out, 7101));
    const r = await verifyPackage({ pkg: deb, format: 'deb', onProgress: (l) => t.diagnostic(l) });
    t.diagnostic(formatTable(r, 'ts2deb verify'));
    assert.equal(r.ok, true, formatTable(r, 'ts2deb verify'));
    assert.deepEqual(
      r.steps.map((s) => s.name),
      ['rootfs', 'boot', 'package', 'install', 'enabled', 'active', 'settle', 'probe', 'reload', 'restart', 'remove', 'purge'],
    );
    assert.ok(r.steps.every((s) => s.ok && !s.skipped));
    assert.match(step(r, 'probe').detail, /tcp:7101 answers/);
    assert.match(step(r, 'purge').detail, /nothing left; system user echo kept/);
    assert.equal(r.journal, undefined);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('verify passes on the packaged tac app (fixtures/echo) with --probe tcp:8000, through the CLI with --json', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', [path.join(DIST_SRC_DIR, '..', '..', 'fixtures/echo/app.tac.ts'), '--runtime', 'system', '--output', out]);
    const stdout = sink();
    const stderr = sink();
    const status = await verifyCommand([deb, '--probe', 'tcp:8000', '--json'], 'deb', { stdout, stderr });
    const r = JSON.parse(stdout.text()) as VerifyResult;
    assert.equal(status, 0, formatTable(r, 'ts2deb verify') + stderr.text());
    assert.equal(r.ok, true);
    assert.equal(r.unit, 'echo.service');
    assert.match(step(r, 'probe').detail, /^tcp:8000 answers$/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('verify passes on an upgrade (deb): conffile edit kept, one restart, never stopped', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const v1 = await buildPackage('ts2deb', echoArgs(out, 7102, ['--set-version', '1.0.0']));
    const v2 = await buildPackage('ts2deb', echoArgs(out, 7102, ['--set-version', '2.0.0']));
    const r = await verifyPackage({ pkg: v2, format: 'deb', upgradeFrom: v1, probe: parseProbe('tcp:7102'), settleMs: 2500 });
    assert.equal(r.ok, true, formatTable(r, 'ts2deb verify'));
    assert.match(step(r, 'install old').detail, /\/etc\/default\/echo edited, state marked in \/var\/lib\/echo$/);
    assert.equal(step(r, 'upgrade').detail, '/etc/default/echo edit and /var/lib/echo kept, restarted once, never stopped');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('verify passes on the echo rpm and fails on one whose %post fails (rpm exits 0, the scriptlet warning counts)', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const tpl = tempDir('tacd-tpl-');
  try {
    const good = await buildPackage('ts2rpm', echoArgs(out, 7103));
    let r = await verifyPackage({ pkg: good, format: 'rpm', probe: parseProbe('tcp:7103') });
    assert.equal(r.ok, true, formatTable(r, 'ts2rpm verify'));
    assert.deepEqual(r.steps.map((s) => s.name).slice(-2), ['restart', 'erase']);

    overrideTemplate(tpl, 'rpm/post', (s) => s.replace(/exit 0\s*$/, 'echo "post: cannot configure" >&2\nexit 1\n'));
    const bad = await buildPackage('ts2rpm', echoArgs(out, 7103, ['--name', 'echopost', '--templates', tpl]));
    r = await verifyPackage({ pkg: bad, format: 'rpm', settleMs: 1000 });
    failedAt(r, 'install', /rpm -i: warning: %post\(echopost-[^)]+\) scriptlet failed, exit status 1/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(tpl, { recursive: true, force: true });
  }
});

test('verify fails on a unit that exits at once: "active", with the exit status and the journal line', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const tpl = tempDir('tacd-tpl-');
  try {
    overrideTemplate(tpl, 'systemd/service', (s) => s.replace(/^ExecStart=.*$/m, `ExecStart=/bin/sh -c 'echo "giving up at once" >&2; exit 3'`));
    const deb = await buildPackage('ts2deb', echoArgs(out, 7104, ['--name', 'echoquit', '--templates', tpl]));
    const r = await verifyPackage({ pkg: deb, format: 'deb' });
    failedAt(r, 'active', /echoquit\.service is (auto-restart|failed): .*ExecMainStatus=3.*; journal: giving up at once/);
    for (const n of ['settle', 'probe', 'reload', 'restart']) assert.equal(step(r, n).skipped, true);
    // the removal checks still ran and passed
    assert.equal(step(r, 'purge').ok, true);
    assert.match(r.journal ?? '', /giving up at once/);
    assert.match(formatTable(r, 'ts2deb verify'), /FAIL  active[\s\S]*--- journalctl -u echoquit\.service/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(tpl, { recursive: true, force: true });
  }
});

test('verify fails on a postinst that fails: "install", with dpkg\'s reason', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const tpl = tempDir('tacd-tpl-');
  try {
    overrideTemplate(tpl, 'deb/postinst', (s) => s.replace(/exit 0\s*$/, 'echo "postinst: cannot configure" >&2\nexit 1\n'));
    const deb = await buildPackage('ts2deb', echoArgs(out, 7105, ['--name', 'echopi', '--templates', tpl]));
    const r = await verifyPackage({ pkg: deb, format: 'deb' });
    failedAt(r, 'install', /dpkg -i exited 1: .*installed echopi package post-installation script subprocess returned error exit status 1/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(tpl, { recursive: true, force: true });
  }
});

test('verify fails on a package that leaves its state behind on purge: "purge" names the paths', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const tpl = tempDir('tacd-tpl-');
  try {
    overrideTemplate(tpl, 'deb/postrm', (s) => s.replace(/^\s*rm -rf .*$/m, '    : # forgets to remove state and logs'));
    const deb = await buildPackage('ts2deb', echoArgs(out, 7106, ['--name', 'echoleft', '--templates', tpl]));
    const r = await verifyPackage({ pkg: deb, format: 'deb', settleMs: 1000 });
    failedAt(r, 'purge', /left behind: .*\/var\/lib\/echoleft.*\/var\/log\/echoleft/);
    assert.equal(step(r, 'remove').ok, true);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(tpl, { recursive: true, force: true });
  }
});

test('verify fails on an upgrade that loses the conffile edit and the state: "upgrade" names both', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const tpl = tempDir('tacd-tpl-');
  try {
    const v1 = await buildPackage('ts2deb', echoArgs(out, 7107, ['--name', 'echoconf', '--set-version', '1.0.0']));
    overrideTemplate(tpl, 'deb/postinst', (s) =>
      s.replace(
        /^if \[ "\$1" = configure \]; then$/m,
        `if [ "$1" = configure ]; then\n    # regenerates the admin's file and wipes the state on every configure (the bugs)\n    printf '%s=%s\\n' <%- sh(it.envVar) %> <%- sh(it.defaultArgs.join(' ')) %> > <%- sh(it.envFile) %>\n    rm -rf /var/lib/echoconf`,
      ),
    );
    const v2 = await buildPackage('ts2deb', echoArgs(out, 7107, ['--name', 'echoconf', '--set-version', '2.0.0', '--templates', tpl]));
    const r = await verifyPackage({ pkg: v2, format: 'deb', upgradeFrom: v1, settleMs: 1000 });
    failedAt(r, 'upgrade', /^the admin's edit of \/etc\/default\/echoconf was lost; the service's state in \/var\/lib\/echoconf was lost \(\.tacd-verify-state is gone\)$/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(tpl, { recursive: true, force: true });
  }
});

// --- the command line: usage and host problems (no container needed) ---

async function cli(argv: string[], format: 'deb' | 'rpm' = 'deb'): Promise<{ status: number; out: string; err: string }> {
  const stdout = sink();
  const stderr = sink();
  const status = await verifyCommand(argv, format, { stdout, stderr });
  return { status, out: stdout.text(), err: stderr.text() };
}

function oneLine(err: string, re: RegExp): void {
  assert.equal(err.trimEnd().split('\n').length, 1, err);
  assert.match(err.trimEnd(), re);
  assert.doesNotMatch(err, /\n\s+at /);
}

test('verify CLI: usage errors are 64, a missing package 66, a wrong extension 65', async () => {
  let r = await cli([]);
  assert.equal(r.status, ExitCode.USAGE);
  oneLine(r.err, /^ts2deb verify: missing required argument 'pkg'/);
  r = await cli(['x.deb', '--probe', 'udp:53']);
  assert.equal(r.status, ExitCode.USAGE);
  oneLine(r.err, /^ts2deb verify: --probe "udp:53": expected tcp:PORT/);
  r = await cli(['x.deb', '--probe', 'tcp:70000']);
  assert.equal(r.status, ExitCode.USAGE);
  oneLine(r.err, /tcp:70000: the port must be 1-65535/);
  r = await cli(['x.deb', '--bogus']);
  assert.equal(r.status, ExitCode.USAGE);
  oneLine(r.err, /unknown option '--bogus'/);
  r = await cli(['x.deb', '--prob', 'tcp:80']);
  assert.equal(r.status, ExitCode.USAGE);
  oneLine(r.err, /^ts2deb verify: unknown option '--prob'; did you mean --probe\? \(see ts2deb verify --help\)$/);
  r = await cli(['/nonexistent/echo_1.0-1_all.deb']);
  assert.equal(r.status, ExitCode.NOINPUT);
  oneLine(r.err, /^ts2deb verify: package not found: \/nonexistent\/echo_1\.0-1_all\.deb$/);
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'a.deb'), 'x');
    r = await cli([path.join(dir, 'a.deb'), '--upgrade-from', path.join(dir, 'old.deb')]);
    assert.equal(r.status, ExitCode.NOINPUT);
    oneLine(r.err, /--upgrade-from package not found: .*old\.deb$/);
    r = await cli([path.join(dir, 'a.deb')], 'rpm');
    assert.equal(r.status, ExitCode.DATAERR);
    oneLine(r.err, /^ts2rpm verify: .*a\.deb: expected a \.rpm file$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  r = await cli(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.out, /--upgrade-from <old>/);
});

// Runs verifyCommand in a child process (to change its user or PATH).
function child(argv: string[], opts: { env?: NodeJS.ProcessEnv; setpriv?: boolean }): { status: number | null; stderr: string } {
  const script = `import(${JSON.stringify(path.join(DIST_SRC_DIR, 'cli/verify.js'))}).then((m) => m.verifyCommand(${JSON.stringify(argv)}, 'deb')).then((s) => process.exit(s))`;
  const cmd = opts.setpriv ? 'setpriv' : process.execPath;
  const args = opts.setpriv ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script] : ['--input-type=module', '-e', script];
  const r = spawnSync(cmd, args, { env: opts.env ?? process.env, encoding: 'utf8', cwd: '/' });
  return { status: r.status, stderr: r.stderr };
}

test('verify CLI: not root is 77, systemd-nspawn missing is 69, each with one line naming it', { skip: process.getuid?.() !== 0 ? 'needs root to drop to nobody' : false }, async () => {
  const dir = tempDir();
  try {
    chmodSync(dir, 0o755);
    const deb = path.join(dir, 'echo_1.0-1_all.deb');
    writeFileSync(deb, 'not really a deb');
    chmodSync(deb, 0o644);
    let r = child([deb], { setpriv: true });
    assert.equal(r.status, ExitCode.NOPERM, r.stderr);
    oneLine(r.stderr, /^ts2deb verify: verify needs root \(mount, chroot, systemd-nspawn\); run as root$/);

    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    r = child([deb], { env: { PATH: bin } });
    assert.equal(r.status, ExitCode.UNAVAILABLE, r.stderr);
    oneLine(r.stderr, /^ts2deb verify: verify needs 'systemd-nspawn' \(Debian package systemd-container\); install it with apt-get install systemd-container$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verify fails on an upgrade that stops the service (prerm stops on upgrade too): "upgrade" says stopped', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const tpl = tempDir('tacd-tpl-');
  try {
    overrideTemplate(tpl, 'deb/prerm', (s) => s.replace(/^if \[ "\$1" = remove \]; then$/m, 'if [ "$1" = remove ] || [ "$1" = upgrade ]; then'));
    // the old package's prerm runs on upgrade: v1 must carry the bug
    const v1bad = await buildPackage('ts2deb', echoArgs(out, 7108, ['--name', 'echostop', '--set-version', '1.0.0', '--release', '0', '--templates', tpl]));
    const v2 = await buildPackage('ts2deb', echoArgs(out, 7108, ['--name', 'echostop', '--set-version', '2.0.0']));
    const r = await verifyPackage({ pkg: v2, format: 'deb', upgradeFrom: v1bad, settleMs: 1000 });
    failedAt(r, 'upgrade', /echostop\.service was stopped during the upgrade \(a stop and a start, not one restart\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(tpl, { recursive: true, force: true });
  }
});

test('verify passes on an rpm upgrade (rpm -U: %config(noreplace) edit kept, one restart) and fails on a file that is no package', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const v1 = await buildPackage('ts2rpm', echoArgs(out, 7109, ['--set-version', '1.0.0']));
    const v2 = await buildPackage('ts2rpm', echoArgs(out, 7109, ['--set-version', '2.0.0']));
    let r = await verifyPackage({ pkg: v2, format: 'rpm', upgradeFrom: v1, settleMs: 1000 });
    assert.equal(r.ok, true, formatTable(r, 'ts2rpm verify'));
    assert.equal(step(r, 'upgrade').detail, '/etc/sysconfig/echo edit and /var/lib/echo kept, restarted once, never stopped');

    const junk = path.join(out, 'junk_1.0-1_all.deb');
    writeFileSync(junk, 'this is not an ar archive\n');
    // Refused by its magic bytes with 65, before any container boots.
    await assert.rejects(verifyPackage({ pkg: junk, format: 'deb' }), (e: unknown) => {
      assert.ok(e instanceof TacError, String(e));
      assert.equal(e.exitCode, 65);
      assert.match(e.message, /junk_1\.0-1_all\.deb: not a \.deb package/);
      return true;
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('verify --keep: the container stays up with the package installed until released, removal skipped, then torn down', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', echoArgs(out, 7110));
    const stdout = sink();
    const stderr = sink();
    let leader = '';
    let sawService = false;
    const status = await verifyCommand([deb, '--keep', '--settle', '0.5'], 'deb', {
      stdout,
      stderr,
      waitForRelease: async () => {
        leader = /systemd pid (\d+)/.exec(stderr.text())?.[1] ?? '';
        const r = spawnSync('nsenter', ['-t', leader, '-a', '/usr/bin/env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'systemctl', 'is-active', 'echo.service'], { encoding: 'utf8' });
        sawService = r.stdout.trim() === 'active';
      },
    });
    assert.equal(status, 0, stdout.text() + stderr.text());
    assert.match(stderr.text(), /container tacd-[0-9a-f]+ kept \(systemd pid \d+\); enter it with: nsenter -t \d+ -a bash/);
    assert.ok(sawService, 'the service runs in the kept container');
    assert.match(stdout.text(), /SKIP  remove .*--keep/);
    assert.match(stdout.text(), /SKIP  purge .*--keep/);
    assert.ok(leader && !existsSync(`/proc/${leader}`), 'torn down after release');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('verify probes: unix:PATH and cmd: (web plugin on a UNIX socket), http:// (web plugin on a port); a closed port fails "probe"', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const webu = await buildPackage('ts2deb', ['--plugin', 'web', '--name', 'webu', '--runtime', 'system', '--output', out, '--', '--listen', 'unix:/run/webu/web.sock']);
    let r = await verifyPackage({ pkg: webu, format: 'deb', probe: parseProbe('unix:/run/webu/web.sock'), settleMs: 500 });
    assert.equal(r.ok, true, formatTable(r, 'verify'));
    assert.equal(step(r, 'probe').detail, 'unix:/run/webu/web.sock answers');
    r = await verifyPackage({ pkg: webu, format: 'deb', probe: parseProbe('cmd:curl -sf --unix-socket /run/webu/web.sock http://localhost/ >/dev/null'), settleMs: 500 });
    assert.equal(r.ok, true, formatTable(r, 'verify'));

    const webh = await buildPackage('ts2deb', ['--plugin', 'web', '--name', 'webh', '--runtime', 'system', '--output', out, '--', '--port', '7401']);
    r = await verifyPackage({ pkg: webh, format: 'deb', probe: parseProbe('http://127.0.0.1:7401/'), settleMs: 500 });
    assert.equal(r.ok, true, formatTable(r, 'verify'));
    r = await verifyPackage({ pkg: webh, format: 'deb', probe: parseProbe('tcp:7999'), settleMs: 500, probeTimeoutMs: 1500 });
    failedAt(r, 'probe', /^tcp:7999: nothing accepts connections on 127\.0\.0\.1:7999 or \[::1\]:7999$/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('verify: a package path with spaces, quotes, $() and a newline is used as data, never as shell', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', echoArgs(out, 7111));
    const hostileDir = path.join(out, `dir with 'q' "dq" $(touch pwned-verify)`);
    mkdirSync(hostileDir);
    const hostile = path.join(hostileDir, `e v'$(touch pwned-verify)\`touch pwned-verify\`\nx.deb`);
    writeFileSync(hostile, readFileSync(deb));
    const stdout = sink();
    const stderr = sink();
    const status = await verifyCommand([hostile, '--settle', '0.5', '--probe', 'tcp:7111'], 'deb', { stdout, stderr });
    assert.equal(status, 0, stdout.text() + stderr.text());
    for (const d of [process.cwd(), '/', '/root', out, hostileDir]) assert.ok(!existsSync(path.join(d, 'pwned-verify')), `nothing ran (${d})`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// --- interrupts, packages without a service, teardown problems, the rootfs builder ---

/** Mount points under `dir` in this mount namespace (/proc/self/mountinfo). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => (l.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
}

/** Runs bin/ts2deb.js verify with argv; calls onProgress(stderr so far, child) as stderr arrives; resolves with how it ended. */
async function verifyBin(argv: string[], env: NodeJS.ProcessEnv, onProgress: (stderr: string, child: ChildProcess) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), 'verify', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    onProgress(stderr, child);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  return { code, signal, stdout, stderr };
}

test('verify interrupted by SIGINT or SIGTERM (bin/ts2deb.js): the container is shut down, no mount or state is left, exit 130 / 143', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const stateRoot = tempDir('tacd-state-');
  try {
    const deb = await buildPackage('ts2deb', echoArgs(out, 7112));
    for (const [sig, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      let sent = false;
      let upWhenSent = '';
      const r = await verifyBin([deb, '--settle', '30'], { TACD_STATE_DIR: stateRoot }, (stderr, child) => {
        // the container is booted and the package installed: interrupt during the 30 s settle
        if (!sent && /^ts2deb verify: settle\.\.\.$/m.test(stderr)) {
          sent = true;
          upWhenSent = `${readdirSync(stateRoot).length} container(s), ${mountsUnder(stateRoot).length} mount(s)`;
          child.kill(sig);
        }
      });
      assert.ok(sent, `the checks started: ${r.stderr}`);
      assert.equal(upWhenSent, '1 container(s), 2 mount(s)', `the container was up under ${stateRoot} (its tmpfs and overlay)`);
      assert.equal(r.signal, null, `ended by ${r.signal}, not by itself; stderr: ${r.stderr}`);
      assert.equal(r.code, status, r.stderr);
      assert.match(r.stderr, new RegExp(`^ts2deb verify: ${sig}: stopping, the container is shut down first\\.\\.\\.$`, 'm'));
      assert.match(r.stderr, new RegExp(`^ts2deb verify: interrupted by ${sig}; container tacd-[0-9a-f]+ was shut down\n$`, 'm'));
      assert.equal(r.stdout, '', 'no table for an interrupted run');
      assert.deepEqual(mountsUnder(stateRoot), [], 'no overlay or tmpfs left');
      assert.deepEqual(readdirSync(stateRoot), [], 'no container state left');
    }

    // with --keep, Ctrl-C releases the kept container: the table, exit 0, nothing left
    let released = false;
    const k = await verifyBin([deb, '--keep', '--settle', '0.5'], { TACD_STATE_DIR: stateRoot }, (stderr, child) => {
      if (!released && /press Ctrl-C to tear it down/.test(stderr)) {
        released = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(released, k.stderr);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /SKIP  purge .*--keep/);
    assert.deepEqual(mountsUnder(stateRoot), []);
    assert.deepEqual(readdirSync(stateRoot), []);
  } finally {
    await cleanupStaleContainers(stateRoot).catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
    if (mountsUnder(stateRoot).length === 0) rmSync(stateRoot, { recursive: true, force: true });
  }
});

test('verify of a package with no .service unit: only "package" fails; install, the service checks and remove/purge are skipped', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const dir = tempDir('tacd-nounit-');
  try {
    const tree = path.join(dir, 'tree');
    mkdirSync(path.join(tree, 'DEBIAN'), { recursive: true });
    mkdirSync(path.join(tree, 'usr/share/doc/nounit'), { recursive: true });
    writeFileSync(path.join(tree, 'usr/share/doc/nounit/README'), 'no service here\n');
    writeFileSync(
      path.join(tree, 'DEBIAN/control'),
      'Package: nounit\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Ann Example <ann@example.org>\nDescription: a package without a service\n',
    );
    const deb = path.join(dir, 'nounit_1.0-1_all.deb');
    const b = spawnSync('dpkg-deb', ['--root-owner-group', '--build', tree, deb], { encoding: 'utf8' });
    if (b.error) return t.skip('dpkg-deb is missing (apt-get install dpkg)');
    assert.equal(b.status, 0, b.stderr);
    const r = await verifyPackage({ pkg: deb, format: 'deb', settleMs: 500 });
    failedAt(r, 'package', /^nounit ships no systemd service unit/);
    for (const n of ['install', 'enabled', 'active', 'settle', 'probe', 'reload', 'restart']) assert.equal(step(r, n).detail, 'skipped: an earlier check failed', n);
    for (const n of ['remove', 'purge']) {
      assert.equal(step(r, n).skipped, true, n);
      assert.equal(step(r, n).detail, 'skipped: the package was not installed', n);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verify: a teardown that fails after the checks is a failed "teardown" step, the table kept; after an error, the error is kept with the teardown problem added', SLOW, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir();
  const stateRoot = tempDir('tacd-state-');
  const extras: string[] = [];
  // a mount under the container's state dir that teardown does not know: "mounts remain under ..."
  const blockTeardown = (c: Container): void => {
    const extra = path.join(c.stateDir, 'extra');
    mkdirSync(extra);
    const m = spawnSync('mount', ['-t', 'tmpfs', 'tacd-test-extra', extra], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    extras.push(extra);
  };
  try {
    const deb = await buildPackage('ts2deb', echoArgs(out, 7113));
    const base = { pkg: deb, format: 'deb' as const, settleMs: 500, probe: parseProbe('tcp:7113'), container: { stateRoot } };
    const r = await verifyPackage({ ...base, keep: async (c) => blockTeardown(c) });
    const table = formatTable(r, 'verify');
    assert.equal(r.ok, false, table);
    assert.deepEqual(r.steps.filter((s) => !s.ok && !s.skipped).map((s) => s.name), ['teardown'], table);
    assert.match(step(r, 'teardown').detail, /^error: tearing down container tacd-[0-9a-f]+: mounts remain under /);
    assert.equal(step(r, 'restart').ok, true, 'the checks before it stand');

    await assert.rejects(
      verifyPackage({
        ...base,
        keep: async (c) => {
          blockTeardown(c);
          throw new TacError('test.keep', 'the keep callback failed');
        },
      }),
      (e: unknown) => {
        assert.ok(e instanceof TacError && e.code === 'test.keep', String(e));
        assert.match(e.message, /^the keep callback failed; tearing down also failed: tearing down container tacd-[0-9a-f]+: mounts remain under /);
        return true;
      },
    );
  } finally {
    for (const extra of extras) spawnSync('umount', [extra]);
    await cleanupStaleContainers(stateRoot).catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
    if (mountsUnder(stateRoot).length === 0) rmSync(stateRoot, { recursive: true, force: true });
  }
});

test('verify needs a rootfs builder only when the rootfs must be built: the preflight passes without mmdebstrap, an empty cache then fails with 69 naming it', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async (t) => {
  const dir = tempDir();
  try {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    // everything verify uses up to the rootfs build, but no mmdebstrap or debootstrap
    for (const prog of ['sh', 'systemd-nspawn', 'nsenter', 'mount', 'umount', 'chroot', 'cp', 'flock', 'cat']) {
      const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', prog], { encoding: 'utf8' }).stdout.trim();
      if (!found) return t.skip(`${prog} is not installed`);
      symlinkSync(found, path.join(bin, prog));
    }
    const env = { PATH: bin, TACD_STATE_DIR: path.join(dir, 'state'), TACD_ROOTFS_CACHE: path.join(dir, 'rootfs') };
    const script = `import(${JSON.stringify(path.join(DIST_SRC_DIR, 'verify/preflight.js'))}).then((m) => m.verifyPreflight()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(e.exitCode ?? 70); })`;
    const pre = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: '/' });
    assert.equal(pre.status, 0, `verifyPreflight without mmdebstrap: ${pre.stderr}`);

    const deb = path.join(dir, 'echo_1.0-1_all.deb');
    writeFileSync(deb, '!<arch>\ndebian-binary   not really a package\n');
    const r = child([deb], { env });
    assert.equal(r.status, ExitCode.UNAVAILABLE, r.stderr);
    oneLine(r.stderr, /^ts2deb verify: building the test rootfs needs mmdebstrap or debootstrap; install it with apt-get install mmdebstrap$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
