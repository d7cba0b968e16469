/**
 * A cross build's native addons: npm installs only the host's optional
 * platform packages (@node-rs/bcrypt-linux-x64-gnu, @img/sharp-linux-x64,
 * @img/sharp-libvips-linux-x64), so for another target arch the app's tree
 * lacks the ones that arch loads. They are fetched here from the registry,
 * at the version the parent package asks for (its optionalDependencies),
 * checked against dist.integrity and cached (package-cache.ts), and handed to
 * the bundler as Supplements, found where node resolution finds nothing.
 * Packages that build on install (node-gyp) or download at install time
 * (prebuild-install, node-pre-gyp) have nothing in the registry for another
 * arch: the bundler refuses those, naming them (src/bundle/native.ts).
 */
import semver from 'semver';
import { DataError } from '../core/errors.js';
import { isPlatformPackage, nativeLoaderOf, nodeArchOf, platformDependencies, platformMatches } from '../bundle/native.js';
import { productionTree, resolvePackage, type InstalledPackage, type Supplements } from '../bundle/packages.js';
import { ensurePackage, type FetchedPackage, type PackageFetch } from './package-cache.js';
import { packument, registryUrl, type Packument } from './registry.js';

/** An optional platform dependency the tree lacks for the target. */
export interface WantedPackage {
  readonly name: string;
  readonly range: string;
  /** The package that asks for it. */
  readonly parent: InstalledPackage;
}

/** Rounds of "fetch, then look at what the fetched ones need" (sharp-linux-arm64 needs sharp-libvips-linux-arm64). */
const MAX_ROUNDS = 4;

/** True for a name that says it is a linux build for `arch` (not musl): '@img/sharp-linux-arm64', 'x-linux-arm-gnueabihf'. */
export function namesTarget(name: string, arch: string): boolean {
  return new RegExp(`[-/]linux-${nodeArchOf(arch)}(-|$)`).test(name) && platformMatches({}, name, arch);
}

// A package that loads its addon from platform packages, or is one (and may need another).
function loadsPlatformPackages(pkg: InstalledPackage, arch: string, extra: Supplements): boolean {
  if (isPlatformPackage(pkg)) return platformMatches(pkg.json, pkg.name, arch);
  return nativeLoaderOf(pkg, extra) === 'napi-rs' || platformDependencies(pkg, extra).length > 0;
}

/** The target's platform packages the tree asks for and does not hold (one per name). */
export function wantedPlatformPackages(tree: readonly { pkg: InstalledPackage }[], arch: string, extra: Supplements): WantedPackage[] {
  const out = new Map<string, WantedPackage>();
  for (const { pkg } of tree) {
    if (!loadsPlatformPackages(pkg, arch, extra)) continue;
    for (const [name, range] of Object.entries(pkg.json.optionalDependencies ?? {})) {
      if (!out.has(name) && namesTarget(name, arch) && resolvePackage(name, pkg.dir, extra) === undefined) out.set(name, { name, range, parent: pkg });
    }
  }
  return [...out.values()];
}

/** The newest version of `doc` in the parent's range. @throws DataError (65) naming both when there is none. */
export function pickPlatformVersion(doc: Packument, want: WantedPackage): string {
  const v = semver.maxSatisfying(Object.keys(doc.versions), want.range);
  if (v !== null) return v;
  throw new DataError('tacd.addon.fetch', `${want.name}@${want.range} (an optional dependency of ${want.parent.name}@${want.parent.version}): the registry has no such version`, { field: 'arch' });
}

export interface PlatformRequest extends Omit<PackageFetch, 'name' | 'version' | 'dist' | 'cacheDir'> {
  readonly appRoot: string;
  readonly arch: string;
}

/** Resolves, fetches (or reuses) one wanted package; undefined when the registry's build is for another platform. */
async function fetchWanted(req: PlatformRequest, want: WantedPackage, registry: string, cacheDir: string): Promise<FetchedPackage | undefined> {
  const doc = await packument(cacheDir, registry, want.name, req.env);
  const version = pickPlatformVersion(doc, want);
  const meta = doc.versions[version]!;
  if (!platformMatches(meta, want.name, req.arch)) return undefined;
  return ensurePackage({ ...req, name: want.name, version, dist: meta.dist, cacheDir });
}

/** What a cross build supplied: the packages by name, and which were downloaded now. */
export interface PlatformSupply {
  readonly supplements: Supplements;
  readonly fetched: readonly string[];
}

/**
 * The target arch's platform packages the app's tree lacks, from the cache or
 * the registry. @throws DataError (65) for a version the registry lacks or an
 * integrity mismatch; UnavailableError (69) when the registry fails.
 */
export async function ensurePlatformPackages(req: PlatformRequest, cacheDir: string): Promise<PlatformSupply> {
  const extra = new Map<string, InstalledPackage>();
  const fetched: string[] = [];
  let registry: string | undefined; // asked only when something is wanted (npm config get takes ~0.3 s)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const wanted = wantedPlatformPackages(productionTree(req.appRoot, extra), req.arch, extra);
    if (wanted.length === 0) break;
    registry ??= await registryUrl(req.env);
    for (const w of wanted) {
      const got = await fetchWanted(req, w, registry, cacheDir);
      if (got) extra.set(w.name, got);
      if (got?.fetchedNow) fetched.push(`${got.name}@${got.version}`);
    }
    if (wanted.every((w) => !extra.has(w.name))) break;
  }
  return { supplements: extra, fetched };
}
