// Packages that load their own files by path: the code patterns (pino,
// thread-stream, piscina as written), what is not read (tests, benchmarks,
// build scripts unless the entry is there), the known list, and the
// result: such a package is shipped unbundled with its dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byPathReason, loadsOwnFileByPath } from '../../src/bundle/by-path.js';
import { resolvePackage } from '../../src/bundle/packages.js';
import { unbundledPackages } from '../../src/bundle/unbundled.js';
import { tree } from './tree-helpers.js';

const pkgJson = (name: string, extra: object = {}): object => ({ name, version: '1.0.0', ...extra });

test('a path to a .js file of its own from __dirname, new URL(..., import.meta.url) or require.resolve is found', () => {
  const cases: Record<string, string> = {
    'thread-like': "const toExecute = join(__dirname, 'lib', 'worker.js')\nnew Worker(toExecute)",
    'pino-like': "return join(__dirname, '..', 'file.js')",
    'piscina-like': "new node_worker_threads_1.Worker((0, node_path_1.resolve)(__dirname, 'worker.js'), {})",
    'esm-like': "new Worker(new URL('./worker.mjs', import.meta.url))",
    'resolve-like': "fork(require.resolve('./child.cjs'))",
    'concat-like': "fork(__dirname + '/child.js')",
  };
  const files: Record<string, unknown> = {};
  for (const [n, code] of Object.entries(cases)) Object.assign(files, { [`node_modules/${n}/package.json`]: pkgJson(n), [`node_modules/${n}/index.js`]: code });
  const root = tree(files);
  for (const n of Object.keys(cases)) assert.equal(loadsOwnFileByPath(resolvePackage(n, root)!), 'index.js', n);
});

test('ordinary code, tests, benchmarks and build scripts do not count; build/ does when the entry is there', () => {
  const root = tree({
    'node_modules/plain/package.json': pkgJson('plain'),
    'node_modules/plain/index.js': "const views = path.join(__dirname, 'views'); require('./lib/a.js')",
    'node_modules/plain/test/t.js': "new Worker(join(__dirname, 'w.js'))",
    'node_modules/plain/benchmark/b.js': "fork(join(__dirname, 'b.js'))",
    'node_modules/plain/build/gen.js': "const file = path.join(__dirname, '..', 'lib', 'generated.js')",
    'node_modules/built/package.json': pkgJson('built', { main: './build/index.js' }),
    'node_modules/built/build/index.js': "new Worker(path.join(__dirname, 'worker.js'))",
  });
  assert.equal(loadsOwnFileByPath(resolvePackage('plain', root)!), undefined);
  assert.equal(loadsOwnFileByPath(resolvePackage('built', root)!), 'build/index.js');
});

test('the known list (pino, thread-stream, piscina, tinypool, workerpool) counts whatever the code', () => {
  const root = tree({ 'node_modules/pino/package.json': pkgJson('pino'), 'node_modules/pino/index.js': 'module.exports = 1' });
  assert.equal(byPathReason(resolvePackage('pino', root)!), 'known list');
});

test('such a dependency is shipped unbundled with its dependencies, one per name', () => {
  const root = tree({
    'package.json': pkgJson('app', { dependencies: { logger: '1', other: '1' } }),
    'node_modules/logger/package.json': pkgJson('logger', { dependencies: { helper: '1' } }),
    'node_modules/logger/index.js': "new Worker(join(__dirname, 'worker.js'))",
    'node_modules/logger/worker.js': 'module.exports = 1',
    'node_modules/helper/package.json': pkgJson('helper'),
    'node_modules/helper/index.js': 'module.exports = 2',
    'node_modules/other/package.json': pkgJson('other'),
    'node_modules/other/index.js': 'module.exports = 3',
  });
  const u = unbundledPackages(root, 'amd64', []);
  assert.deepEqual(u.external, ['logger']);
  assert.deepEqual(u.files.map((f) => f.rel).sort(), ['node_modules/helper/index.js', 'node_modules/helper/package.json', 'node_modules/logger/index.js', 'node_modules/logger/package.json', 'node_modules/logger/worker.js']);
});
