/**
 * Finds and reads the package.json that supplies a package's defaults: the
 * nearest one above the tac file (or the working folder for a plugin).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';

/** The package.json fields ts2deb/ts2rpm read, as found (unvalidated). */
export interface PackageJson {
  readonly file: string;
  readonly name?: unknown;
  readonly version?: unknown;
  readonly description?: unknown;
  readonly author?: unknown;
  readonly maintainers?: unknown;
  readonly license?: unknown;
  readonly homepage?: unknown;
  /** npm's `files`: what the package ships (the run-time files, for ts2deb). */
  readonly files?: unknown;
  /** npm's `engines`: engines.node is the default registry runtime (node-version.ts). */
  readonly engines?: unknown;
  /** The "tacd" key: packaging settings (see PackageSpecInput). */
  readonly tacd?: unknown;
}

/** The nearest package.json at or above `dir`, skipping `skip` (tacd's own, for a tac file); undefined when none. @throws DataError when it is not JSON. */
export function findPackageJson(dir: string, skip?: string): PackageJson | undefined {
  let cur = path.resolve(dir);
  for (;;) {
    const file = path.join(cur, 'package.json');
    if (existsSync(file) && file !== skip) return readPackageJson(file);
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/** Reads and parses one package.json. @throws DataError naming the file. */
export function readPackageJson(file: string): PackageJson {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError('tacd.packageJson.parse', `${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`, { field: file, cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DataError('tacd.packageJson.parse', `${file}: expected a JSON object`, { field: file });
  }
  return { ...(raw as object), file };
}

/** "Name <email>" from an npm person (a string "Name <email> (url)" or {name, email}); undefined when absent. */
export function personToMaintainer(p: unknown): string | undefined {
  if (typeof p === 'string') return p.replace(/\s*\([^)]*\)\s*$/, '').trim();
  if (typeof p === 'object' && p !== null) {
    const { name, email } = p as { name?: unknown; email?: unknown };
    if (typeof name === 'string' && typeof email === 'string') return `${name} <${email}>`;
    if (typeof name === 'string') return name;
  }
  return undefined;
}
