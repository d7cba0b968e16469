// The project's structural rules, checked on the TypeScript sources:
// writers are pure, process.exit lives only in the CLI, external programs
// run through one module, and @electron/asar has one importer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SRC_DIR } from '../src/core/paths.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const files = sources(SRC_DIR).map((p) => ({
  rel: path.relative(SRC_DIR, p).split(path.sep).join('/'),
  // Comments are not code: strip them so a comment mentioning process.exit does not count.
  code: readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1'),
}));

function importsOf(code: string): string[] {
  return [...code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

test('the sources were found', () => {
  assert.ok(files.length >= 10, `expected the src tree, found ${files.length} files under ${SRC_DIR}`);
});

test('format writers touch no file system, process, clock or host', () => {
  const forbidden = /^(node:)?(fs|fs\/promises|child_process|os|net|dgram|http|https|worker_threads)$|^execa$|^@electron\/asar$/;
  for (const f of files.filter((f) => f.rel.startsWith('formats/'))) {
    for (const spec of importsOf(f.code)) {
      assert.ok(!forbidden.test(spec), `src/${f.rel} imports '${spec}'; writers must stay pure`);
      if (spec.startsWith('.')) {
        // Relative imports must stay inside src/formats, except for the shared error types.
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), spec));
        assert.ok(target.startsWith('formats/') || /^core\/(errors|exit-codes)\.js$/.test(target), `src/${f.rel} imports '${spec}' (src/${target}); writers must stay pure`);
      }
    }
    assert.ok(!/\bDate\.now\(|\bnew Date\(\s*\)|\bprocess\.(env|hrtime|cwd|pid)\b|\bperformance\.now\(/.test(f.code), `src/${f.rel} reads a clock or the process`);
  }
});

test('process.exit appears only in src/cli', () => {
  for (const f of files) {
    if (f.rel.startsWith('cli/')) continue;
    assert.ok(!/\bprocess\.exit\s*\(/.test(f.code), `src/${f.rel} calls process.exit; only src/cli may end the process`);
  }
});

test('external programs run only through src/core/exec.ts', () => {
  for (const f of files) {
    if (f.rel === 'core/exec.ts') continue;
    for (const spec of importsOf(f.code)) {
      assert.notEqual(spec, 'execa', `src/${f.rel} imports execa; use src/core/exec.ts`);
    }
  }
});

test('@electron/asar has at most one importer', () => {
  const importers = files.filter((f) => importsOf(f.code).includes('@electron/asar')).map((f) => f.rel);
  assert.ok(importers.length <= 1, `@electron/asar is imported by ${importers.join(', ')}`);
});

/**
 * The layers, bottom first. A folder of src/ may import from its own folder
 * and from folders of lower layers only: never up, never sideways. index.ts
 * (the public API) sits on top with cli/.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['formats', 'application', 'render', 'compile'],
  ['tools', 'bundle', 'runner', 'plugins', 'verify', 'init'],
  ['runtime'],
  ['plan', 'repo'],
  ['cli', 'index.ts'],
];

const layerOf = (part: string): number => LAYERS.findIndex((l) => l.includes(part));
const partOf = (rel: string): string => rel.split('/')[0]!;

test('every src/ folder has a layer', () => {
  const parts = [...new Set(files.map((f) => partOf(f.rel)))];
  for (const part of parts) assert.ok(layerOf(part) >= 0, `src/${part} is in no layer of test/architecture.test.ts`);
});

test('no import goes up or sideways a layer', () => {
  const edges: string[] = [];
  for (const f of files) {
    const from = partOf(f.rel);
    for (const spec of importsOf(f.code).filter((s) => s.startsWith('.'))) {
      const to = partOf(path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), spec)));
      if (to !== from && layerOf(to) >= layerOf(from)) edges.push(`src/${f.rel} -> ${spec} (${from}: layer ${layerOf(from)}, ${to}: layer ${layerOf(to)})`);
    }
  }
  assert.deepEqual(edges, []);
});
