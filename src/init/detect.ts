/**
 * What `ts2deb init` finds in an app's folder: its entry, the HTTP framework
 * it uses, what the entry exports (the app, a handler or a server), whether
 * it listens by itself, and its port. Read from the files, never run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError, NoInputError } from '../core/errors.js';
import { findEntry, type Entry } from './entry.js';

export type Framework = 'express' | 'fastify' | 'koa' | 'node:http';

/** How the tac file imports what the entry exports. */
export type Export = { readonly kind: 'default' } | { readonly kind: 'named'; readonly name: string };

export interface AppFacts {
  readonly dir: string;
  readonly name: string;
  readonly packageJson: Record<string, unknown>;
  readonly entry: Entry;
  readonly framework: Framework;
  readonly exported: Export;
  /** The entry calls listen() at its top level: under tacd that would bind a second time. */
  readonly listens: boolean;
  readonly port: string;
}

function readPackageJson(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NoInputError(file, `${file}: not found; run ts2deb init in the app's folder (or give it as DIR)`, { code: 'tacd.init.packageJson', cause: e });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new DataError('tacd.init.packageJson', `${file}: not valid JSON (${(e as Error).message})`, { field: file, cause: e });
  }
}

const deps = (pkg: Record<string, unknown>): Record<string, unknown> => ({ ...(pkg['devDependencies'] as object), ...(pkg['dependencies'] as object) });

/** The framework: a dependency on express, fastify or koa, else node:http when the code creates a server. */
export function frameworkOf(pkg: Record<string, unknown>, code: string): Framework | undefined {
  const d = deps(pkg);
  const known = (['express', 'fastify', 'koa'] as const).find((f) => f in d);
  if (known !== undefined) return known;
  return /\bcreateServer\s*\(/.test(code) ? 'node:http' : undefined;
}

const NAMED = ['app', 'server', 'handler', 'fastify', 'api', 'listener'];

/** What the entry exports for HTTPServer: a default export, module.exports, or a well-known named export. */
export function exportOf(code: string): Export | undefined {
  if (/^\s*export\s+default\b|^\s*module\.exports\s*=(?!=)/m.test(code)) return { kind: 'default' };
  const name = NAMED.find((n) => new RegExp(`^\\s*export\\s+(?:const|let|var|function|async\\s+function)\\s+${n}\\b|^\\s*export\\s*\\{[^}]*\\b${n}\\b[^}]*\\}|^\\s*(?:module\\.)?exports\\.${n}\\s*=`, 'm').test(code));
  return name === undefined ? undefined : { kind: 'named', name };
}

/** The port the code listens on by default: `process.env.PORT || 3000`, `.listen(8080`, else 3000. */
export function portOf(code: string): string {
  const m = /process\.env\.PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/.exec(code) ?? /\.listen\(\s*(?:\{\s*port:\s*)?(\d{2,5})/.exec(code);
  return m?.[1] ?? '3000';
}

function requireEntry(dir: string, pkg: Record<string, unknown>): Entry {
  const entry = findEntry(dir, pkg as Parameters<typeof findEntry>[1]);
  if (entry !== undefined) return entry;
  throw new DataError('tacd.init.entry', `${path.join(dir, 'package.json')}: no entry found: set "main" or a "start" script (node FILE)`, { field: 'main' });
}

/** Reads the facts; refuses (65, one line) an app whose entry exports nothing HTTPServer can serve. */
export function detectApp(dir: string): AppFacts {
  const packageJson = readPackageJson(dir);
  const entry = requireEntry(dir, packageJson);
  const code = readFileSync(path.join(dir, entry.file), 'utf8');
  const framework = frameworkOf(packageJson, code);
  if (framework === undefined) throw new DataError('tacd.init.framework', `${entry.file}: no Express, Fastify or Koa dependency and no http.createServer(): write app.tac.ts by hand (see the README)`, { field: entry.file });
  const exported = exportOf(code);
  if (exported === undefined) {
    const what = framework === 'node:http' ? 'the server or its request handler' : `the ${framework} app`;
    throw new DataError('tacd.init.export', `${entry.file} exports nothing to serve: export ${what} (\`export default app\` or \`module.exports = app\`), then run ts2deb init again`, { field: entry.file });
  }
  const name = typeof packageJson['name'] === 'string' ? packageJson['name'].replace(/^@[^/]+\//, '') : path.basename(dir);
  return { dir, name, packageJson, entry, framework, exported, listens: /^\S.*\.listen\s*\(/m.test(code), port: portOf(code) };
}
