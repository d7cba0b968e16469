/**
 * What of the app's dependency tree is shipped unbundled, in
 * /usr/lib/NAME/node_modules: every package with a native addon (checked
 * for the target arch, src/bundle/native.ts), every package that loads its
 * own files by path (worker and transport entry points, src/bundle/by-path.ts)
 * and every package named in `tacd.external`, each with its run-time dependencies. The bundler treats
 * their names as external, so the bundle require()s them from there.
 */
import path from 'node:path';
import { DataError } from '../core/errors.js';
import type { BundledFile } from './bundle.js';
import { byPathReason } from './by-path.js';
import { placedFiles, placePackages } from './layout.js';
import { checkNative, isPlatformPackage, nativeLoaderOf, type NativeLoader, type NativePackage } from './native.js';
import { productionTree, resolvePackage, type InstalledPackage, type Supplements } from './packages.js';

/** One native addon shipped, for the build report. */
export interface AddonRecord {
  readonly package: string;
  readonly version: string;
  readonly loader: NativeLoader;
  /** Relative to /usr/lib/NAME. */
  readonly file: string;
}

export interface Unbundled {
  /** Package names the bundler leaves external. */
  readonly external: readonly string[];
  readonly files: readonly BundledFile[];
  readonly addons: readonly AddonRecord[];
}

/** The native packages of the tree (platform packages come with their parent), checked for `arch`. */
export function nativePackages(appRoot: string, arch: string, extra?: Supplements, tree = productionTree(appRoot, extra)): NativePackage[] {
  const out: NativePackage[] = [];
  for (const { pkg } of tree) {
    if (isPlatformPackage(pkg)) continue;
    const loader = nativeLoaderOf(pkg, extra);
    if (loader) out.push(checkNative(pkg, loader, arch, extra));
  }
  return out;
}

/**
 * The packages of the tree that load their own files by path, one per name
 * (the one nearest the app: the bundle requires a name from the top of
 * node_modules), leaving out names in `taken`.
 */
export function byPathPackages(tree: readonly { pkg: InstalledPackage }[], taken: ReadonlySet<string>): InstalledPackage[] {
  const out = new Map<string, InstalledPackage>();
  for (const { pkg } of tree) if (!taken.has(pkg.name) && !out.has(pkg.name) && byPathReason(pkg) !== undefined) out.set(pkg.name, pkg);
  return [...out.values()];
}

function externalPackage(name: string, appRoot: string): InstalledPackage {
  const pkg = resolvePackage(name, appRoot);
  if (!pkg) throw new DataError('tacd.external.missing', `tacd.external: '${name}' is not installed (no node_modules/${name} from ${appRoot}); run npm install first`, { field: 'tacd.external' });
  return pkg;
}

function addonRecords(natives: readonly NativePackage[], placed: readonly { pkg: InstalledPackage; dest: string }[]): AddonRecord[] {
  const out: AddonRecord[] = [];
  for (const n of natives) {
    const dest = placed.find((p) => p.pkg.dir === n.provider.dir)?.dest;
    if (dest === undefined) continue;
    for (const a of n.addons) out.push({ package: n.pkg.name, version: n.pkg.version, loader: n.loader, file: `${dest}/${a}` });
  }
  return out;
}

/**
 * Finds and lays out what is shipped unbundled (natives, tacd.external, then
 * the packages loading files by path). @throws DataError (65) for a
 * native package without a build for `arch`, or a missing tacd.external package.
 * `extra`: the target arch's platform packages a cross build fetched.
 */
export function unbundledPackages(appRoot: string, arch: string, external: readonly string[], extra?: Supplements): Unbundled {
  const tree = productionTree(path.resolve(appRoot), extra);
  const natives = nativePackages(path.resolve(appRoot), arch, extra, tree);
  const declared = [...natives.map((n) => n.pkg), ...external.map((e) => externalPackage(e, appRoot))];
  const roots = [...declared, ...byPathPackages(tree, new Set(declared.map((p) => p.name)))];
  if (roots.length === 0) return { external: [], files: [], addons: [] };
  const placed = placePackages(roots, arch, extra);
  return { external: [...new Set(roots.map((r) => r.name))], files: placedFiles(placed, arch), addons: addonRecords(natives, placed) };
}
