// The packages ts2deb/ts2rpm build pass the distributions' own checkers:
// dpkg-deb, lintian --fail-on error,warning, rpm -K, rpmlint (0 errors),
// systemd-analyze verify and security --offline (exposure <= 2.0). Skips,
// loudly, when a tool is missing. Also: the same input and
// SOURCE_DATE_EPOCH give byte-identical packages.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { haveProgram, run } from '../../src/core/exec.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { buildPackage, tempDir, testIO } from './helpers.js';

async function missing(t: TestContext, ...tools: string[]): Promise<boolean> {
  for (const tool of tools) {
    if (!(await haveProgram(tool))) {
      process.stderr.write(`\n*** SKIP ${t.name}: ${tool} is not installed\n`);
      t.skip(`${tool} is not installed`);
      return true;
    }
  }
  return false;
}

const FIXTURE = path.join(PROJECT_ROOT, 'fixtures/echo/app.tac.ts');

async function lintian(deb: string): Promise<void> {
  const r = await run('lintian', ['--fail-on', 'error,warning', '--pedantic', deb], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
  assert.equal(r.exitCode, 0, `lintian ${path.basename(deb)}:\n${r.stdout}${r.stderr}`);
}

/** Extracts the unit from a .deb and checks it with systemd-analyze; returns the exposure score. */
async function analyzeUnit(deb: string, unit: string): Promise<number> {
  const root = tempDir('tacd-unit-');
  try {
    await run('dpkg-deb', ['-x', deb, root]);
    const dir = path.join(root, 'units');
    mkdirSync(dir);
    const file = path.join(dir, unit);
    await run('cp', [path.join(root, 'lib/systemd/system', unit), file]);
    const v = await run('systemd-analyze', ['verify', file], { allowFailure: true });
    // On the build host the unit's binaries need not exist; everything else must verify.
    const problems = (v.stdout + v.stderr).split('\n').filter((l) => l.trim() !== '' && !/is not executable: No such file or directory/.test(l));
    assert.deepEqual(problems, [], `systemd-analyze verify ${unit}`);
    const s = await run('systemd-analyze', ['security', '--offline=true', `--root=${root}`, unit], { allowFailure: true });
    const m = /Overall exposure level for \S+: ([\d.]+)/.exec(s.stdout);
    assert.ok(m, `no exposure level in:\n${s.stdout}${s.stderr}`);
    return Number(m[1]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('ts2deb --plugin echo -- --port 7001: dpkg-deb, lintian, systemd-analyze', { timeout: 120_000 }, async (t) => {
  if (await missing(t, 'dpkg-deb', 'lintian', 'systemd-analyze')) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--runtime', 'system', '--output', out, '--', '--port', '7001']);
    assert.equal(path.basename(deb), 'echo_0.1.0-1_all.deb');
    const info = await run('dpkg-deb', ['-I', deb]);
    assert.match(info.stdout, /Depends: nodejs \(>= 20\), adduser, init-system-helpers \(>= 1\.54~\)/);
    assert.match(info.stdout, /Architecture: all/);
    const contents = (await run('dpkg-deb', ['-c', deb])).stdout;
    for (const p of ['./lib/systemd/system/echo.service', './etc/default/echo', './etc/init.d/echo', './usr/lib/echo/app.asar', './usr/lib/echo/launcher.cjs', './usr/lib/sysusers.d/echo.conf', './usr/lib/tmpfiles.d/echo.conf', './usr/share/doc/echo/copyright', './usr/share/doc/echo/changelog.Debian.gz']) {
      assert.ok(contents.includes(` ${p}\n`), `${p} in the package`);
    }
    assert.equal((await run('dpkg-deb', ['-f', deb, 'Package'])).stdout.trim(), 'echo');
    await lintian(deb);
    const score = await analyzeUnit(deb, 'echo.service');
    t.diagnostic(`systemd-analyze security: ${score}`);
    assert.ok(score <= 2.0, `exposure ${score} > 2.0`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('ts2deb fixtures/echo/app.tac.ts (bundled node): lintian clean, unit exposure <= 2.0', { timeout: 300_000 }, async (t) => {
  if (await missing(t, 'dpkg-deb', 'lintian', 'systemd-analyze')) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', [FIXTURE, '--output', out]);
    assert.match(path.basename(deb), /^echo_0\.1\.0-1_(amd64|arm64|armhf|i386)\.deb$/);
    assert.ok((await run('dpkg-deb', ['-c', deb])).stdout.includes(' ./usr/lib/echo/node\n'));
    await lintian(deb);
    assert.ok((await analyzeUnit(deb, 'echo.service')) <= 2.0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a port below 1024 keeps only CAP_NET_BIND_SERVICE and still scores <= 2.0', { timeout: 120_000 }, async (t) => {
  if (await missing(t, 'dpkg-deb', 'systemd-analyze')) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--name', 'echo80', '--runtime', 'system', '--output', out, '--', '--port', '80']);
    const root = tempDir('tacd-unit-');
    await run('dpkg-deb', ['-x', deb, root]);
    const unit = readFileSync(path.join(root, 'lib/systemd/system/echo80.service'), 'utf8');
    rmSync(root, { recursive: true, force: true });
    assert.match(unit, /^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
    assert.match(unit, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    assert.doesNotMatch(unit, /^PrivateUsers=yes$/m);
    const score = await analyzeUnit(deb, 'echo80.service');
    t.diagnostic(`systemd-analyze security (port 80): ${score}`);
    assert.ok(score <= 2.0, `exposure ${score} > 2.0`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('ts2rpm --plugin echo: rpm -K, rpm -qpl/--scripts, rpmlint 0 errors', { timeout: 120_000 }, async (t) => {
  if (await missing(t, 'rpm', 'rpmlint')) return;
  const out = tempDir();
  try {
    const file = await buildPackage('ts2rpm', ['--plugin', 'echo', '--runtime', 'system', '--output', out]);
    assert.equal(path.basename(file), 'echo-0.1.0-1.noarch.rpm');
    const k = await run('rpm', ['-K', file], { allowFailure: true });
    assert.equal(k.exitCode, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /digests OK/);
    const list = (await run('rpm', ['-qpl', file])).stdout.split('\n');
    for (const p of ['/usr/lib/systemd/system/echo.service', '/etc/sysconfig/echo', '/usr/lib/echo/app.asar', '/usr/lib/echo/launcher.cjs', '/usr/lib/sysusers.d/echo.conf', '/usr/share/licenses/echo/copyright']) {
      assert.ok(list.includes(p), `${p} in the package`);
    }
    const cfg = (await run('rpm', ['-qpc', file])).stdout.trim();
    assert.equal(cfg, '/etc/sysconfig/echo');
    const scripts = (await run('rpm', ['-qp', '--scripts', file])).stdout;
    assert.match(scripts, /if \[ \$1 -eq 1 \]/);
    assert.match(scripts, /if \[ \$1 -ge 1 \]/);
    // Every requirement with its phase: the scriptlets' tools (shadow-utils for %pre's
    // getent/groupadd/useradd, systemd for systemctl in %post/%preun/%postun) as Fedora declares them.
    const requires = (await run('rpm', ['-qp', '--qf', '[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]', file])).stdout.trim().split('\n');
    assert.deepEqual(requires, [
      '/bin/sh pre,interp',
      '/bin/sh post,interp',
      '/bin/sh preun,interp',
      '/bin/sh postun,interp',
      'config(echo) config',
      'nodejs manual',
      'rpmlib(CompressedFileNames) rpmlib',
      'rpmlib(FileDigests) rpmlib',
      'rpmlib(PayloadFilesHavePrefix) rpmlib',
      'shadow-utils pre',
      'systemd post',
      'systemd preun',
      'systemd postun',
    ]);
    assert.match((await run('rpm', ['-qpR', file])).stdout, /nodejs >= 20/);
    const lint = await run('rpmlint', ['-r', path.join(PROJECT_ROOT, 'test/packaging/ts2rpm.rpmlintrc'), file], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
    assert.match(lint.stdout, / 0 errors/, lint.stdout);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('ts2rpm fixtures/echo/app.tac.ts (bundled node): requires the sonames elfdeps finds in that node, rpmlint 0 errors', { timeout: 300_000 }, async (t) => {
  if (await missing(t, 'rpm', 'rpmlint')) return;
  const out = tempDir();
  try {
    const file = await buildPackage('ts2rpm', [FIXTURE, '--output', out]);
    assert.match(path.basename(file), /^echo-0\.1\.0-1\.(x86_64|aarch64|armv7hl|i686)\.rpm$/);
    assert.ok((await run('rpm', ['-qpl', file])).stdout.split('\n').includes('/usr/lib/echo/node'));
    const requires = (await run('rpm', ['-qp', '--qf', '[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]', file])).stdout.trim().split('\n');
    const sonames = requires.filter((r) => / manual$/.test(r)).map((r) => r.replace(/ manual$/, ''));
    assert.ok(sonames.some((d) => /^libc\.so\.6\(GLIBC_2\.\d+\)(\(64bit\))?$/.test(d)), requires.join('\n'));
    for (const want of ['shadow-utils pre', 'systemd post', 'systemd preun', 'systemd postun']) assert.ok(requires.includes(want), want);
    // rpmbuild's own generator on the same binary is the oracle (elfdeps reads the file's x bit: node is 0755 in the package).
    if (existsSync('/usr/lib/rpm/elfdeps')) {
      const oracle = (await run('/usr/lib/rpm/elfdeps', ['--requires', process.execPath])).stdout.trim().split('\n');
      assert.deepEqual([...sonames].sort(), [...new Set(oracle)].sort(), 'the manual requires are exactly what elfdeps --requires prints for the node binary');
    }
    const lint = await run('rpmlint', ['-r', path.join(PROJECT_ROOT, 'test/packaging/ts2rpm.rpmlintrc'), file], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
    assert.match(lint.stdout, / 0 errors/, lint.stdout);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('SOURCE_DATE_EPOCH=189302400 (1976-01-01, the earliest ts2deb accepts) passes lintian: no package-contains-ancient-file', { timeout: 120_000 }, async (t) => {
  if (await missing(t, 'dpkg-deb', 'lintian')) return;
  const out = tempDir();
  try {
    const io = testIO({ env: { ...process.env, SOURCE_DATE_EPOCH: '189302400' } });
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--runtime', 'system', '--output', out, '--', '--port', '7001'], io);
    const listing = (await run('dpkg-deb', ['-c', deb], { env: { TZ: 'UTC' } })).stdout.trimEnd().split('\n');
    assert.ok(listing.every((l) => l.includes(' 1976-01-01 00:00 ')), listing.join('\n'));
    await lintian(deb);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the same input and SOURCE_DATE_EPOCH give byte-identical packages', { timeout: 120_000 }, async () => {
  const out1 = tempDir();
  const out2 = tempDir();
  try {
    for (const prog of ['ts2deb', 'ts2rpm'] as const) {
      const a = await buildPackage(prog, [FIXTURE, '--runtime', 'system', '--output', out1]);
      const b = await buildPackage(prog, [FIXTURE, '--runtime', 'system', '--output', out2]);
      assert.ok(readFileSync(a).equals(readFileSync(b)), `${prog}: two builds differ`);
    }
  } finally {
    rmSync(out1, { recursive: true, force: true });
    rmSync(out2, { recursive: true, force: true });
  }
});

test('--compression xz gives a .deb with data.tar.xz and an rpm that verifies', { timeout: 120_000 }, async (t) => {
  if (await missing(t, 'dpkg-deb', 'rpm', 'xz')) return;
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--runtime', 'system', '--compression', 'xz', '--output', out]);
    const ar = await run('ar', ['t', deb]);
    assert.deepEqual(ar.stdout.trim().split('\n'), ['debian-binary', 'control.tar.xz', 'data.tar.xz']);
    assert.ok((await run('dpkg-deb', ['-c', deb])).stdout.includes('./usr/lib/echo/app.asar'));
    const rpmFile = await buildPackage('ts2rpm', ['--plugin', 'echo', '--runtime', 'system', '--compression', 'xz', '--output', out]);
    assert.match((await run('rpm', ['-K', rpmFile])).stdout, /digests OK/);
    assert.equal((await run('rpm', ['-qp', '--qf', '%{PAYLOADCOMPRESSOR}', rpmFile])).stdout, 'xz');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
