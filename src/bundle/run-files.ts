/**
 * The files an app reads from disk at run time, shipped in
 * /usr/lib/NAME/app/ with the layout they have beside its package.json:
 * what package.json `files` names (npm's convention: a folder means
 * everything in it) and the globs of `tacd.files`. Patterns are relative
 * to the app; `*` and `?` match within a path segment, `**` any depth, a
 * leading `!` excludes. node_modules is never searched (see tacd.external).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import type { BundledFile } from './bundle.js';

/** Where the app's run-time files are installed, relative to /usr/lib/NAME. */
export const APP_FILES_DIR = 'app';

const MAX_FILES = 50_000;

/** A glob as a RegExp over a slash-separated relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** True when `rel` or one of its parent folders matches. */
function matches(re: RegExp, rel: string): boolean {
  const parts = rel.split('/');
  return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')));
}

function listFiles(root: string, rel = '', out: string[] = []): string[] {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (name === 'node_modules' || name === '.git') continue;
    const st = lstatSync(path.join(root, r));
    if (st.isDirectory()) listFiles(root, r, out);
    else if (st.isFile()) out.push(r);
    if (out.length > MAX_FILES) throw new DataError('tacd.files.tooMany', `${root}: more than ${MAX_FILES} files below the app folder`, { field: 'files' });
  }
  return out;
}

function normalized(pattern: string, field: string): string {
  const p = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  if (p === '' || path.isAbsolute(p) || p.split('/').includes('..')) {
    throw new DataError('tacd.files.pattern', `${field}: '${pattern}' must be a path or glob inside the app folder (no '..', not absolute)`, { field });
  }
  return p;
}

/** A list of file patterns and the field it came from. */
export interface FilePatterns {
  readonly field: string;
  readonly patterns: readonly string[];
  /** Refuse a pattern that matches nothing (tacd.files; npm's `files` tolerates it). */
  readonly strict: boolean;
}

/**
 * The app's run-time files, relative to `root`. @throws DataError for a
 * pattern outside the app, or a strict one that matches no file.
 */
export function selectRunFiles(root: string, lists: readonly FilePatterns[]): string[] {
  if (lists.every((l) => l.patterns.length === 0)) return [];
  const all = listFiles(root);
  const chosen = new Set<string>();
  for (const l of lists) {
    for (const raw of l.patterns) {
      const neg = raw.startsWith('!');
      const re = globToRegExp(normalized(neg ? raw.slice(1) : raw, l.field));
      const hit = all.filter((f) => matches(re, f));
      if (l.strict && !neg && hit.length === 0) throw new DataError('tacd.files.none', `${l.field}: '${raw}' matches no file in ${root}`, { field: l.field });
      for (const f of hit) neg ? chosen.delete(f) : chosen.add(f);
    }
  }
  return [...chosen].sort();
}

/** The chosen files as bundle files under app/. */
export function runFiles(root: string, rels: readonly string[]): BundledFile[] {
  return rels.map((rel) => {
    const executable = (lstatSync(path.join(root, rel)).mode & 0o111) !== 0;
    return { rel: `${APP_FILES_DIR}/${rel}`, data: readFileSync(path.join(root, rel)), mode: executable ? 0o755 : 0o644 };
  });
}
