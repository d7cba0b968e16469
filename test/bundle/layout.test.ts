// The unbundled node_modules layout: packages hoisted as npm does, a
// conflicting version nested under its dependent, a pnpm-style tree
// (symlinks into node_modules/.pnpm) and a workspace tree hoisted to a parent
// folder come out flat, and what cannot load on the target is left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { placedFiles, placePackages } from '../../src/bundle/layout.js';
import { resolvePackage } from '../../src/bundle/packages.js';
import { unbundledPackages } from '../../src/bundle/unbundled.js';
import { elf, tree } from './tree-helpers.js';

const dests = (roots: string[], from: string): string[] =>
  placePackages(roots.map((r) => resolvePackage(r, from)!), 'amd64').map((p) => `${p.dest}@${p.pkg.version}`).sort();

test('npm layout: dependencies hoisted; a second version of a name nested under its dependent', () => {
  const root = tree({
    'node_modules/a/package.json': { name: 'a', version: '1.0.0', dependencies: { c: '1', b: '1' } },
    'node_modules/b/package.json': { name: 'b', version: '1.0.0', dependencies: { c: '2' } },
    'node_modules/b/node_modules/c/package.json': { name: 'c', version: '2.0.0' },
    'node_modules/c/package.json': { name: 'c', version: '1.0.0' },
  });
  assert.deepEqual(dests(['a'], root), ['node_modules/a@1.0.0', 'node_modules/b/node_modules/c@2.0.0', 'node_modules/b@1.0.0', 'node_modules/c@1.0.0']);
});

test('pnpm layout: symlinks into node_modules/.pnpm are followed and flattened', () => {
  const root = tree({
    'node_modules/.pnpm/a@1.0.0/node_modules/a/package.json': { name: 'a', version: '1.0.0', dependencies: { b: '1' } },
    'node_modules/.pnpm/b@1.0.0/node_modules/b/package.json': { name: 'b', version: '1.0.0' },
  });
  symlinkSync('.pnpm/a@1.0.0/node_modules/a', path.join(root, 'node_modules/a'));
  symlinkSync('../../b@1.0.0/node_modules/b', path.join(root, 'node_modules/.pnpm/a@1.0.0/node_modules/b'));
  assert.deepEqual(dests(['a'], root), ['node_modules/a@1.0.0', 'node_modules/b@1.0.0']);
});

test('npm workspace: the app in packages/api finds the tree hoisted to the root', () => {
  const root = tree({
    'package.json': { name: 'ws-root', workspaces: ['packages/*'] },
    'packages/api/package.json': { name: 'api', version: '1.0.0', dependencies: { g: '1' } },
    'node_modules/g/package.json': { name: 'g', version: '1.0.0', dependencies: { 'node-gyp-build': '4' } },
    'node_modules/g/prebuilds/linux-x64/g.node': elf(62),
    'node_modules/node-gyp-build/package.json': { name: 'node-gyp-build', version: '4.0.0' },
  });
  mkdirSync(path.join(root, 'node_modules/api-link'), { recursive: true });
  const u = unbundledPackages(path.join(root, 'packages/api'), 'amd64', []);
  assert.deepEqual(u.external, ['g']);
  assert.deepEqual(u.files.map((f) => f.rel).sort(), ['node_modules/g/package.json', 'node_modules/g/prebuilds/linux-x64/g.node', 'node_modules/node-gyp-build/package.json']);
  assert.deepEqual(u.addons, [{ package: 'g', version: '1.0.0', loader: 'node-gyp-build', file: 'node_modules/g/prebuilds/linux-x64/g.node' }]);
});

test('shipped files: other platforms\' prebuilds, musl builds, node-gyp intermediates, tests, docs and CI folders are left out; a sibling .so keeps its place', () => {
  const root = tree({
    'node_modules/g/package.json': { name: 'g', version: '1.0.0', dependencies: { 'node-gyp-build': '4' } },
    'node_modules/g/binding.gyp': '{}',
    'node_modules/g/build/Release/g.node': elf(62),
    'node_modules/g/build/Release/obj.target/g/src/g.o': 'obj',
    'node_modules/g/build/Release/obj.target/g.node': elf(62),
    'node_modules/g/build/Makefile': 'all:',
    'node_modules/g/prebuilds/linux-arm64/g.node': elf(183),
    'node_modules/g/prebuilds/linux-x64/g.musl.node': elf(62),
    'node_modules/g/index.js': 'module.exports = 1',
    'node_modules/g/test/index.test.js': 'test',
    'node_modules/g/docs/api.md': 'docs',
    'node_modules/g/.github/workflows/ci.yml': 'ci',
    'node_modules/g/lib/test/helper.js': 'kept: not a top-level folder',
    'node_modules/node-gyp-build/package.json': { name: 'node-gyp-build', version: '4.0.0' },
  });
  const files = placedFiles(placePackages([resolvePackage('g', root)!], 'amd64'), 'amd64').map((f) => f.rel).sort();
  assert.deepEqual(files, ['node_modules/g/binding.gyp', 'node_modules/g/build/Release/g.node', 'node_modules/g/index.js', 'node_modules/g/lib/test/helper.js', 'node_modules/g/package.json', 'node_modules/node-gyp-build/package.json']);
});

test('shipped files: a top-level docs/ or test/ folder is kept when the package\'s main or exports point into it', () => {
  const root = tree({
    'node_modules/d/package.json': { name: 'd', version: '1.0.0', exports: { '.': './docs/index.js' } },
    'node_modules/d/docs/index.js': 'module.exports = 1',
  });
  const files = placedFiles(placePackages([resolvePackage('d', root)!], 'amd64'), 'amd64').map((f) => f.rel).sort();
  assert.deepEqual(files, ['node_modules/d/docs/index.js', 'node_modules/d/package.json']);
});

test('tacd.external: a package not installed is refused (65) naming it', () => {
  const root = tree({ 'package.json': { name: 'a' } });
  assert.throws(() => unbundledPackages(root, 'amd64', ['pino']), /^DataError: tacd\.external: 'pino' is not installed/);
});
