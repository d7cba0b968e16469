// A discovered plugin's module: found, imported (TypeScript through the tac loader), its service maker checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { asServiceMaker, checkModuleFile, loadDeclaredPlugin, nativeImporter } from '../../src/plugins/plugin-module.js';
import { importModule } from '../../src/runner/tac-loader.js';
import { exitCodeOf } from '../../src/core/errors.js';
import { cleanEnv, runTacd, tempDir } from '../runner/helpers.js';

const GOOD_OPTIONS = "[{ long: 'port', description: 'Port.', default: 1 }]";
const SERVICE = '{ setServiceParent() {}, startService() {}, stopService() {} }';

// A package declaring plugin `name` with module `file` holding `source`.
function pluginDir(t: { after(fn: () => void): void }, file: string, source: string, name = 'p1'): { dir: string; decl: { name: string; packageJson: string; module: string } } {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const packageJson = path.join(dir, 'package.json');
  fs.writeFileSync(packageJson, JSON.stringify({ name: 'pkg', version: '1.0.0', tacd: { plugins: { [name]: { module: `./${file}`, description: 'A test plugin.' } } } }));
  if (source !== '') fs.writeFileSync(path.join(dir, file), source);
  return { dir, decl: { name, packageJson, module: `./${file}` } };
}

test('a TypeScript ESM module is compiled and its default export checked', async (t) => {
  const src = `import type { OptionSpec } from 'tacd';\nconst options: OptionSpec[] = ${GOOD_OPTIONS};\nexport default { tapname: 'p1', description: 'd', options, makeService: () => (${SERVICE}) };\n`;
  const { decl } = pluginDir(t, 'plugin.ts', src);
  const maker = await loadDeclaredPlugin(decl, importModule);
  assert.equal(maker.tapname, 'p1');
  assert.equal(maker.options[0]!.long, 'port');
});

test('CommonJS: module.exports = maker, or = { serviceMaker }; ESM: export const serviceMaker', async (t) => {
  const bodies = [
    `module.exports = { tapname: 'p1', description: 'd', options: ${GOOD_OPTIONS}, makeService: () => (${SERVICE}) };`,
    `exports.serviceMaker = { tapname: 'p1', description: 'd', options: ${GOOD_OPTIONS}, makeService: () => (${SERVICE}) };`,
  ];
  for (const body of bodies) {
    const { decl } = pluginDir(t, 'plugin.cjs', body);
    assert.equal((await loadDeclaredPlugin(decl, importModule)).tapname, 'p1', body);
  }
  const { decl } = pluginDir(t, 'plugin.mjs', `export const serviceMaker = { tapname: 'p1', description: 'd', options: [], makeService: () => (${SERVICE}) };`);
  assert.equal((await loadDeclaredPlugin(decl, nativeImporter)).tapname, 'p1');
});

test('a missing module is 66 naming the file and the package.json field', async (t) => {
  const { dir, decl } = pluginDir(t, 'gone.ts', '');
  assert.throws(
    () => checkModuleFile(decl),
    (e: unknown) => exitCodeOf(e) === 66 && (e as Error).message === `plugin 'p1': module not found: ${path.join(dir, 'gone.ts')} (tacd.plugins.p1.module in ${decl.packageJson})`,
  );
});

test('no service maker, or a malformed one, is 65 naming the file and what is missing', () => {
  const f = '/x/plugin.ts';
  const fn = (): object => ({});
  const cases: [Record<string, unknown>, RegExp][] = [
    [{}, /^\/x\/plugin\.ts: exports no service maker: expected 'export default' or 'export const serviceMaker'/],
    [{ default: { tapname: 'a' } }, /exports no service maker/],
    [{ default: { description: 'd', options: [], makeService: fn } }, /^\/x\/plugin\.ts: its service maker has no 'tapname' string$/],
    [{ default: { tapname: 'a', description: 'd', options: 'port', makeService: fn } }, /'options' is not a list of options$/],
    [{ default: { tapname: 'a', description: 'd', options: [{ long: 'port' }], makeService: fn } }, /options\[0\] needs a 'long' name and a 'description' string$/],
    [{ default: { tapname: 'a', description: 'd', options: [{ long: 'port', description: 'p', parse: 5 }], makeService: fn } }, /option --port: 'parse' must be a function$/],
    [{ default: { tapname: 'a', description: 'd', options: [{ long: 'Port', description: 'p' }], makeService: fn } }, /^\/x\/plugin\.ts: plugin 'a': option 'Port': long name must be/],
    [{ default: { tapname: 'Bad Name', description: 'd', options: [], makeService: fn } }, /tapname must be lowercase/],
  ];
  for (const [mod, re] of cases) {
    assert.throws(() => asServiceMaker(mod, f), (e: unknown) => exitCodeOf(e) === 65 && re.test((e as Error).message), JSON.stringify(mod));
  }
});

test('tacd NAME: a missing module (66) and a module without a maker (65) are one line each', async (t) => {
  const missing = pluginDir(t, 'gone.ts', '');
  let r = await runTacd(['-n', '--pidfile=', 'p1'], { cwd: missing.dir, env: cleanEnv() });
  assert.equal(r.code, 66, r.stderr);
  assert.equal(r.stderr, `tacd: plugin 'p1': module not found: ${path.join(missing.dir, 'gone.ts')} (tacd.plugins.p1.module in ${missing.decl.packageJson})\n`);
  const empty = pluginDir(t, 'plugin.ts', 'export const nothing: number = 1;\n');
  r = await runTacd(['-n', '--pidfile=', 'p1'], { cwd: empty.dir, env: cleanEnv() });
  assert.equal(r.code, 65, r.stderr);
  assert.match(r.stderr, /^tacd: \S+plugin\.ts: exports no service maker: [^\n]*\n$/);
});

test('a TypeScript plugin that throws names its own .ts line (source maps)', async (t) => {
  const src = `export default {\n  tapname: 'p1', description: 'd', options: [],\n  makeService(): never {\n    throw new Error('boom from the plugin');\n  },\n};\n`;
  const { dir } = pluginDir(t, 'plugin.ts', src);
  const r = await runTacd(['-n', '--pidfile=', '--debug', 'p1'], { cwd: dir, env: cleanEnv() });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /boom from the plugin/);
  assert.match(r.stderr, /plugin\.ts:4:\d+/);
});
