// test/ mirrors src/: every source file src/a/b.ts has its test at
// test/a/b.test.ts, or a line in test/a/README.md naming the suites that
// cover it ("- `b.ts`: `c.test.ts`, `../d/e.test.ts`"), each of which must
// reach it through its imports; a file with no code at run time (types
// only) may say "- `b.ts`: types only".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/core/paths.js';
import { reached } from './helpers/imports.js';
import { sourceFiles } from './helpers/rooms.js';

const SRC = path.join(PROJECT_ROOT, 'src');
const TEST = path.join(PROJECT_ROOT, 'test');

/** The notes of test/<dir>/README.md: source basename -> what covers it. */
function notes(dir: string): Map<string, string> {
  const file = path.join(TEST, dir, 'README.md');
  if (!existsSync(file)) return new Map();
  const rows = [...readFileSync(file, 'utf8').matchAll(/^- `([\w.-]+\.ts)`: (.+)$/gm)];
  return new Map(rows.map((m) => [m[1]!, m[2]!]));
}

// True when the compiled module has no run-time code (only types).
function typesOnly(rel: string): boolean {
  const js = readFileSync(path.join(PROJECT_ROOT, 'dist/src', rel.replace(/\.ts$/, '.js')), 'utf8');
  return js.replace(/\/\/# sourceMappingURL=.*$/m, '').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/export \{\};?/, '').trim() === '';
}

function problem(rel: string, memo: Map<string, string[]>): string | undefined {
  const mirror = path.join(TEST, rel.replace(/\.ts$/, '.test.ts'));
  if (existsSync(mirror)) return undefined;
  const note = notes(path.dirname(rel)).get(path.basename(rel));
  if (note === undefined) return `src/${rel}: no test/${rel.replace(/\.ts$/, '.test.ts')} and no note in test/${path.dirname(rel)}/README.md`;
  if (note === 'types only') return typesOnly(rel) ? undefined : `src/${rel}: noted as types only but has code at run time`;
  const suites = [...note.matchAll(/`([^`]+\.test\.ts)`/g)].map((m) => path.resolve(TEST, path.dirname(rel), m[1]!));
  if (suites.length === 0) return `src/${rel}: its note names no suite`;
  const target = path.join(SRC, rel);
  const bad = suites.filter((s) => !existsSync(s) || !reached(s, PROJECT_ROOT, memo).has(target));
  return bad.length > 0 ? `src/${rel}: ${bad.map((s) => path.relative(PROJECT_ROOT, s)).join(', ')} ${bad.every(existsSync) ? 'does not reach it' : 'is missing'}` : undefined;
}

test('every source file has its mirror test, or a note naming suites that reach it', () => {
  const memo = new Map<string, string[]>();
  const rels = sourceFiles(SRC).map((f) => path.relative(SRC, f).split(path.sep).join('/'));
  assert.ok(rels.length > 100, `found ${rels.length} source files`);
  assert.deepEqual(rels.map((r) => problem(r, memo)).filter((p) => p !== undefined), []);
});
