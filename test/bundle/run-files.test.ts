// Run-time files: npm `files` (a folder is everything in it) and tacd.files
// globs (*, **, ?, !exclusions), relative to the app; node_modules is never
// searched; a pattern outside the app, or a strict one matching nothing, is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeOf } from '../../src/core/errors.js';
import { globToRegExp, selectRunFiles } from '../../src/bundle/run-files.js';
import { tree } from './tree-helpers.js';

const root = (): string => tree({ 'public/a.css': 'a', 'public/img/b.png': 'b', 'views/x.ejs': 'x', 'data/c.wasm': 'c', 'node_modules/p/i.js': '', 'app.tac.ts': '' });

test('globs: * within a segment, ** across, ? one character', () => {
  assert.ok(globToRegExp('public/**/*.png').test('public/img/b.png'));
  assert.ok(globToRegExp('**/*.wasm').test('c.wasm'));
  assert.ok(!globToRegExp('public/*.png').test('public/img/b.png'));
  assert.ok(globToRegExp('v?ews/*').test('views/x.ejs'));
});

test('npm files (folders) plus tacd.files globs, minus exclusions; node_modules is not searched', () => {
  const got = selectRunFiles(root(), [
    { field: 'files', patterns: ['public', 'missing-is-fine'], strict: false },
    { field: 'tacd.files', patterns: ['**/*.wasm', 'views/*.ejs', '!public/img/**', 'node_modules/**/*.js'.replace(/^/, '!')], strict: true },
  ]);
  assert.deepEqual(got, ['data/c.wasm', 'public/a.css', 'views/x.ejs']);
});

test('tacd.files: a pattern matching nothing, or reaching outside the app, is refused (65)', () => {
  assert.throws(() => selectRunFiles(root(), [{ field: 'tacd.files', patterns: ['templates/**'], strict: true }]), (e: Error) => exitCodeOf(e) === 65 && /^tacd\.files: 'templates\/\*\*' matches no file in /.test(e.message));
  assert.throws(() => selectRunFiles(root(), [{ field: 'tacd.files', patterns: ['../etc/passwd'], strict: true }]), /'\.\.\/etc\/passwd' must be a path or glob inside the app folder/);
});
