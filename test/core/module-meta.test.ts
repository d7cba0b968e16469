// Each module's own location after bundling: import.meta.url/dirname/filename
// and __dirname/__filename rewritten to the module's file, on the first line
// (line numbers kept), a declared __dirname left alone; and under `tacd -y` a
// TypeScript tac and a CommonJS file it imports answer for where they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withModuleLocation } from '../../src/core/module-meta.js';
import { importTac } from '../../src/runner/tac-loader.js';
import { tempDir } from '../packaging/helpers.js';

const LOC = { url: '"U"', dirname: '"D"', filename: '"F"' };

test('import.meta.* and a free __dirname are bound to the module, on the first line', () => {
  const out = withModuleLocation("'use strict';\nconsole.log(import.meta.url, import.meta.dirname, __dirname);\n", LOC);
  assert.equal(out.split('\n').length, 3, 'line count kept');
  assert.match(out, /^'use strict';var __tacd_m_url = "U", __tacd_m_dirname = "D", __tacd_m_filename = "F", __dirname = __tacd_m_dirname;\n/);
  assert.match(out, /console\.log\(__tacd_m_url, __tacd_m_dirname, __dirname\)/);
});

test('a module that declares its own __dirname (ESM idiom) keeps it; a shebang stays a line', () => {
  const out = withModuleLocation('#!/usr/bin/env node\nconst __dirname = path.dirname(fileURLToPath(import.meta.url));\n', LOC);
  assert.equal(out.split('\n').length, 3);
  assert.doesNotMatch(out, /__dirname = __tacd_m_dirname/);
  assert.match(out, /^\/\/\/usr\/bin\/env node\nvar __tacd_m_url/);
});

test('tacd -y: a TypeScript tac and the CommonJS file it imports see their own folder, not the temp build folder', async () => {
  const dir = tempDir('tacd-meta-');
  mkdirSync(path.join(dir, 'lib'));
  writeFileSync(path.join(dir, 'lib/where.cjs'), 'exports.where = () => __dirname;\n');
  writeFileSync(path.join(dir, 'app.tac.ts'), "import { Application } from 'tacd';\nimport { where } from './lib/where.cjs';\nexport const seen = [import.meta.url, import.meta.dirname, where(), new URL('./public/', import.meta.url).pathname];\nexport const application = new Application('m');\n");
  const m = await importTac(path.join(dir, 'app.tac.ts'));
  assert.deepEqual(m['seen'], [pathToFileURL(path.join(dir, 'app.tac.ts')).href, dir, path.join(dir, 'lib'), `${dir}/public/`]);
});
