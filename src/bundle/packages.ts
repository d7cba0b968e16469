/**
 * The app's installed dependency tree as node would resolve it at run time:
 * each package's real folder (symlinks followed, so pnpm's
 * node_modules/.pnpm store and npm workspaces hoisted to a parent folder
 * resolve as they do for node), its package.json and the packages its
 * dependencies and optionalDependencies resolve to. An optional dependency
 * that is not installed (another platform's build) is simply absent, unless
 * the build supplies it: a cross build's platform packages for the target
 * arch, fetched from the registry (src/runtime/platform-packages.ts), are
 * Supplements, found where node resolution finds nothing.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** One installed package. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Its real folder (symlinks resolved). */
  readonly dir: string;
  readonly json: PackageManifest;
}

/** Packages the build supplies by name where the tree has none (the target arch's platform packages). */
export type Supplements = ReadonlyMap<string, InstalledPackage>;

const NONE: Supplements = new Map();

/** The package.json fields read here. */
export interface PackageManifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly gypfile?: boolean;
  readonly binary?: unknown;
  readonly napi?: unknown;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly os?: unknown;
  readonly cpu?: unknown;
  readonly libc?: unknown;
}

/** Reads `dir/package.json`; undefined when absent or not JSON. */
export function readManifest(dir: string): PackageManifest | undefined {
  try {
    const raw = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as unknown;
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as PackageManifest) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package `name` as node resolves it from `fromDir`: the first
 * `node_modules/NAME` with a package.json in `fromDir` or a parent folder;
 * else the supplied one of that name.
 */
export function resolvePackage(name: string, fromDir: string, extra: Supplements = NONE): InstalledPackage | undefined {
  for (let cur = fromDir; ; cur = path.dirname(cur)) {
    const candidate = path.join(cur, 'node_modules', name);
    if (path.basename(cur) !== 'node_modules' && existsSync(path.join(candidate, 'package.json'))) {
      const dir = realpathSync(candidate);
      const json = readManifest(dir) ?? {};
      return { name, version: json.version ?? '0.0.0', dir, json };
    }
    if (path.dirname(cur) === cur) return extra.get(name);
  }
}

/** The names a package depends on at run time (dependencies, optional and peer dependencies). */
export function runtimeDependencyNames(json: PackageManifest): string[] {
  return [...new Set([...Object.keys(json.dependencies ?? {}), ...Object.keys(json.optionalDependencies ?? {}), ...Object.keys(json.peerDependencies ?? {})])];
}

/** The installed packages `pkg`'s run-time dependencies resolve to (missing optional ones left out). */
export function dependenciesOf(pkg: Pick<InstalledPackage, 'dir' | 'json'>, extra: Supplements = NONE): InstalledPackage[] {
  return runtimeDependencyNames(pkg.json)
    .map((n) => resolvePackage(n, pkg.dir, extra))
    .filter((p): p is InstalledPackage => p !== undefined);
}

/** A package reached from the roots, with the package that first required it (undefined for a root). */
export interface ReachedPackage {
  readonly pkg: InstalledPackage;
  readonly parent: ReachedPackage | undefined;
}

/**
 * Every package reachable from `roots` (breadth first, each real folder
 * once), with the first dependent that reached it. Bounded by the tree itself.
 */
export function reachable(roots: readonly InstalledPackage[], extra: Supplements = NONE): ReachedPackage[] {
  const seen = new Set<string>();
  const out: ReachedPackage[] = [];
  const queue: ReachedPackage[] = roots.map((pkg) => ({ pkg, parent: undefined }));
  while (queue.length > 0) {
    const r = queue.shift()!;
    if (seen.has(r.pkg.dir)) continue;
    seen.add(r.pkg.dir);
    out.push(r);
    for (const d of dependenciesOf(r.pkg, extra)) if (!seen.has(d.dir)) queue.push({ pkg: d, parent: r });
  }
  return out;
}

/** The app's whole production tree: everything its package.json's dependencies reach. */
export function productionTree(appRoot: string, extra: Supplements = NONE): ReachedPackage[] {
  const json = readManifest(appRoot);
  return json ? reachable(dependenciesOf({ dir: appRoot, json }, extra), extra) : [];
}
