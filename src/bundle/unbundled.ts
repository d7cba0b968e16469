/**
 * What of the app's dependency tree is shipped unbundled, in
 * /usr/lib/NAME/node_modules: every package with a native addon (checked
 * for the target arch, src/bundle/native.ts) and every package named in
 * `tacd.external`, each with its run-time dependencies. The bundler treats
 * their names as external, so the bundle require()s them from there.
 */
import path from 'node:path';
import { DataError } from '../core/errors.js';
import type { BundledFile } from './bundle.js';
import { placedFiles, placePackages } from './layout.js';
import { checkNative, isPlatformPackage, nativeLoaderOf, type NativeLoader, type NativePackage } from './native.js';
import { productionTree, resolvePackage, type InstalledPackage } from './packages.js';

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
export function nativePackages(appRoot: string, arch: string): NativePackage[] {
  const out: NativePackage[] = [];
  for (const { pkg } of productionTree(appRoot)) {
    if (isPlatformPackage(pkg)) continue;
    const loader = nativeLoaderOf(pkg);
    if (loader) out.push(checkNative(pkg, loader, arch));
  }
  return out;
}

function externalPackage(name: string, appRoot: string): InstalledPackage {
  const pkg = resolvePackage(name, appRoot);
  if (!pkg) throw new DataError('ts2deb.external.missing', `tacd.external: '${name}' is not installed (no node_modules/${name} from ${appRoot}); run npm install first`, { field: 'tacd.external' });
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
 * Finds and lays out what is shipped unbundled. @throws DataError (65) for a
 * native package without a build for `arch`, or a missing tacd.external package.
 */
export function unbundledPackages(appRoot: string, arch: string, external: readonly string[]): Unbundled {
  const natives = nativePackages(path.resolve(appRoot), arch);
  const roots = [...natives.map((n) => n.pkg), ...external.map((e) => externalPackage(e, appRoot))];
  if (roots.length === 0) return { external: [], files: [], addons: [] };
  const placed = placePackages(roots, arch);
  return { external: [...new Set(roots.map((r) => r.name))], files: placedFiles(placed, arch), addons: addonRecords(natives, placed) };
}
