/**
 * Which file an app runs: what `npm start` runs (`node server.js`, `tsx
 * src/app.ts`, `nodemon index.js`, ...), else package.json `main`, else the
 * first of index/server/app.{js,mjs,cjs,ts} that exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The entry file, relative to the app's folder, and where it was found. */
export interface Entry {
  readonly file: string;
  readonly how: string;
}

const RUNNERS = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'nodemon', 'bun']);
const GUESSES = ['index', 'server', 'app', 'src/index', 'src/server', 'src/app'].flatMap((b) => ['js', 'mjs', 'cjs', 'ts'].map((e) => `${b}.${e}`));

/** The script file `start` runs, or undefined: the first word after a runner that is not a flag. */
export function startScriptFile(start: string): string | undefined {
  const words = start.replace(/^(?:\w+=\S*\s+)+/, '').split(/\s+/).filter(Boolean);
  if (!RUNNERS.has(path.basename(words[0] ?? ''))) return undefined;
  return words.slice(1).find((w) => !w.startsWith('-') && /\.[cm]?[jt]s$/.test(w));
}

/** The app's entry, or undefined when nothing says which file it is. */
export function findEntry(dir: string, pkg: { readonly main?: unknown; readonly scripts?: { readonly start?: unknown } }): Entry | undefined {
  const start = typeof pkg.scripts?.start === 'string' ? startScriptFile(pkg.scripts.start) : undefined;
  if (start !== undefined && existsSync(path.join(dir, start))) return { file: path.normalize(start), how: `npm start: ${String(pkg.scripts!.start)}` };
  if (typeof pkg.main === 'string' && existsSync(path.join(dir, pkg.main))) return { file: path.normalize(pkg.main), how: `package.json main: ${pkg.main}` };
  const guess = GUESSES.find((g) => existsSync(path.join(dir, g)));
  return guess === undefined ? undefined : { file: guess, how: `no start script or main: ${guess} exists` };
}
