/**
 * What `ts2deb init` writes: app.tac.ts around the exported app, and a
 * "tacd" field in package.json (the port as tacd.env's PORT). Nothing that
 * exists is changed without `force`: an existing app.tac.ts refuses the
 * whole run (73) before anything is written; an existing "tacd" field is kept.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CantCreateError } from '../core/errors.js';
import type { RenderFn } from '../render/render.js';
import type { AppFacts } from './detect.js';

export const TAC_FILE = 'app.tac.ts';

/** The tac file's text for the facts. */
export function tacSource(facts: AppFacts, render: RenderFn): string {
  const binding = facts.exported.kind === 'default' ? 'app' : facts.exported.name;
  return render('init/app.tac', {
    name: facts.name,
    framework: facts.framework,
    what: facts.framework === 'node:http' ? 'server or handler' : 'app',
    entry: facts.entry.file,
    importClause: facts.exported.kind === 'default' ? 'app' : `{ ${binding} }`,
    importPath: `./${facts.entry.file.split(path.sep).join('/')}`,
    binding,
    port: facts.port,
  });
}

/** The indentation package.json uses (its first indented line), two spaces by default. */
export function indentOf(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
}

// Writes through a temp file and a rename, so a crash leaves the old file or the new one.
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.tacd-init.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The "tacd" field init adds: the default port as an environment default. */
export function tacdField(facts: AppFacts): Record<string, unknown> {
  return { env: { PORT: facts.port } };
}

/** Writes the files; returns one line per thing done or kept, for the user. */
export function writeInit(facts: AppFacts, render: RenderFn, force: boolean): string[] {
  const tac = path.join(facts.dir, TAC_FILE);
  if (existsSync(tac) && !force) throw new CantCreateError(tac, `${tac} exists: ts2deb init changes nothing that exists; --force writes it anew`, { code: 'tacd.init.exists' });
  replaceFile(tac, tacSource(facts, render));
  const done = [`wrote ${TAC_FILE}`];
  const pjFile = path.join(facts.dir, 'package.json');
  const text = readFileSync(pjFile, 'utf8');
  if (facts.packageJson['tacd'] !== undefined && !force) done.push('kept the "tacd" field of package.json as it is');
  else {
    replaceFile(pjFile, JSON.stringify({ ...facts.packageJson, tacd: tacdField(facts) }, null, indentOf(text)) + '\n');
    done.push(`set "tacd": ${JSON.stringify(tacdField(facts))} in package.json`);
  }
  return done;
}
