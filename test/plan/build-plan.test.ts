// The plan layout for deb and rpm, with the bundler and node reader faked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { buildPlan, rfc2822, scriptHasCode, type PlanDeps } from '../../src/plan/build-plan.js';
import { normalizeSpec, type SpecInput } from '../../src/plan/spec.js';
import { createRenderer } from '../../src/render/render.js';
import type { FileEntry, PackagePlan } from '../../src/formats/plan.js';
import type { ElfDynamic } from '../../src/bundle/elf.js';
import { describeError, exitCodeOf } from '../../src/core/errors.js';

/** A 64-byte ELF header (ET_DYN, no sections): enough for the architecture, no dependencies. */
function elfHeader(machine: number, cls: 1 | 2 = 2): Uint8Array {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1]).copy(b);
  b.writeUInt16LE(3, 16);
  b.writeUInt16LE(machine, 18);
  return b;
}
const ARM64 = elfHeader(183);
const AMD64 = elfHeader(62);

type Bundled = Awaited<ReturnType<PlanDeps['bundle']>>['files'][number];
const APP: Bundled[] = [{ rel: 'app.asar', data: new Uint8Array([1]), mode: 0o644 }, { rel: 'launcher.cjs', data: new Uint8Array([2]), mode: 0o644 }];
const withFiles = (files: Bundled[]): PlanDeps['bundle'] => async () => ({ files, archiveSha256: 'ab'.repeat(32), addons: [], external: [], runFiles: [] });

/** What readElf reports for an arm64 node: a DT_NEEDED and a version need on libc, GNU hash only. */
const NODE_DYNAMIC: ElfDynamic = { class64: true, machine: 183, loadable: true, hasInterp: true, needs: [{ soname: 'libc.so.6', version: 'GLIBC_2.28' }, { soname: 'libc.so.6' }], hasHash: false, hasGnuHash: true };

const deps: PlanDeps = {
  render: createRenderer(),
  bundle: withFiles([...APP, { rel: 'app.asar.unpacked/native/a.node', data: ARM64, mode: 0o644 }]),
  readNode: () => ({ arch: 'arm64', data: new Uint8Array([0x7f]), dynamic: NODE_DYNAMIC }),
  mtime: 1790000000,
};
/** The same app without a native addon. */
const plainDeps: PlanDeps = { ...deps, bundle: withFiles(APP) };

function spec(cli: SpecInput = {}, args = ['--port', '7001']) {
  return normalizeSpec({ cli, source: { kind: 'plugin', plugin: 'echo', args }, cwd: PROJECT_ROOT, execPath: process.execPath, pluginDescription: 'A TCP echo server.' });
}

function files(plan: PackagePlan): Map<string, FileEntry> {
  return new Map(plan.payload.filter((e): e is FileEntry => e.kind === 'file').map((e) => [e.path, e]));
}

const text = (e: FileEntry | undefined): string => Buffer.from(e!.data as Uint8Array).toString('utf8');

test('deb layout: /lib unit, /etc/default and init.d conffiles, docs, bundled node', async () => {
  const { plan } = await buildPlan(spec(), 'deb', deps);
  const f = files(plan);
  assert.equal(plan.meta.arch, 'arm64');
  assert.equal(plan.meta.mtime, 1790000000);
  assert.deepEqual([...f.keys()].sort(), [
    '/etc/default/echo',
    '/etc/init.d/echo',
    '/lib/systemd/system/echo.service',
    '/usr/lib/echo/app.asar',
    '/usr/lib/echo/app.asar.unpacked/native/a.node',
    '/usr/lib/echo/launcher.cjs',
    '/usr/lib/echo/node',
    '/usr/lib/sysusers.d/echo.conf',
    '/usr/lib/tmpfiles.d/echo.conf',
    '/usr/share/doc/echo/README.Debian',
    '/usr/share/doc/echo/changelog.Debian.gz',
    '/usr/share/doc/echo/copyright',
    '/usr/share/lintian/overrides/echo',
  ]);
  assert.equal(f.get('/etc/default/echo')!.config, true);
  assert.equal(f.get('/etc/init.d/echo')!.config, true);
  assert.equal(f.get('/etc/init.d/echo')!.mode, 0o755);
  assert.equal(f.get('/usr/lib/echo/node')!.mode, 0o755);
  assert.match(text(f.get('/lib/systemd/system/echo.service')), /^ExecStart=\/usr\/lib\/echo\/node --enable-source-maps /m);
  const gz = f.get('/usr/share/doc/echo/changelog.Debian.gz')!.data as Uint8Array;
  assert.deepEqual([...gz.subarray(4, 8)], [0, 0, 0, 0], 'gzip header mtime is 0');
  assert.equal(gz[3]! & 0x08, 0, 'gzip header carries no file name');
  assert.match(gunzipSync(gz).toString(), new RegExp(`\\n -- tacd developers <tacd@example.org>  ${rfc2822(1790000000).replace(/[+]/g, '\\+')}\\n`));
  assert.deepEqual(Object.keys(plan.scripts!).sort(), ['postinst', 'postrm', 'prerm'], 'the empty preinst is not shipped');
  const names = plan.meta.relations!.depends!.map((r) => r.name);
  assert.deepEqual(names, ['adduser', 'init-system-helpers', 'libc6', 'libgcc-s1', 'libstdc++6']);
  const dirs = plan.payload.filter((e) => e.kind === 'dir').map((e) => e.path);
  assert.ok(dirs.includes('/usr/lib/echo') && dirs.includes('/usr/lib/echo/app.asar.unpacked/native'));
});

test('rpm layout: /usr/lib unit, /etc/sysconfig config, preset, license, system runtime', async () => {
  const { plan } = await buildPlan(spec({ runtime: 'system' }), 'rpm', plainDeps);
  const f = files(plan);
  assert.equal(plan.meta.arch, 'all');
  for (const p of ['/usr/lib/systemd/system/echo.service', '/etc/sysconfig/echo', '/etc/rc.d/init.d/echo', '/usr/lib/systemd/system-preset/90-echo.preset', '/usr/share/licenses/echo/copyright', '/usr/share/doc/echo/README']) {
    assert.ok(f.has(p), p);
  }
  assert.ok(!f.has('/usr/lib/echo/node'));
  assert.equal(f.get('/etc/sysconfig/echo')!.config, true);
  assert.equal(f.get('/usr/share/licenses/echo/copyright')!.license, true);
  assert.equal(f.get('/usr/share/doc/echo/README')!.doc, true);
  assert.match(text(f.get('/usr/lib/systemd/system/echo.service')), /^ExecStart=\/usr\/bin\/node /m);
  assert.match(text(f.get('/usr/lib/systemd/system/echo.service')), /^EnvironmentFile=-\/etc\/sysconfig\/echo$/m);
  assert.deepEqual(plan.meta.relations!.depends, [{ name: 'nodejs', op: '>=', version: '20' }]);
  assert.deepEqual(Object.keys(plan.scripts!).sort(), ['postinst', 'postrm', 'preinst', 'prerm']);
  // What the scriptlets run: getent/groupadd/useradd in %pre, systemctl/systemd-update-helper in the others.
  const r = plan.meta.relations!;
  assert.match(plan.scripts!.preinst!, /\bgroupadd -r\b/);
  assert.deepEqual(r.preDepends, [{ name: 'shadow-utils' }]);
  for (const [key, phase] of [['requiresPost', 'postinst'], ['requiresPreun', 'prerm'], ['requiresPostun', 'postrm']] as const) {
    assert.match(plan.scripts![phase]!, /systemctl|systemd-update-helper/, phase);
    assert.deepEqual(r[key], [{ name: 'systemd' }], key);
  }
});

test('rpm scriptlet requires follow the scriptlets shipped; deb plans have none', async () => {
  // root exists everywhere: no account to create, so no %pre and no shadow-utils.
  const { plan } = await buildPlan(spec({ runtime: 'system', user: 'root' }), 'rpm', plainDeps);
  assert.equal(plan.scripts!.preinst, undefined);
  assert.equal(plan.meta.relations!.preDepends, undefined);
  assert.deepEqual(plan.meta.relations!.requiresPost, [{ name: 'systemd' }]);
  const deb = (await buildPlan(spec({ runtime: 'system' }), 'deb', plainDeps)).plan.meta.relations!;
  for (const key of ['preDepends', 'requiresPost', 'requiresPreun', 'requiresPostun'] as const) assert.equal(deb[key], undefined, key);
});

test('--arch must agree with the bundled node; socket activation adds a socket unit', async () => {
  await assert.rejects(buildPlan(spec({ arch: 'amd64' }), 'deb', deps), /--arch amd64 does not match the node binary .* which is arm64/);
  const { plan } = await buildPlan(spec({ socketActivation: true, runtime: 'system' }), 'deb', deps);
  const f = files(plan);
  assert.match(text(f.get('/lib/systemd/system/echo.socket')), /^ListenStream=0\.0\.0\.0:7001$/m);
  assert.match(text(f.get('/etc/default/echo')), /^TACD_ARGS="--listen systemd:domain=INET:index=0"$/m);
  assert.match(text(f.get('/lib/systemd/system/echo.service')), /^Requires=echo\.socket$/m);
});

test('scriptHasCode ignores comments, set -e and exit 0', () => {
  assert.equal(scriptHasCode('#!/bin/sh\n# x\nset -e\n\nexit 0\n'), false);
  assert.equal(scriptHasCode('#!/bin/sh\nset -e\ntrue\n'), true);
});

test('rpm, bundled node: the soname requires rpmbuild would generate for it, in depends; deb keeps its package names', async () => {
  const { plan } = await buildPlan(spec(), 'rpm', deps);
  assert.equal(plan.meta.arch, 'arm64');
  // NODE_DYNAMIC through elfdeps' rules: version need, DT_NEEDED, rtld(GNU_HASH) for a GNU-hash-only file.
  assert.deepEqual(plan.meta.relations!.depends, [{ name: 'libc.so.6(GLIBC_2.28)(64bit)' }, { name: 'libc.so.6()(64bit)' }, { name: 'rtld(GNU_HASH)' }]);
  const deb = (await buildPlan(spec(), 'deb', deps)).plan.meta.relations!.depends!.map((r) => r.name);
  assert.ok(!deb.some((n) => n.includes('(')), deb.join(', '));
});

describe('--runtime system with native addons: the architecture comes from their ELF headers', () => {
  const addon = (name: string, data: Uint8Array): Bundled => ({ rel: `app.asar.unpacked/native/${name}`, data, mode: 0o644 });
  const failure = async (p: Promise<unknown>): Promise<string> => {
    const e = await p.then(() => assert.fail('expected a DataError'), (err: unknown) => err);
    assert.equal(exitCodeOf(e), 65, describeError(e));
    assert.doesNotMatch(describeError(e), /\n/, 'one line');
    return describeError(e);
  };

  test('no addon: all / noarch; an amd64 addon: amd64 for deb and rpm; a matching --arch is honoured', async () => {
    assert.equal((await buildPlan(spec({ runtime: 'system' }), 'deb', plainDeps)).plan.meta.arch, 'all');
    assert.equal((await buildPlan(spec({ runtime: 'system', arch: 'arm64' }), 'deb', plainDeps)).plan.meta.arch, 'arm64');
    const amd = { ...deps, bundle: withFiles([...APP, addon('x-addon.node', AMD64)]) };
    for (const family of ['deb', 'rpm'] as const) assert.equal((await buildPlan(spec({ runtime: 'system' }), family, amd)).plan.meta.arch, 'amd64', family);
    assert.equal((await buildPlan(spec({ runtime: 'system', arch: 'amd64' }), 'rpm', amd)).plan.meta.arch, 'amd64');
  });

  test('a --arch the addon does not match, addons that disagree, a non-ELF addon: DataErrors naming the files', async () => {
    const amd = { ...deps, bundle: withFiles([...APP, addon('x-addon.node', AMD64)]) };
    assert.match(await failure(buildPlan(spec({ runtime: 'system', arch: 'arm64' }), 'deb', amd)), /^--arch arm64 does not match the native addon \/usr\/lib\/echo\/app\.asar\.unpacked\/native\/x-addon\.node, which is amd64$/);
    const mixed = { ...deps, bundle: withFiles([...APP, addon('a.node', AMD64), addon('b.node', ARM64)]) };
    assert.match(await failure(buildPlan(spec({ runtime: 'system' }), 'rpm', mixed)), /native addons for different architectures: \/usr\/lib\/echo\/app\.asar\.unpacked\/native\/a\.node is amd64, \/usr\/lib\/echo\/app\.asar\.unpacked\/native\/b\.node is arm64/);
    const macho = { ...deps, bundle: withFiles([...APP, addon('mac.node', new Uint8Array([0xcf, 0xfa, 0xed, 0xfe, ...new Array(60).fill(0)]))]) };
    assert.match(await failure(buildPlan(spec({ runtime: 'system' }), 'deb', macho)), /^\/usr\/lib\/echo\/app\.asar\.unpacked\/native\/mac\.node: not an ELF shared object/);
    // Bundled node: an addon for another architecture than the node is refused too.
    const foreign = { ...deps, bundle: withFiles([...APP, addon('x-addon.node', AMD64)]) };
    assert.match(await failure(buildPlan(spec(), 'deb', foreign)), /native addon \/usr\/lib\/echo\/app\.asar\.unpacked\/native\/x-addon\.node is amd64 but the node binary .* is arm64/);
  });
});
