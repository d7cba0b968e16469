/**
 * Dependencies that load their own files by path at run time, which a
 * bundle breaks (the path is computed from the bundle's location, not the
 * package's): worker-thread and child-process entry points
 * (`new Worker(join(__dirname, 'worker.js'))`, `fork(...)`), a path to a JS
 * file handed to another package (pino's transports give thread-stream
 * `join(__dirname, 'worker.js')`), `require.resolve('./x.js')`. Such a
 * package is shipped unbundled, like `tacd.external`. Found by reading the
 * package's JavaScript for a path to one of its own .js files built from
 * `__dirname`, `new URL(..., import.meta.url)` or `require.resolve`, and by
 * a list of the common ones (KNOWN_BY_PATH).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InstalledPackage } from './packages.js';

/** Worker and transport packages shipped unbundled whatever their code looks like. */
export const KNOWN_BY_PATH: readonly string[] = ['pino', 'thread-stream', 'piscina', 'tinypool', 'workerpool'];

const QUOTED = `\\s*,\\s*['"\`][^'"\`]*['"\`]`;
/** The code patterns: a .js file's path from __dirname, import.meta.url or require.resolve. */
export const BY_PATH_PATTERNS: readonly RegExp[] = [
  // join(__dirname, 'lib', 'worker.js'), path.resolve(__dirname, '../file.cjs'), (0, node_path_1.resolve)(__dirname, 'worker.js')
  new RegExp(`(?:join|resolve)\\)?\\(\\s*__dirname(?:${QUOTED})*\\s*,\\s*['"\`][^'"\`]*\\.[cm]?js['"\`]`),
  // new URL('./worker.js', import.meta.url)
  /new\s+URL\(\s*['"`][^'"`]*\.[cm]?js['"`]\s*,\s*import\.meta\.url\s*\)/,
  // require.resolve('./worker.js') (a file of its own, by path)
  /require\.resolve\(\s*['"`]\.\.?\/[^'"`]*['"`]/,
  // new Worker(__dirname + '/worker.js'), fork(__dirname + '/child.js')
  /(?:new\s+(?:\w+\.)?Worker|\bfork)\(\s*__dirname\s*\+/,
];

const MAX_FILES = 2_000;
const MAX_BYTES = 2 * 1024 * 1024;
/** Top-level folders that hold no run-time code (tests, benchmarks, build scripts), unless the package's entry points are there. */
const NOT_RUNTIME = ['node_modules', 'test', 'tests', '__tests__', 'benchmark', 'benchmarks', 'bench', 'example', 'examples', 'docs', 'types', 'scripts', 'build', 'tools', 'integration'];

// The top-level folders named by package.json main and exports (a package may ship its code in build/).
export function entryFolders(json: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') out.add(v.replace(/^\.\//, '').split('/')[0]!);
    else if (v && typeof v === 'object' && depth < 6) Object.values(v).forEach((x) => visit(x, depth + 1));
  };
  const j = json as { main?: unknown; exports?: unknown };
  visit(j.main, 0);
  visit(j.exports, 0);
  return out;
}

function walkJs(dir: string, rel: string, depth: number, skip: ReadonlySet<string>, out: string[]): void {
  if (depth > 12) return;
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (out.length >= MAX_FILES) return;
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory() && name !== 'node_modules' && !(depth === 0 && skip.has(name))) walkJs(dir, r, depth + 1, skip, out);
    else if (st.isFile() && /\.[cm]?js$/.test(name) && st.size <= MAX_BYTES) out.push(r);
  }
}

/** The package's run-time JavaScript files (not nested node_modules, tests, benchmarks or build scripts), relative to it; bounded. */
export function jsFilesOf(pkg: Pick<InstalledPackage, 'dir' | 'json'>): string[] {
  const entries = entryFolders(pkg.json);
  const out: string[] = [];
  walkJs(pkg.dir, '', 0, new Set(NOT_RUNTIME.filter((d) => d === 'node_modules' || !entries.has(d))), out);
  return out;
}

/** The first of the package's files whose code loads a file of its own by path, or undefined. */
export function loadsOwnFileByPath(pkg: Pick<InstalledPackage, 'dir' | 'json'>): string | undefined {
  return jsFilesOf(pkg).find((r) => {
    const code = readFileSync(path.join(pkg.dir, r), 'utf8');
    return BY_PATH_PATTERNS.some((p) => p.test(code));
  });
}

/** Why `pkg` must be shipped unbundled (`known list` or the file that loads by path), or undefined. */
export function byPathReason(pkg: InstalledPackage): string | undefined {
  if (KNOWN_BY_PATH.includes(pkg.name)) return 'known list';
  return loadsOwnFileByPath(pkg);
}
