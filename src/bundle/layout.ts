/**
 * Lays out the packages shipped unbundled (native addons, `tacd.external`)
 * in a node_modules folder beside the archive, /usr/lib/NAME/node_modules,
 * where the bundle's require() finds them (the launcher gives main.cjs that
 * folder's module paths). Each package is copied whole from its real folder
 * (so node-gyp-build, bindings, node-pre-gyp and napi-rs find their .node
 * files unchanged, and an addon's $ORIGIN rpath into a sibling package
 * keeps its relative layout) with its run-time dependencies placed as npm
 * hoists them: at the top when the name is free, else nested under the
 * dependent. npm, npm-workspace and pnpm trees all come out the same way.
 * Addons that cannot load on the target (other platforms' prebuilds, musl
 * builds, other archs), node-gyp's intermediate build files and a package's
 * tests, benchmarks, examples, docs and CI folders are left out.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import type { BundledFile } from './bundle.js';
import { entryFolders } from './by-path.js';
import { GYP_INTERMEDIATE, isPlatformPackage, platformMatches, unusableReason } from './native.js';
import { dependenciesOf, type InstalledPackage, type Supplements } from './packages.js';

/** A package placed at `dest` ('node_modules/ws', 'node_modules/a/node_modules/b'). */
export interface Placement {
  readonly pkg: InstalledPackage;
  readonly dest: string;
}

const MAX_PLACEMENTS = 20_000;

// Where node would find `name` from a package at `dest` in the layout so far.
function resolveInLayout(layout: ReadonlyMap<string, InstalledPackage>, dest: string, name: string): string | undefined {
  const parts = dest.split('/');
  for (let i = parts.length; i >= 0; i--) {
    if (parts[i - 1] === 'node_modules') continue;
    const cand = [...parts.slice(0, i), 'node_modules', name].join('/');
    if (layout.has(cand)) return cand;
  }
  return undefined;
}

// A platform package is shipped only when its os/cpu/libc admit the target (not another OS's, arch's or libc's build).
function shippable(pkg: InstalledPackage, arch: string): boolean {
  return !isPlatformPackage(pkg) || platformMatches(pkg.json, pkg.name, arch);
}

/**
 * Places `roots` and everything they need. @throws DataError when two roots
 * are different packages of one name, or the tree does not settle.
 */
export function placePackages(roots: readonly InstalledPackage[], arch: string, extra?: Supplements): Placement[] {
  const layout = new Map<string, InstalledPackage>();
  const queue: Placement[] = [];
  const put = (pkg: InstalledPackage, dest: string): void => {
    if (layout.size >= MAX_PLACEMENTS) throw new DataError('tacd.external.tree', `the unbundled dependency tree did not settle after ${MAX_PLACEMENTS} packages`, { field: 'tacd.external' });
    layout.set(dest, pkg);
    queue.push({ pkg, dest });
  };
  for (const r of roots) {
    const dest = `node_modules/${r.name}`;
    const there = layout.get(dest);
    if (there && there.dir !== r.dir) throw new DataError('tacd.external.conflict', `two packages named ${r.name} must be shipped unbundled: ${there.dir} and ${r.dir}`, { field: 'tacd.external' });
    if (!there) put(r, dest);
  }
  for (let i = 0; i < queue.length; i++) {
    const { pkg, dest } = queue[i]!;
    for (const dep of dependenciesOf(pkg, extra)) {
      if (!shippable(dep, arch)) continue;
      const found = resolveInLayout(layout, dest, dep.name);
      if (found !== undefined && layout.get(found)!.dir === dep.dir) continue;
      const top = `node_modules/${dep.name}`;
      put(dep, found === undefined && !layout.has(top) ? top : `${dest}/node_modules/${dep.name}`);
    }
  }
  return queue;
}

/** A package's top-level folders that no run-time code loads (tests, benchmarks, examples, docs, CI), unless its main or exports point there. */
const NOT_SHIPPED = new Set(['test', 'tests', '__tests__', 'benchmark', 'benchmarks', 'bench', 'example', 'examples', 'docs', 'coverage', '.github', '.husky', '.vscode', '.nyc_output']);

/** What placedFiles leaves out of one package: its non-run-time top-level folders (NOT_SHIPPED less its entry folders). */
function notShipped(pkg: InstalledPackage): ReadonlySet<string> {
  const entries = entryFolders(pkg.json);
  return new Set([...NOT_SHIPPED].filter((d) => !entries.has(d)));
}

// Files of a package folder that are not shipped: nested node_modules (placed separately), node-gyp's intermediate build output, addons that cannot load.
function skipped(rel: string, abs: string, arch: string, gyp: boolean, dir: boolean): boolean {
  if (/(^|\/)node_modules(\/|$)/.test(rel)) return true;
  if (gyp && GYP_INTERMEDIATE.test(dir ? `${rel}/` : rel)) return true;
  if (dir) return false;
  if (gyp && /^build\//.test(rel) && !/\.(node|so(\.\d+)*)$/.test(rel)) return true;
  return rel.endsWith('.node') && unusableReason(abs, arch) !== undefined;
}

function packageFiles(dir: string, arch: string, gyp: boolean, omit: ReadonlySet<string>, rel = '', depth = 0): string[] {
  if (depth > 40) return [];
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const abs = path.join(dir, r);
    const st = lstatSync(abs);
    if (skipped(r, abs, arch, gyp, st.isDirectory()) || (depth === 0 && st.isDirectory() && omit.has(name))) continue;
    if (st.isDirectory()) out.push(...packageFiles(dir, arch, gyp, omit, r, depth + 1));
    else if (st.isFile()) out.push(r);
  }
  return out;
}

/** The files of the placed packages, as bundle files relative to /usr/lib/NAME. */
export function placedFiles(placements: readonly Placement[], arch: string): BundledFile[] {
  const out: BundledFile[] = [];
  for (const { pkg, dest } of placements) {
    for (const rel of packageFiles(pkg.dir, arch, existsSync(path.join(pkg.dir, 'binding.gyp')), notShipped(pkg))) {
      const abs = path.join(pkg.dir, rel);
      const executable = (lstatSync(abs).mode & 0o111) !== 0 && !rel.endsWith('.node');
      out.push({ rel: `${dest}/${rel}`, data: readFileSync(abs), mode: executable ? 0o755 : 0o644 });
    }
  }
  return out;
}
