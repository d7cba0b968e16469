// ts2deb/ts2rpm --binary (default) / --source / --both: which files land in
// --output, that the distributions' own tools take them (dpkg-source -x,
// dpkg-buildpackage -b; rpm -qpl, rpmbuild --rebuild), the --json report of
// every file, byte-reproducibility under SOURCE_DATE_EPOCH, --sign-key, and
// that a failure leaves nothing behind. The writers' own tests
// (test/formats/srcdeb, test/formats/srcrpm) cover the rebuilt packages'
// equivalence and lifecycle; these are the CLI's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { haveProgram, run } from '../../src/core/exec.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { runPackageCli, type FormatAdapter } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { tempDir, testIO } from '../packaging/helpers.js';

const SYSTEM = ['--plugin', 'echo', '--runtime', 'system'];
const DEB_SOURCE = ['echo_0.1.0-1.debian.tar.gz', 'echo_0.1.0-1.dsc', 'echo_0.1.0-1_source.changes', 'echo_0.1.0.orig.tar.gz'];
const DEB = 'echo_0.1.0-1_all.deb';
const RPM = 'echo-0.1.0-1.noarch.rpm';
const SRPM = 'echo-0.1.0-1.src.rpm';

const dirs: string[] = [];
function out(prefix = 'tacd-src-'): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}
after(() => {
  if (process.env['TACD_KEEP_TMP'] !== '1') for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI in process; returns the printed paths (or the parsed --json report). */
async function cli(adapter: FormatAdapter, argv: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = PROJECT_ROOT): Promise<string> {
  const io = testIO({ cwd, env: { ...process.env, SOURCE_DATE_EPOCH: '1790000000', ...env } });
  const status = await runPackageCli(adapter, argv, io);
  assert.equal(status, 0, io.stderr.text());
  return io.stdout.text();
}

async function failure(adapter: FormatAdapter, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  const io = testIO({ env: { ...process.env, SOURCE_DATE_EPOCH: '1790000000', ...env } });
  return runPackageCli(adapter, argv, io).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
}

const ls = (dir: string): string[] => readdirSync(dir).sort();
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function sh(file: string, args: string[], cwd?: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 28, cwd, env: { ...process.env, LC_ALL: 'C.UTF-8', ...env } });
  assert.equal(r.status, 0, `${file} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Why dpkg-buildpackage cannot run here (build-essential is its implicit build dependency). */
function buildpackageSkip(): string | undefined {
  const missing = ['dpkg-source', 'dpkg-buildpackage', 'dh', 'dpkg-deb'].filter((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0);
  const be = spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'build-essential'], { encoding: 'utf8' });
  if (be.status !== 0 || !be.stdout.includes('install ok installed')) missing.push('build-essential');
  return missing.length > 0 ? `not installed: ${missing.join(', ')} (apt-get install dpkg-dev debhelper build-essential)` : undefined;
}

describe('ts2deb --source / --both', () => {
  let source: string;
  before(async () => {
    source = out();
    await cli(debAdapter, [...SYSTEM, '--source', '--output', source]);
  });

  test('--source writes the .orig.tar, .debian.tar, .dsc and _source.changes, and no .deb', () => {
    assert.deepEqual(ls(source), DEB_SOURCE, 'exactly the source files; no .deb, no temp file');
  });

  test('--binary is the default and writes the .deb alone', async () => {
    const o = out();
    assert.equal(await cli(debAdapter, [...SYSTEM, '--output', o]), `${path.join(o, DEB)}\n`);
    assert.deepEqual(ls(o), [DEB]);
    const b = out();
    await cli(debAdapter, [...SYSTEM, '--binary', '--output', b]);
    assert.equal(sha256(path.join(b, DEB)), sha256(path.join(o, DEB)));
  });

  test('dpkg-source -x unpacks the .dsc into debian/ and payload/', async (t) => {
    if (!(await haveProgram('dpkg-source'))) return t.skip('dpkg-source not installed (apt-get install dpkg-dev)');
    const x = out();
    for (const f of DEB_SOURCE) copyFileSync(path.join(source, f), path.join(x, f));
    sh('dpkg-source', ['-x', 'echo_0.1.0-1.dsc', 'tree'], x);
    assert.deepEqual(ls(path.join(x, 'tree')).filter((f) => f !== '.pc'), ['debian', 'payload'], 'debian/ and payload/ (and quilt\'s .pc)');
    for (const f of ['control', 'rules', 'changelog', 'copyright', 'echo.service', 'source']) assert.ok(ls(path.join(x, 'tree', 'debian')).includes(f), `debian/${f}`);
    assert.match(readFileSync(path.join(x, 'tree', 'debian', 'changelog'), 'utf8'), /^echo \(0\.1\.0-1\) /);
  });

  test('--both: the .deb plus the source files; --json lists every file with its size and digest', async () => {
    const o = out();
    const report = JSON.parse(await cli(debAdapter, [...SYSTEM, '--both', '--json', '--output', o])) as {
      file: string;
      sha256: string;
      outputs: { file: string; role: string; size: number; sha256: string }[];
    };
    assert.deepEqual(ls(o), [...DEB_SOURCE, DEB].sort());
    assert.equal(report.file, path.join(o, DEB));
    assert.deepEqual(
      report.outputs.map((w) => [path.basename(w.file), w.role]),
      [[DEB, 'binary'], ['echo_0.1.0.orig.tar.gz', 'source'], ['echo_0.1.0-1.debian.tar.gz', 'source'], ['echo_0.1.0-1.dsc', 'source'], ['echo_0.1.0-1_source.changes', 'source']],
    );
    for (const w of report.outputs) {
      assert.equal(w.sha256, sha256(w.file), w.file);
      assert.equal(w.size, readFileSync(w.file).length, w.file);
    }
    assert.equal(report.sha256, report.outputs[0]!.sha256);
    // the same plan: the binary and source files are the ones --binary and --source write
    for (const f of DEB_SOURCE) assert.equal(sha256(path.join(o, f)), sha256(path.join(source, f)), f);
  });

  test('byte-reproducible under SOURCE_DATE_EPOCH: two runs, same bytes; a rerun replaces its own files', async () => {
    const a = out();
    const b = out();
    await cli(debAdapter, [...SYSTEM, '--both', '--compression', 'xz', '--output', a]);
    await cli(debAdapter, [...SYSTEM, '--both', '--compression', 'xz', '--output', b]);
    assert.deepEqual(ls(a), ls(b));
    assert.ok(ls(a).includes('echo_0.1.0.orig.tar.xz'), ls(a).join(' '));
    for (const f of ls(a)) assert.equal(sha256(path.join(a, f)), sha256(path.join(b, f)), `${f} differs between runs`);
    const before = ls(a).map((f) => sha256(path.join(a, f)));
    await cli(debAdapter, [...SYSTEM, '--both', '--compression', 'xz', '--output', a]);
    assert.deepEqual(
      ls(a).map((f) => sha256(path.join(a, f))),
      before,
      'rerun in place: same files, same bytes',
    );
  });

  test("a tac app's sources (tac file, package.json, lock file) are in the orig tarball under source/", async () => {
    const app = out('tacd-src-app-');
    copyFileSync(path.join(PROJECT_ROOT, 'fixtures/echo/app.tac.ts'), path.join(app, 'app.tac.ts'));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'myecho', version: '1.2.3', description: 'My echo', author: 'Ann Example <ann@example.org>', license: 'MIT' }));
    writeFileSync(path.join(app, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    const o = out();
    await cli(debAdapter, ['app.tac.ts', '--runtime', 'system', '--source', '--output', o], {}, app);
    const list = sh('tar', ['-tzf', path.join(o, 'myecho_1.2.3.orig.tar.gz')]).split('\n');
    assert.deepEqual(
      list.filter((l) => l.startsWith('myecho-1.2.3/source/')),
      ['myecho-1.2.3/source/', 'myecho-1.2.3/source/app.tac.ts', 'myecho-1.2.3/source/package-lock.json', 'myecho-1.2.3/source/package.json'],
    );
    const tac = sh('tar', ['-xOzf', path.join(o, 'myecho_1.2.3.orig.tar.gz'), 'myecho-1.2.3/source/app.tac.ts']);
    assert.equal(tac, readFileSync(path.join(app, 'app.tac.ts'), 'utf8'));
  });

  test('dpkg-buildpackage -us -uc -b on the unpacked source builds the .deb', { timeout: 180_000 }, async (t) => {
    const skip = buildpackageSkip();
    if (skip) return t.skip(skip);
    const x = out();
    for (const f of DEB_SOURCE) copyFileSync(path.join(source, f), path.join(x, f));
    sh('dpkg-source', ['-x', 'echo_0.1.0-1.dsc', 'tree'], x);
    sh('dpkg-buildpackage', ['-us', '-uc', '-b'], path.join(x, 'tree'), { SOURCE_DATE_EPOCH: '1790000000' });
    const deb = path.join(x, DEB);
    assert.match(sh('dpkg-deb', ['-f', deb, 'Package', 'Version', 'Architecture']), /^Package: echo\nVersion: 0\.1\.0-1\nArchitecture: all\n$/);
    assert.match(sh('dpkg-deb', ['-c', deb]), /\.\/(usr\/)?lib\/systemd\/system\/echo\.service\n/);
  });
});

describe('ts2rpm --source / --both', () => {
  let skip: string | undefined;
  before(async () => {
    for (const p of ['rpm', 'rpmbuild']) if (!skip && !(await haveProgram(p))) skip = `${p} not installed (apt-get install rpm)`;
  });

  test('--source writes the .src.rpm alone; rpm -qpl lists the spec and Source0', async (t) => {
    const o = out();
    assert.equal(await cli(rpmAdapter, [...SYSTEM, '--source', '--output', o]), `${path.join(o, SRPM)}\n`);
    assert.deepEqual(ls(o), [SRPM]);
    if (skip) return t.skip(skip);
    assert.equal(sh('rpm', ['-qpl', path.join(o, SRPM)]), 'echo-0.1.0.tar.gz\necho.spec\n');
  });

  test('--both: the .rpm and the .src.rpm, reproducibly; rpmbuild --rebuild gives the binary rpm back', { timeout: 180_000 }, async (t) => {
    const a = out();
    const b = out();
    const report = JSON.parse(await cli(rpmAdapter, [...SYSTEM, '--both', '--json', '--output', a])) as { outputs: { file: string; role: string }[] };
    assert.deepEqual(
      report.outputs.map((w) => [path.basename(w.file), w.role]),
      [[RPM, 'binary'], [SRPM, 'source']],
    );
    await cli(rpmAdapter, [...SYSTEM, '--both', '--output', b]);
    assert.deepEqual(ls(a), [RPM, SRPM].sort());
    for (const f of ls(a)) assert.equal(sha256(path.join(a, f)), sha256(path.join(b, f)), `${f} differs between runs`);
    if (skip) return t.skip(skip);
    const top = out('tacd-src-top-');
    const r = await run('rpmbuild', ['--rebuild', '--define', `_topdir ${top}`, path.join(a, SRPM)], { allowFailure: true, env: { SOURCE_DATE_EPOCH: '1790000000', LC_ALL: 'C.UTF-8' } });
    assert.equal(r.exitCode, 0, `rpmbuild --rebuild:\n${r.stdout}\n${r.stderr}`);
    const rebuilt = path.join(top, 'RPMS', 'noarch', RPM);
    const files = (rpm: string): string => sh('rpm', ['-qpl', rpm]);
    assert.equal(files(rebuilt), files(path.join(a, RPM)), "the rebuilt rpm has ts2rpm's files");
    assert.match(files(rebuilt), /^\/usr\/lib\/systemd\/system\/echo\.service$/m);
  });
});

describe('source options: usage errors and --sign-key', () => {
  for (const adapter of [debAdapter, rpmAdapter]) {
    test(`${adapter.prog}: --source with --both (or --binary) is a usage error (64)`, async () => {
      const o = out();
      for (const pair of [['--source', '--both'], ['--binary', '--source'], ['--both', '--binary']]) {
        const e = await failure(adapter, [...SYSTEM, ...pair, '--output', o]);
        assert.equal(exitCodeOf(e), 64, describeError(e));
        assert.match(describeError(e), /option '--\w+' cannot be used with option '--\w+'/);
      }
      assert.deepEqual(ls(o), []);
    });


    test(`${adapter.prog}: --both --sign-key with a key gpg does not have: one line, 78, no file at all`, async (t) => {
      if (!(await haveProgram('gpg'))) return t.skip('gpg not installed (apt-get install gnupg)');
      const home = out('tacd-gnupg-');
      const o = out();
      try {
        const e = await failure(adapter, [...SYSTEM, '--both', '--sign-key', 'nobody@example.org', '--output', o], { GNUPGHOME: home });
        assert.equal(exitCodeOf(e), 78, describeError(e));
        assert.match(describeError(e), /^--sign-key: gpg --(clearsign|detach-sign) with key 'nobody@example\.org' failed: .+/);
        assert.ok(!describeError(e).includes('\n'));
        assert.deepEqual(ls(o), [], 'neither the binary package nor any source file is written');
      } finally {
        spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
      }
    });
  }

  test('ts2deb: --sign-key without --source/--both is a usage error naming it and the repository (a .deb is signed there)', async () => {
    const o = out();
    const e = await failure(debAdapter, [...SYSTEM, '--sign-key', 'x@example.org', '--output', o]);
    assert.equal(exitCodeOf(e), 64);
    assert.equal(describeError(e), '--sign-key signs the Debian source package (.orig.tar, .debian.tar, .dsc, _source.changes) (a .deb is signed by its repository: ts2deb repo --sign-key): add --source or --both');
    assert.deepEqual(ls(o), []);
  });

  test('ts2rpm --sign-key signs the binary .rpm: rpm -K says "digests signatures OK" once the key is imported; a key gpg lacks is 78 with nothing written', async (t) => {
    for (const tool of ['gpg', 'rpm', 'rpmkeys']) if (!(await haveProgram(tool))) return t.skip(`${tool} not installed (.ci/install-deps installs it)`);
    const home = out('tacd-gnupg-');
    try {
      const gpg = ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', ''];
      sh('gpg', [...gpg, '--quick-gen-key', 'tacd test <rpmsign@example.org>', 'rsa2048', 'sign', 'never']);
      const key = path.join(home, 'key.asc');
      sh('gpg', [...gpg, '--armor', '--export', '--output', key, 'rpmsign@example.org']);
      const o = out();
      await cli(rpmAdapter, [...SYSTEM, '--sign-key', 'rpmsign@example.org', '--output', o], { GNUPGHOME: home });
      const db = out('tacd-rpmdb-');
      sh('rpmkeys', ['--dbpath', db, '--import', key]);
      assert.equal(sh('rpmkeys', ['--dbpath', db, '-K', path.join(o, RPM)]).trim(), `${path.join(o, RPM)}: digests signatures OK`);
      const bad = out();
      const e = await failure(rpmAdapter, [...SYSTEM, '--sign-key', 'nobody@example.org', '--output', bad], { GNUPGHOME: home });
      assert.equal(exitCodeOf(e), 78, describeError(e));
      assert.match(describeError(e), /^--sign-key: gpg --detach-sign with key 'nobody@example\.org' failed: /);
      assert.deepEqual(ls(bad), []);
    } finally {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
    }
  });

  test("ts2deb --both: a user's file in the way of the .dsc is refused (73) before anything is written", async () => {
    const o = out();
    writeFileSync(path.join(o, 'echo_0.1.0-1.dsc'), 'my notes\n');
    const e = await failure(debAdapter, [...SYSTEM, '--both', '--output', o]);
    assert.equal(exitCodeOf(e), 73, describeError(e));
    assert.match(describeError(e), /refusing to replace .*echo_0\.1\.0-1\.dsc: it exists and is not a \.dsc$/);
    assert.deepEqual(ls(o), ['echo_0.1.0-1.dsc'], 'no .deb, no tarball, no temp file');
    assert.equal(readFileSync(path.join(o, 'echo_0.1.0-1.dsc'), 'utf8'), 'my notes\n');
  });

  test("ts2deb --source/--both: an upstream tarball of the same name is replaced only by the same bytes; another gzip is refused (73), nothing written", async () => {
    const o = out();
    const orig = path.join(o, 'echo_0.1.0.orig.tar.gz');
    // a gzip stream, as upstream's own tarball would be: it looked like "a previous build"
    const upstream = gzipSync(Buffer.from('upstream release tarball\n'));
    writeFileSync(orig, upstream);
    for (const mode of ['--source', '--both']) {
      const e = await failure(debAdapter, [...SYSTEM, mode, '--output', o]);
      assert.equal(exitCodeOf(e), 73, describeError(e));
      assert.match(describeError(e), /^refusing to replace .*\/echo_0\.1\.0\.orig\.tar\.gz: it exists with other contents \(an upstream tarball of this version\?\); move it away, or build another version$/);
      assert.deepEqual(ls(o), ['echo_0.1.0.orig.tar.gz'], `${mode}: no .deb, no other source file, no temp file`);
      assert.ok(readFileSync(orig).equals(upstream), "the user's tarball is untouched");
    }
    // our own tarball of this version (same bytes): a rerun replaces it
    const ref = out();
    await cli(debAdapter, [...SYSTEM, '--source', '--output', ref]);
    copyFileSync(path.join(ref, 'echo_0.1.0.orig.tar.gz'), orig);
    await cli(debAdapter, [...SYSTEM, '--source', '--output', o]);
    assert.deepEqual(ls(o), DEB_SOURCE);
    assert.equal(sha256(orig), sha256(path.join(ref, 'echo_0.1.0.orig.tar.gz')));
  });

  test('--sign-key signs the .dsc and .changes (gpgv verifies both) and the .src.rpm', async (t) => {
    for (const tool of ['gpg', 'gpgv', 'dpkg-source', 'rpm']) if (!(await haveProgram(tool))) return t.skip(`${tool} not installed (.ci/install-deps installs it)`);
    const home = out('tacd-gnupg-');
    try {
      const gpg = ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', ''];
      sh('gpg', [...gpg, '--quick-gen-key', 'tacd test <sign@example.org>', 'ed25519', 'sign', 'never']);
      const keyring = path.join(home, 'trusted.gpg');
      writeFileSync(keyring, spawnSync('gpg', [...gpg, '--export'], { maxBuffer: 1 << 20 }).stdout);
      const o = out();
      await cli(debAdapter, [...SYSTEM, '--source', '--sign-key', 'sign@example.org', '--output', o], { GNUPGHOME: home });
      for (const f of ['echo_0.1.0-1.dsc', 'echo_0.1.0-1_source.changes']) {
        assert.match(readFileSync(path.join(o, f), 'utf8'), /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nFormat: /, f);
        sh('gpgv', ['--keyring', keyring, path.join(o, f)]);
      }
      const x = out();
      for (const f of ls(o)) copyFileSync(path.join(o, f), path.join(x, f));
      mkdirSync(path.join(x, 'home', '.gnupg'), { recursive: true, mode: 0o700 });
      copyFileSync(keyring, path.join(x, 'home', '.gnupg', 'trustedkeys.gpg'));
      sh('dpkg-source', ['--require-valid-signature', '-x', 'echo_0.1.0-1.dsc', 'tree'], x, { HOME: path.join(x, 'home') });
      const r = out();
      await cli(rpmAdapter, [...SYSTEM, '--source', '--sign-key', 'sign@example.org', '--output', r], { GNUPGHOME: home });
      const sig = sh('rpm', ['-qp', '--qf', '%{RSAHEADER:pgpsig}', path.join(r, SRPM)]);
      assert.notEqual(sig, '(none)', 'the .src.rpm carries a header signature');
    } finally {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
    }
  });
});
