// Cross builds of a real native-heavy app (fixtures/apps/cross-native:
// sharp with its libvips shared library, @node-rs/bcrypt, classic-level),
// installed at test time from its pinned lock on this amd64 host, where npm
// installs only the x64 platform packages. For amd64 it is packaged and run
// in systemd as is; for arm64 the platform packages npm skipped are fetched
// from the registry (integrity-checked, cached: a second build asks nothing),
// classic-level's own linux-arm64 prebuild is picked, every shipped ELF is
// AArch64, and the package (Node 22 from the registry) is verified in an
// arm64 root under qemu-user-static: the suite's one emulated package.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { hostDebianArch } from '../../src/bundle/native.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { buildApp, debFiles, httpProbe, installOrSkip, machineOf, scratch, verifyInSystemd } from './real-app-helpers.js';

const NAME = 'cross-native';
const probe = (arch: string): ReturnType<typeof httpProbe> =>
  httpProbe(8086, [
    ['arch', `arch ${arch}`],
    ['hash', 'bcrypt ok'],
    ['thumb', 'thumb png 16x12'],
    ['level', 'level ok'],
  ]);

const ARM64_ADDONS = [
  '@node-rs/bcrypt napi-rs node_modules/@node-rs/bcrypt-linux-arm64-gnu/bcrypt.linux-arm64-gnu.node',
  'classic-level node-gyp-build node_modules/classic-level/prebuilds/linux-arm64/classic-level.armv8.node',
  'sharp platform-package node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64.node',
];

describe('cross-native: sharp (+ libvips), @node-rs/bcrypt, classic-level, for amd64 and arm64 from one host', () => {
  let app: string | { skip: string };
  before(() => {
    app = installOrSkip(NAME);
  });

  test('amd64: the x64 platform packages npm installed are shipped; the load check loads all three addons; the service answers in systemd', { timeout: 600_000 }, async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    if (hostDebianArch() !== 'amd64') return t.skip(`this suite builds on amd64; the host is ${hostDebianArch()}`);
    const r = await buildApp(debAdapter, app);
    assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader}`).sort(), ['@node-rs/bcrypt napi-rs', 'classic-level node-gyp-build', 'sharp platform-package']);
    assert.equal(r.loadCheck.ran, true);
    assert.ok(debFiles(r.file).includes('./usr/lib/cross-native/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.17.3'));
    await verifyInSystemd(t, r.file, 'deb', probe('x64'));
  });

  test('arm64: the arm64 platform packages are fetched (sharp\'s two, bcrypt\'s) and shipped instead of the x64 ones; every ELF is AArch64; a second build reuses the cache', { timeout: 600_000 }, async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    if (hostDebianArch() !== 'amd64') return t.skip(`this suite builds on amd64; the host is ${hostDebianArch()}`);
    const cache = scratch('tacd-cross-cache-');
    const env = { TACD_CACHE_DIR: cache };
    const r = await buildApp(debAdapter, app, ['--arch', 'arm64'], 'app.tac.ts', env);
    assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader} ${a.file}`).sort(), ARM64_ADDONS);
    assert.equal(r.loadCheck.ran, false, 'an arm64 app does not load on this host');
    assert.match(r.stderr, /fetching @img\/sharp-libvips-linux-arm64@1\.2\.4 for the target arch/);
    assert.match(r.stderr, /fetching @node-rs\/bcrypt-linux-arm64-gnu@1\.10\.7 for the target arch/);
    const files = debFiles(r.file);
    const elves = files.filter((f) => /\.node$|\.so(\.\d+)*$/.test(f));
    assert.ok(elves.includes('./usr/lib/cross-native/node_modules/@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.8.17.3'), elves.join('\n'));
    for (const f of elves) assert.equal(machineOf(r.file, f), 'AArch64', f);
    assert.deepEqual(files.filter((f) => /x64|x86_64/.test(f)), [], 'no x64 build shipped');
    const again = await buildApp(debAdapter, app, ['--arch', 'arm64'], 'app.tac.ts', env);
    assert.doesNotMatch(again.stderr, /fetching|downloading/);
    assert.deepEqual(again.addons, r.addons);
  });

  test('arm64 with Node 22 from the registry: verified in an arm64 systemd under qemu-user-static, every addon answering', { timeout: 1_800_000 }, async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    if (hostDebianArch() !== 'amd64') return t.skip(`this test emulates arm64 on amd64; the host is ${hostDebianArch()}`);
    const r = await buildApp(debAdapter, app, ['--arch', 'arm64', '--runtime', 'bundled', '--node-version', '22']);
    t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
    const t0 = Date.now();
    await verifyInSystemd(t, r.file, 'deb', probe('arm64'));
    t.diagnostic(`arm64 verify under qemu took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
});
