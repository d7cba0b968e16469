// Native addons found in a dependency tree laid out on disk (synthetic
// packages whose .node files are ELF headers): the loader of each style, the
// build picked for the target arch (other platforms, musl and other archs
// left out), and the refusal (65) naming package, loader and arch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeOf } from '../../src/core/errors.js';
import { checkNative, nativeLoaderOf, platformMatches, usableAddons } from '../../src/bundle/native.js';
import { nativePackages } from '../../src/bundle/unbundled.js';
import { resolvePackage } from '../../src/bundle/packages.js';
import { elf, tree } from './tree-helpers.js';

const APP = { name: 'app', version: '1.0.0', dependencies: { gyp: '1', bind: '1', '@s/rs': '1', pure: '1' } };
function app(): string {
  return tree({
    'package.json': APP,
    'node_modules/gyp/package.json': { name: 'gyp', version: '1.0.0', dependencies: { 'node-gyp-build': '4' } },
    'node_modules/gyp/prebuilds/linux-x64/gyp.node': elf(62),
    'node_modules/gyp/prebuilds/linux-x64/gyp.musl.node': elf(62),
    'node_modules/gyp/prebuilds/darwin-x64+arm64/gyp.node': 'mach-o',
    'node_modules/node-gyp-build/package.json': { name: 'node-gyp-build', version: '4.8.0' },
    'node_modules/bind/package.json': { name: 'bind', version: '2.0.0', dependencies: { bindings: '1' } },
    'node_modules/bind/build/Release/bind.node': elf(62),
    'node_modules/bindings/package.json': { name: 'bindings', version: '1.5.0' },
    'node_modules/@s/rs/package.json': { name: '@s/rs', version: '3.0.0', optionalDependencies: { '@s/rs-linux-x64-gnu': '3', '@s/rs-linux-arm64-gnu': '3' } },
    'node_modules/@s/rs-linux-x64-gnu/package.json': { name: '@s/rs-linux-x64-gnu', version: '3.0.0', os: ['linux'], cpu: ['x64'] },
    'node_modules/@s/rs-linux-x64-gnu/rs.linux-x64-gnu.node': elf(62),
    'node_modules/pure/package.json': { name: 'pure', version: '1.0.0' },
  });
}

describe('native addons in the dependency tree', () => {
  test('each loader style is recognised; pure JS and platform packages are not native by themselves', () => {
    const root = app();
    const loader = (n: string): string | undefined => nativeLoaderOf(resolvePackage(n, root)!);
    assert.equal(loader('gyp'), 'node-gyp-build');
    assert.equal(loader('bind'), 'bindings');
    assert.equal(loader('@s/rs'), 'napi-rs');
    assert.equal(loader('pure'), undefined);
    assert.equal(loader('@s/rs-linux-x64-gnu'), undefined);
  });

  test('amd64: the linux-x64 glibc prebuild is picked; musl and darwin builds are left out', () => {
    const root = app();
    assert.deepEqual(usableAddons(resolvePackage('gyp', root)!, 'amd64'), ['prebuilds/linux-x64/gyp.node']);
    const found = nativePackages(root, 'amd64').map((n) => `${n.pkg.name} ${n.loader} ${n.provider.name} ${n.addons.join(',')}`);
    assert.deepEqual(found.sort(), ['@s/rs napi-rs @s/rs-linux-x64-gnu rs.linux-x64-gnu.node', 'bind bindings bind build/Release/bind.node', 'gyp node-gyp-build gyp prebuilds/linux-x64/gyp.node']);
  });

  test('arm64 without an arm64 prebuild: 65, one line naming the package, the loader and the arch', () => {
    const root = app();
    const e = (() => {
      try {
        checkNative(resolvePackage('gyp', root)!, 'node-gyp-build', 'arm64');
      } catch (err) {
        return err as Error;
      }
      return assert.fail('expected a refusal');
    })();
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^gyp@1\.0\.0 \(.*\): its node-gyp-build addon has no build for arm64 \(linux, glibc\): found only .*gyp\.node \(a build for linux-x64\)/);
    assert.doesNotMatch(e.message, /\n/);
  });

  test('napi-rs for arm64: the platform package that is not installed is named', () => {
    const root = app();
    assert.throws(() => checkNative(resolvePackage('@s/rs', root)!, 'napi-rs', 'arm64'), (err: Error) => exitCodeOf(err) === 65 && /@s\/rs@3\.0\.0 .*napi-rs addon has no build for arm64.*@s\/rs-linux-arm64-gnu is not installed/.test(err.message));
  });

  test('a build/Release addon of another arch (compiled for the host) is refused for the target', () => {
    const root = app();
    assert.throws(() => checkNative(resolvePackage('bind', root)!, 'bindings', 'arm64'), /bind@2\.0\.0 .*bindings addon has no build for arm64 \(linux, glibc\): found only build\/Release\/bind\.node \(an amd64 build\)/);
  });

  test('a native package whose install script never ran (no .node at all) is refused, saying so', () => {
    const root = tree({ 'package.json': { name: 'a', dependencies: { g: '1' } }, 'node_modules/g/package.json': { name: 'g', version: '1.0.0', gypfile: true } });
    assert.throws(() => nativePackages(root, 'amd64'), /g@1\.0\.0 .*build\/Release addon has no build for amd64 \(linux, glibc\): no \.node file was built or shipped/);
  });

  test("platformMatches reads os/cpu/libc as npm does (lists, strings, '!' negations); without libc a musl name is musl", () => {
    assert.equal(platformMatches({ os: ['linux'], cpu: ['arm64'], libc: ['glibc'] }, 'x', 'arm64'), true);
    assert.equal(platformMatches({ os: 'linux', cpu: 'x64' }, 'x', 'amd64'), true);
    assert.equal(platformMatches({ os: ['linux'], cpu: ['x64'] }, 'x', 'arm64'), false);
    assert.equal(platformMatches({ os: ['darwin'] }, 'x', 'amd64'), false);
    assert.equal(platformMatches({ os: ['!win32'], cpu: ['!arm'] }, 'x', 'amd64'), true);
    assert.equal(platformMatches({ cpu: ['!arm'] }, 'x', 'armhf'), false);
    assert.equal(platformMatches({ os: ['linux'], libc: ['musl'] }, 'x', 'amd64'), false);
    assert.equal(platformMatches({ os: ['linux'] }, 'x-linux-x64-musl', 'amd64'), false);
  });

  test("an addon in a platform package not named after its parent (sharp's @img/sharp-linux-x64) is found through the parent's optionalDependencies", () => {
    const root = tree({
      'package.json': { name: 'a', dependencies: { sharp: '1' } },
      'node_modules/sharp/package.json': { name: 'sharp', version: '0.34.5', optionalDependencies: { '@img/sharp-linux-x64': '0.34.5', '@img/sharp-linuxmusl-x64': '0.34.5' } },
      'node_modules/@img/sharp-linux-x64/package.json': { name: '@img/sharp-linux-x64', version: '0.34.5', os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
      'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node': elf(62),
      'node_modules/@img/sharp-linuxmusl-x64/package.json': { name: '@img/sharp-linuxmusl-x64', version: '0.34.5', os: ['linux'], cpu: ['x64'], libc: ['musl'] },
      'node_modules/@img/sharp-linuxmusl-x64/lib/sharp-linuxmusl-x64.node': elf(62),
    });
    const found = nativePackages(root, 'amd64').map((n) => `${n.pkg.name} ${n.loader} ${n.provider.name} ${n.addons.join(',')}`);
    assert.deepEqual(found, ['sharp platform-package @img/sharp-linux-x64 lib/sharp-linux-x64.node']);
  });
});
