// ts2deb --release '': a Debian native package (issue #6: "3.0 (native) when
// there is no revision"). The version has no revision, the files are named
// NAME_VERSION, the source package is a single NAME_VERSION.tar + .dsc in
// format 3.0 (native), and the binary ships changelog.gz (Policy 12.7).
// ts2rpm refuses an empty release: an RPM needs one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { haveProgram, run } from '../../src/core/exec.js';
import { runPackageCli, type FormatAdapter } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { tempDir, testIO } from '../packaging/helpers.js';

const NATIVE = ['--plugin', 'echo', '--runtime', 'system', '--release', '', '--set-version', '1.0.0'];
const DEB = 'echo_1.0.0_all.deb';

const dirs: string[] = [];
function out(): string {
  const d = tempDir('tacd-native-');
  dirs.push(d);
  return d;
}
after(() => {
  if (process.env['TACD_KEEP_TMP'] !== '1') for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ls = (dir: string): string[] => readdirSync(dir).sort();
const env = (): NodeJS.ProcessEnv => ({ ...process.env, SOURCE_DATE_EPOCH: '1790000000' });

function sh(file: string, args: string[], cwd?: string): string {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 28, cwd, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  assert.equal(r.status, 0, `${file} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

async function failure(adapter: FormatAdapter, argv: readonly string[]): Promise<unknown> {
  const io = testIO({ env: env() });
  return runPackageCli(adapter, argv, io).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
}

describe("ts2deb --release '': a native package", () => {
  let o: string;
  before(async () => {
    o = out();
    const io = testIO({ env: env() });
    assert.equal(await runPackageCli(debAdapter, [...NATIVE, '--both', '--output', o], io), 0, io.stderr.text());
  });

  test('the files are named without a revision: NAME_VERSION.tar.* and .dsc, no orig/debian tarballs', () => {
    const files = ls(o);
    assert.ok(files.includes(DEB), files.join(' '));
    assert.ok(files.includes('echo_1.0.0.dsc'), files.join(' '));
    assert.ok(files.some((f) => /^echo_1\.0\.0\.tar\.(gz|xz)$/.test(f)), files.join(' '));
    assert.deepEqual(files.filter((f) => /-|orig|debian\.tar/.test(f)), [], 'nothing with a revision, no orig or debian tarball');
  });

  test('dpkg-deb -f: Version is 1.0.0; the changelog is changelog.gz', async (t) => {
    if (!(await haveProgram('dpkg-deb'))) return t.skip('dpkg-deb not installed');
    assert.equal(sh('dpkg-deb', ['-f', path.join(o, DEB), 'Version']).trim(), '1.0.0');
    const contents = sh('dpkg-deb', ['-c', path.join(o, DEB)]);
    assert.match(contents, /\.\/usr\/share\/doc\/echo\/changelog\.gz$/m);
    assert.doesNotMatch(contents, /changelog\.Debian\.gz/);
    // lintian tags no initial-upload-closes-no-bugs on a native changelog: no (unused) override for it
    const overrides = spawnSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/share/lintian/overrides/echo', 'sh', path.join(o, DEB)], { encoding: 'utf8' });
    assert.equal(overrides.status, 0, overrides.stderr);
    assert.doesNotMatch(overrides.stdout, /initial-upload-closes-no-bugs/);
  });

  test('dpkg-source -x of the .dsc works; debian/source/format is 3.0 (native)', async (t) => {
    if (!(await haveProgram('dpkg-source'))) return t.skip('dpkg-source not installed (apt-get install dpkg-dev)');
    assert.match(readFileSync(path.join(o, 'echo_1.0.0.dsc'), 'utf8'), /^Format: 3\.0 \(native\)$/m);
    const x = out();
    sh('dpkg-source', ['-x', path.join(o, 'echo_1.0.0.dsc'), path.join(x, 'tree')], x);
    assert.equal(readFileSync(path.join(x, 'tree', 'debian', 'source', 'format'), 'utf8').trim(), '3.0 (native)');
    assert.match(readFileSync(path.join(x, 'tree', 'debian', 'changelog'), 'utf8'), /^echo \(1\.0\.0\) /);
  });

  test('lintian --fail-on error,warning --pedantic: the .deb is clean', async (t) => {
    if (!(await haveProgram('lintian'))) return t.skip('lintian not installed');
    const r = await run('lintian', ['--fail-on', 'error,warning', '--pedantic', '-I', path.join(o, DEB)], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
    assert.equal(r.exitCode, 0, `lintian ${DEB}:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /^[EWI]: /m, `lintian -I ${DEB}: no tag, not even an unused override:\n${r.stdout}`);
  });
});

describe("ts2rpm --release ''", () => {
  test('fails with one line naming --release and writes nothing', async () => {
    const o = out();
    const e = await failure(rpmAdapter, [...NATIVE, '--both', '--output', o]);
    assert.ok([64, 65].includes(exitCodeOf(e)), describeError(e));
    assert.match(describeError(e), /--release/);
    assert.doesNotMatch(describeError(e).trim(), /\n/, 'one line');
    assert.deepEqual(ls(o), []);
  });
});

describe('ts2deb: a bad --release is one line', () => {
  test("--release '1-2' is refused (65) naming --release", async () => {
    const o = out();
    const e = await failure(debAdapter, [...NATIVE.slice(0, 4), '--release', '1-2', '--output', o]);
    assert.equal(exitCodeOf(e), 65, describeError(e));
    assert.match(describeError(e), /^--release '1-2': /);
    assert.deepEqual(ls(o), []);
  });
});
