// src/runtime/platform-packages.ts and package-cache.ts: a cross build's
// platform packages, fetched from a registry on 127.0.0.1 for a synthetic
// sharp-like tree (a parent whose addon lives in @i/img-linux-ARCH, which
// needs @i/vips-linux-ARCH in turn), cached and re-hashed on reuse; the
// refusals: an integrity mismatch, a version the registry lacks, a cache
// entry changed since it was fetched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { nativePackages, unbundledPackages } from '../../src/bundle/unbundled.js';
import { productionTree } from '../../src/bundle/packages.js';
import { ensurePlatformPackages, namesTarget, wantedPlatformPackages } from '../../src/runtime/platform-packages.js';
import type { ProgressSink } from '../../src/runtime/progress.js';
import { elf, tree } from '../bundle/tree-helpers.js';
import { fakePackageRegistry, type FakePackage } from './fake-package-registry.js';

const OPTIONAL = { '@i/img-linux-x64': '1.0.0', '@i/img-linux-arm64': '1.0.0', '@i/img-linuxmusl-arm64': '1.0.0', '@i/img-darwin-arm64': '1.0.0' };

/** An app using `img` as installed on an amd64 host: only the x64 platform packages are there. */
function hostTree(): string {
  return tree({
    'package.json': { name: 'app', version: '1.0.0', dependencies: { img: '1' } },
    'node_modules/img/package.json': { name: 'img', version: '1.0.0', optionalDependencies: OPTIONAL },
    'node_modules/@i/img-linux-x64/package.json': { name: '@i/img-linux-x64', version: '1.0.0', os: ['linux'], cpu: ['x64'], libc: ['glibc'], optionalDependencies: { '@i/vips-linux-x64': '^2.0.0' } },
    'node_modules/@i/img-linux-x64/lib/img.node': elf(62),
    'node_modules/@i/vips-linux-x64/package.json': { name: '@i/vips-linux-x64', version: '2.1.0', os: ['linux'], cpu: ['x64'] },
    'node_modules/@i/vips-linux-x64/lib/libvips.so.2': elf(62),
  });
}

const arm64 = (vipsRange = '^2.0.0', integrity?: string): FakePackage[] => [
  { name: '@i/img-linux-arm64', version: '1.0.0', manifest: { os: ['linux'], cpu: ['arm64'], libc: ['glibc'], optionalDependencies: { '@i/vips-linux-arm64': vipsRange } }, files: { 'lib/img.node': elf(183) }, ...(integrity ? { integrity } : {}) },
  ...['2.0.0', '2.1.0', '3.0.0'].map((version) => ({ name: '@i/vips-linux-arm64', version, manifest: { os: ['linux'], cpu: ['arm64'] }, files: { 'lib/libvips.so.2': elf(183) } })),
];

const quiet = (): ProgressSink & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, step: (l) => void lines.push(l), bytes: () => undefined, done: () => undefined };
};

async function withRegistry(packages: FakePackage[], fn: (env: Record<string, string>, cacheDir: string, hits: string[]) => Promise<void>): Promise<void> {
  const reg = await fakePackageRegistry(packages);
  const home = tree({});
  try {
    await fn({ TACD_NPM_REGISTRY: reg.url, HOME: home }, path.join(home, 'packages'), reg.hits);
  } finally {
    await reg.close();
  }
}

test('namesTarget: linux builds for the arch by name, not musl, not another arch', () => {
  assert.equal(namesTarget('@i/img-linux-arm64', 'arm64'), true);
  assert.equal(namesTarget('@node-rs/bcrypt-linux-arm64-gnu', 'arm64'), true);
  assert.equal(namesTarget('@esbuild/linux-arm64', 'arm64'), true);
  assert.equal(namesTarget('x-linux-arm-gnueabihf', 'armhf'), true);
  assert.equal(namesTarget('x-linux-arm64-gnu', 'armhf'), false);
  assert.equal(namesTarget('@node-rs/bcrypt-linux-arm64-musl', 'arm64'), false);
  assert.equal(namesTarget('@i/img-linuxmusl-arm64', 'arm64'), false);
  assert.equal(namesTarget('@i/img-darwin-arm64', 'arm64'), false);
});

test('on the host arch nothing is wanted and the registry is not asked', async () => {
  const root = hostTree();
  assert.deepEqual(wantedPlatformPackages(productionTree(root), 'amd64', new Map()), []);
  const supply = await ensurePlatformPackages({ appRoot: root, arch: 'amd64', env: { TACD_NPM_REGISTRY: 'http://127.0.0.1:9/' }, progress: quiet() }, path.join(tree({}), 'packages'));
  assert.equal(supply.supplements.size, 0);
});

test('arm64 from an amd64 tree: the platform package and the one it needs are fetched at the asked versions; the bundler ships them and no x64 build; a second build asks the registry nothing', async () => {
  const root = hostTree();
  await withRegistry(arm64(), async (env, cacheDir, hits) => {
    const progress = quiet();
    const supply = await ensurePlatformPackages({ appRoot: root, arch: 'arm64', env, progress }, cacheDir);
    assert.deepEqual(supply.fetched, ['@i/img-linux-arm64@1.0.0', '@i/vips-linux-arm64@2.1.0']);
    assert.ok(progress.lines.some((l) => /^checked sha512 against the registry's dist\.integrity$/.test(l)), progress.lines.join('\n'));
    const [native] = nativePackages(root, 'arm64', supply.supplements);
    assert.equal(`${native!.pkg.name} ${native!.loader} ${native!.provider.name} ${native!.addons.join(',')}`, 'img platform-package @i/img-linux-arm64 lib/img.node');
    const files = unbundledPackages(root, 'arm64', [], supply.supplements).files.map((f) => f.rel).filter((r) => /lib\//.test(r));
    assert.deepEqual(files.sort(), ['node_modules/@i/img-linux-arm64/lib/img.node', 'node_modules/@i/vips-linux-arm64/lib/libvips.so.2']);
    const seen = hits.length;
    const again = await ensurePlatformPackages({ appRoot: root, arch: 'arm64', env, progress: quiet() }, cacheDir);
    assert.deepEqual(again.fetched, []);
    assert.deepEqual([...again.supplements.keys()].sort(), ['@i/img-linux-arm64', '@i/vips-linux-arm64']);
    assert.deepEqual(hits.slice(seen), [], 'the second build made no request');
  });
});

test('without the supplements the arm64 build is refused naming the platform package that is not installed', () => {
  assert.throws(() => nativePackages(hostTree(), 'arm64'), (e: unknown) => e instanceof DataError && e.exitCode === 65 && /^img@1\.0\.0 \(.*\): its platform-package addon has no build for arm64 \(linux, glibc\): @i\/img-linux-arm64 is not installed; /.test(e.message));
});

test('a tarball whose hash is not dist.integrity is refused (65) and nothing enters the cache', async () => {
  await withRegistry(arm64('^2.0.0', `sha512-${Buffer.alloc(64).toString('base64')}`), async (env, cacheDir) => {
    await assert.rejects(ensurePlatformPackages({ appRoot: hostTree(), arch: 'arm64', env, progress: quiet() }, cacheDir), (e: unknown) => e instanceof DataError && e.exitCode === 65 && /^@i\/img-linux-arm64@1\.0\.0 \(http:.*\.tgz\): integrity mismatch/.test(e.message));
    assert.deepEqual(readdirSync(cacheDir).filter((n) => n !== 'registry'), []);
  });
});

test('a range the registry has no version for is refused naming the package that asks for it', async () => {
  await withRegistry(arm64('^9.0.0'), async (env, cacheDir) => {
    await assert.rejects(ensurePlatformPackages({ appRoot: hostTree(), arch: 'arm64', env, progress: quiet() }, cacheDir), (e: unknown) => e instanceof DataError && e.message === '@i/vips-linux-arm64@^9.0.0 (an optional dependency of @i/img-linux-arm64@1.0.0): the registry has no such version');
  });
});

test('a cached package changed since it was fetched is refused, never shipped', async () => {
  const root = hostTree();
  await withRegistry(arm64(), async (env, cacheDir) => {
    await ensurePlatformPackages({ appRoot: root, arch: 'arm64', env, progress: quiet() }, cacheDir);
    writeFileSync(path.join(cacheDir, '@i+img-linux-arm64@1.0.0', 'package', 'lib', 'img.node'), 'tampered');
    await assert.rejects(ensurePlatformPackages({ appRoot: root, arch: 'arm64', env, progress: quiet() }, cacheDir), (e: unknown) => e instanceof DataError && e.exitCode === 65 && /^cached @i\/img-linux-arm64@1\.0\.0 \(.*\): integrity mismatch: .*it changed since it was fetched; remove .* to fetch it again$/.test(e.message));
  });
});
