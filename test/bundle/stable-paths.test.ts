// Package-relative module names and source map sources, whatever the build folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { packageRelative, packageRelativeSources, shiftColumns, stableModuleKeys } from '../../src/bundle/stable-paths.js';

test("stableModuleKeys names tacd's modules tacd/… whatever the app's folder", () => {
  const app = '/home/ci/work/deep/app';
  const rel = path.relative(app, PROJECT_ROOT);
  const code = `var a = __commonJS({ "${rel}/dist/src/index.js"(e) {} }); var b = __commonJS({ "node_modules/x/i.js"(e) {} });`;
  const r = stableModuleKeys(code, app);
  assert.equal(r.code, 'var a = __commonJS({ "tacd/dist/src/index.js"(e) {} }); var b = __commonJS({ "node_modules/x/i.js"(e) {} });');
  assert.deepEqual(r.edits, [{ line: 0, col: 21, delta: 6 - (rel.length + 2) }]);
  assert.deepEqual(stableModuleKeys('"dist/src/x.js"', PROJECT_ROOT), { code: '"dist/src/x.js"', edits: [] }, 'inside tacd there is nothing to rename');
});

test('shiftColumns moves the generated columns after an edit, and only on its line', () => {
  // line 0: segments at columns 0 and 30 (source 0, line 0, col 0 / col 4); line 1: one at column 2.
  const mappings = 'AAAA,8BAAI;EACA';
  const out = shiftColumns(mappings, [{ line: 0, col: 10, delta: -7 }]);
  assert.equal(out, 'AAAA,uBAAI;EACA', 'column 30 becomes 23; line 1 is untouched');
  assert.equal(shiftColumns(mappings, []), mappings);
});

test('packageRelative: app/…, tacd/…, node_modules/… from the nearest node_modules', () => {
  assert.equal(packageRelative('/srv/b/app/src/lib.ts', '/srv/b/app'), 'app/src/lib.ts');
  assert.equal(packageRelative(path.join(PROJECT_ROOT, 'dist/src/cli/tacd.js'), '/srv/b/app'), 'tacd/dist/src/cli/tacd.js');
  assert.equal(packageRelative('/srv/b/node_modules/ws/index.js', '/srv/b/app'), 'node_modules/ws/index.js');
  assert.equal(packageRelative('/elsewhere/x.js', undefined), 'external/x.js');
});

test('packageRelativeSources resolves each source against the map folder first', () => {
  const map = { version: 3, sources: ['../../../../srv/a/app/app.tac.ts'], names: [], mappings: '' };
  assert.deepEqual(packageRelativeSources(map, '/usr/lib/echo/app.asar', '/srv/a/app').sources, ['app/app.tac.ts']);
});
