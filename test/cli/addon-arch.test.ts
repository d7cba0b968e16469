// --runtime system with a native addon: the package is for the addon's
// architecture (read from its ELF header), not Architecture: all / noarch,
// and the .rpm requires what rpmbuild's elfdeps finds in the addon. A real
// shared object of this host (libz.so.1) plays the addon, copied at test time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { haveProgram, run } from '../../src/core/exec.js';
import { runPackageCli, type FormatAdapter } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { readElfArch } from '../../src/bundle/elf.js';
import { RPM_ARCH } from '../../src/formats/rpm/validate.js';
import { tempDir, testIO } from '../packaging/helpers.js';

const LIBZ = ['/usr/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/aarch64-linux-gnu/libz.so.1', '/usr/lib/arm-linux-gnueabihf/libz.so.1', '/usr/lib/i386-linux-gnu/libz.so.1', '/lib64/libz.so.1'].find((f) => existsSync(f));
const ELFDEPS = '/usr/lib/rpm/elfdeps';

const TAC = [
  "import { Application } from 'tacd';",
  "export const application = new Application('addonapp');",
  // Bundled (esbuild sees the require) but never loaded: libz is not a Node addon.
  'if (process.env.TACD_TEST_ADDON) require("./addon.node");',
  '',
].join('\n');

const dirs: string[] = [];
function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}
after(() => {
  if (process.env['TACD_KEEP_TMP'] !== '1') for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(addons: Record<string, Buffer | string>, tac = TAC): string {
  const p = dir('tacd-addon-');
  writeFileSync(path.join(p, 'app.tac.ts'), tac);
  for (const [name, data] of Object.entries(addons)) {
    if (typeof data === 'string') copyFileSync(data, path.join(p, name));
    else writeFileSync(path.join(p, name), data);
  }
  return p;
}

const COMMON = ['--runtime', 'system', '--name', 'addonapp', '--set-version', '1.0.0', '-m', 'Ann Example <ann@example.org>'];

async function build(adapter: FormatAdapter, tac: string, extra: string[] = []): Promise<string> {
  const out = dir('tacd-addon-out-');
  const io = testIO();
  assert.equal(await runPackageCli(adapter, [tac, ...COMMON, ...extra, '--output', out], io), 0, io.stderr.text());
  return path.join(out, readdirSync(out).find((f) => /\.(deb|rpm)$/.test(f) && !f.endsWith('.src.rpm'))!);
}

async function failure(adapter: FormatAdapter, tac: string, extra: string[] = []): Promise<string> {
  const out = dir('tacd-addon-out-');
  const e = await runPackageCli(adapter, [tac, ...COMMON, ...extra, '--output', out], testIO()).then(
    () => assert.fail('expected an error'),
    (err: unknown) => err,
  );
  assert.equal(exitCodeOf(e), 65, describeError(e));
  assert.doesNotMatch(describeError(e).trim(), /\n/, 'one line');
  assert.deepEqual(readdirSync(out), [], 'nothing written');
  return describeError(e);
}

describe('--runtime system with a real ELF native addon', () => {
  let tac: string;
  let debArch: string;
  before(function () {
    if (LIBZ) {
      tac = path.join(project({ 'addon.node': LIBZ }), 'app.tac.ts');
      debArch = readElfArch(LIBZ);
    }
  });

  test("ts2deb: Architecture is the addon's, not all", async (t) => {
    if (!LIBZ) return t.skip('no libz.so.1 on this host to play the addon');
    if (!(await haveProgram('dpkg-deb'))) return t.skip('dpkg-deb not installed');
    const deb = await build(debAdapter, tac);
    assert.equal(path.basename(deb), `addonapp_1.0.0-1_${debArch}.deb`);
    assert.equal((await run('dpkg-deb', ['-f', deb, 'Architecture'])).stdout.trim(), debArch);
  });

  test("ts2rpm: ARCH is the addon's, not noarch; it requires what elfdeps finds in the addon; the .src.rpm spec is ExclusiveArch", async (t) => {
    if (!LIBZ) return t.skip('no libz.so.1 on this host to play the addon');
    if (!(await haveProgram('rpm'))) return t.skip('rpm not installed');
    const rpm = await build(rpmAdapter, tac, ['--both']);
    const arch = RPM_ARCH[debArch]!;
    assert.equal(path.basename(rpm), `addonapp-1.0.0-1.${arch}.rpm`);
    assert.equal((await run('rpm', ['-qp', '--qf', '%{ARCH}', rpm])).stdout, arch);
    const requires = (await run('rpm', ['-qp', '--qf', '[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\\n]', rpm])).stdout.trim().split('\n');
    if (existsSync(ELFDEPS)) {
      // The addon is installed 0644, as the bundle ships it: elfdeps still generates a library's requires.
      const unpacked = (await run('sh', ['-c', 'rpm -qpl "$1" | grep "\\.node$"', 'sh', rpm])).stdout.trim();
      assert.match(unpacked, /^\/usr\/lib\/addonapp\/app\.asar\.unpacked\/native\/[0-9a-f]{12}-addon\.node$/);
      const copy = path.join(dir('tacd-addon-copy-'), 'addon.node');
      copyFileSync(LIBZ, copy);
      const oracle = [...new Set((await run(ELFDEPS, ['--requires', copy])).stdout.trim().split('\n'))];
      assert.ok(oracle.length > 0, 'elfdeps found requires in libz');
      for (const d of oracle) assert.ok(requires.includes(`${d} manual`), `${d} in:\n${requires.join('\n')}`);
    }
    const srpm = path.join(path.dirname(rpm), 'addonapp-1.0.0-1.src.rpm');
    const spec = (await run('sh', ['-c', 'rpm2cpio "$1" | cpio -i --quiet --to-stdout addonapp.spec', 'sh', srpm])).stdout;
    assert.match(spec, new RegExp(`^ExclusiveArch: ${arch}$`, 'm'));
    assert.doesNotMatch(spec, /^BuildArch: noarch$/m);
    if (!(await haveProgram('rpmbuild'))) return t.skip('rpmbuild not installed: the .src.rpm is not rebuilt');
    // rpmbuild --rebuild gives the same requires, phases included (config(N) is declared in the spec, so 'manual' there).
    const top = dir('tacd-addon-top-');
    const r = await run('rpmbuild', ['--rebuild', '--target', arch, '--define', `_topdir ${top}`, srpm], { allowFailure: true, env: { SOURCE_DATE_EPOCH: '1790000000', LC_ALL: 'C.UTF-8' } });
    assert.equal(r.exitCode, 0, r.stderr);
    const rebuilt = (await run('rpm', ['-qp', '--qf', '[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]', path.join(top, 'RPMS', arch, path.basename(rpm))])).stdout.trim().split('\n');
    assert.deepEqual(rebuilt, requires.map((l) => l.replace(/^(config\(\S+\)) config$/, '$1 manual')));
  });

  test('a matching --arch is honoured; another one is refused naming the addon', async (t) => {
    if (!LIBZ) return t.skip('no libz.so.1 on this host to play the addon');
    const deb = await build(debAdapter, tac, ['--arch', debArch]);
    assert.ok(deb.endsWith(`_${debArch}.deb`), deb);
    const other = debArch === 'arm64' ? 'amd64' : 'arm64';
    assert.match(await failure(rpmAdapter, tac, ['--arch', other]), new RegExp(`^--arch ${other} does not match the native addon /usr/lib/addonapp/app\\.asar\\.unpacked/native/[0-9a-f]{12}-addon\\.node, which is ${debArch}$`));
  });

  test('addons for two architectures are refused naming both files', async (t) => {
    if (!LIBZ) return t.skip('no libz.so.1 on this host to play the addon');
    // A second addon whose header says another machine (arm64, or amd64 on an arm64 host).
    const foreign = Buffer.alloc(64);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(foreign);
    foreign.writeUInt16LE(3, 16);
    foreign.writeUInt16LE(debArch === 'arm64' ? 62 : 183, 18);
    const p = project({ 'addon.node': LIBZ, 'other.node': foreign }, TAC.replace('require("./addon.node");', 'require("./addon.node"), require("./other.node");'));
    const message = await failure(debAdapter, path.join(p, 'app.tac.ts'));
    assert.match(message, /^native addons for different architectures: /);
    assert.match(message, /[0-9a-f]{12}-addon\.node is \w+/);
    assert.match(message, /[0-9a-f]{12}-other\.node is \w+/);
  });
});
