/**
 * Native addons in the app's dependency tree: which packages carry one,
 * through which loader (node-gyp-build, bindings, node-pre-gyp,
 * prebuild-install, napi-rs or other optional platform packages such as
 * sharp's @img/sharp-linux-x64, or a direct require of build/Release), and
 * which of their .node files can load on
 * the target: an ELF shared object of the package's architecture, linked
 * against glibc (musl builds are left out). Such packages are shipped
 * unbundled (src/bundle/layout.ts); a package without a loadable build for
 * the target is refused here, before anything is written.
 */
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { elfDebianArch } from './elf.js';
import { resolvePackage, type InstalledPackage, type PackageManifest, type Supplements } from './packages.js';

export type NativeLoader = 'node-gyp-build' | 'bindings' | 'node-pre-gyp' | 'prebuild-install' | 'napi-rs' | 'platform-package' | 'build/Release';

/** Debian architecture to node's process.arch. */
const NODE_ARCH: Readonly<Record<string, string>> = { amd64: 'x64', arm64: 'arm64', armhf: 'arm', i386: 'ia32', ppc64el: 'ppc64', s390x: 's390x', riscv64: 'riscv64' };

/** node's process.arch for a Debian architecture (the arch itself when unknown). */
export function nodeArchOf(debArch: string): string {
  return NODE_ARCH[debArch] ?? debArch;
}

/** The Debian architecture of the host (this node). */
export function hostDebianArch(): string {
  return Object.entries(NODE_ARCH).find(([, n]) => n === process.arch)?.[0] ?? process.arch;
}

const LOADER_DEPS: ReadonlyArray<readonly [string, NativeLoader]> = [
  ['node-gyp-build', 'node-gyp-build'],
  ['bindings', 'bindings'],
  ['@mapbox/node-pre-gyp', 'node-pre-gyp'],
  ['node-pre-gyp', 'node-pre-gyp'],
  ['prebuild-install', 'prebuild-install'],
];

/** node-gyp's intermediate output (build/Release/obj.target/x.node is a copy of build/Release/x.node). */
export const GYP_INTERMEDIATE = /^build\/[^/]+\/obj(\.target)?\//;

/** The .node files of a package's own folder (not of its nested node_modules or node-gyp's intermediate output), relative to it. */
export function addonFilesOf(dir: string, rel = '', depth = 0): string[] {
  if (depth > 12) return [];
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory() && name !== 'node_modules' && !GYP_INTERMEDIATE.test(`${r}/`)) out.push(...addonFilesOf(dir, r, depth + 1));
    else if (st.isFile() && name.endsWith('.node')) out.push(r);
  }
  return out;
}

/** True for a platform package (package.json `os`/`cpu`, e.g. @node-rs/bcrypt-linux-x64-gnu, @img/sharp-linux-x64). */
export function isPlatformPackage(pkg: InstalledPackage): boolean {
  return pkg.json.os !== undefined || pkg.json.cpu !== undefined;
}

// npm's os/cpu/libc rule: a list allows `value` unless it names '!value', or names others only.
function allows(field: unknown, value: string): boolean {
  const list = typeof field === 'string' ? [field] : Array.isArray(field) ? field.filter((v): v is string => typeof v === 'string') : [];
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((v) => !v.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/** Whether a package's os/cpu/libc admit linux with glibc on `arch` (a name saying musl counts as libc musl). */
export function platformMatches(json: PackageManifest, name: string, arch: string): boolean {
  const glibc = json.libc !== undefined ? allows(json.libc, 'glibc') : !/musl/i.test(name);
  return allows(json.os, 'linux') && allows(json.cpu, nodeArchOf(arch)) && glibc;
}

/** The installed (or supplied) optional dependencies of `pkg` that are platform packages. */
export function platformDependencies(pkg: InstalledPackage, extra?: Supplements): InstalledPackage[] {
  return Object.keys(pkg.json.optionalDependencies ?? {})
    .map((n) => resolvePackage(n, pkg.dir, extra))
    .filter((d): d is InstalledPackage => d !== undefined && isPlatformPackage(d));
}

function napiPlatformNames(pkg: InstalledPackage): string[] {
  const prefix = `${pkg.name}-`;
  return Object.keys(pkg.json.optionalDependencies ?? {}).filter((n) => n.startsWith(prefix) && /-(linux|darwin|win32|freebsd|android)-/.test(n.slice(pkg.name.length)));
}

/** The loader a package uses for its addon, or undefined for a pure-JS package. */
export function nativeLoaderOf(pkg: InstalledPackage, extra?: Supplements): NativeLoader | undefined {
  const deps = { ...pkg.json.dependencies, ...pkg.json.optionalDependencies };
  if (pkg.json.napi !== undefined || napiPlatformNames(pkg).length > 0) return 'napi-rs';
  for (const [dep, loader] of LOADER_DEPS) if (dep in deps) return loader;
  if (isPlatformPackage(pkg)) return undefined; // loaded by its parent package
  if (platformDependencies(pkg, extra).some((d) => addonFilesOf(d.dir).length > 0)) return 'platform-package';
  return pkg.json.gypfile === true || addonFilesOf(pkg.dir).length > 0 ? 'build/Release' : undefined;
}

// node-gyp-build's prebuilds/PLATFORM-ARCH[+ARCH]/ folders.
function prebuildFor(folder: string, arch: string): boolean {
  const [platform, archs = ''] = folder.split(/-(.*)/s);
  return platform === 'linux' && archs.split('+').includes(nodeArchOf(arch));
}

/** Why an addon file cannot load on `arch` (undefined when it can). */
export function unusableReason(file: string, arch: string): string | undefined {
  if (/musl/i.test(file)) return 'a musl build';
  const m = /(?:^|\/)prebuilds\/([^/]+)\//.exec(file);
  if (m && !prebuildFor(m[1]!, arch)) return `a build for ${m[1]}`;
  let head: Buffer;
  try {
    head = readFileSync(file).subarray(0, 20);
  } catch {
    return 'unreadable';
  }
  try {
    const a = elfDebianArch(head, file, true);
    return a === arch ? undefined : `an ${a} build`;
  } catch {
    return 'not a Linux shared object';
  }
}

/** The loadable (relative) .node files of a package for `arch`. */
export function usableAddons(pkg: InstalledPackage, arch: string): string[] {
  return addonFilesOf(pkg.dir).filter((r) => unusableReason(path.join(pkg.dir, r), arch) === undefined);
}

/** A native package of the app, checked for the target arch. */
export interface NativePackage {
  readonly pkg: InstalledPackage;
  readonly loader: NativeLoader;
  /** The package whose .node files load (itself, or its napi-rs platform package). */
  readonly provider: InstalledPackage;
  /** The provider's loadable .node files, relative to its folder. */
  readonly addons: readonly string[];
}

function missing(pkg: InstalledPackage, loader: NativeLoader, arch: string, detail: string): DataError {
  return new DataError('tacd.addon.missing', `${pkg.name}@${pkg.version} (${pkg.dir}): its ${loader} addon has no build for ${arch} (linux, glibc): ${detail}; install it for that arch or build the package on an ${arch} host`, { field: 'arch' });
}

/** Why no platform package of `pkg` serves `arch`, naming the one it would be where its name says so. */
function noPlatformBuild(pkg: InstalledPackage, arch: string): string {
  const token = new RegExp(`-linux-${nodeArchOf(arch)}(-|$)`);
  const named = Object.keys(pkg.json.optionalDependencies ?? {}).filter((n) => token.test(n) && platformMatches({}, n, arch));
  if (named.length === 0) return `none of its optionalDependencies is a build for linux-${nodeArchOf(arch)}`;
  return `${named.join(', ')} ${named.length === 1 ? 'is' : 'are'} not installed`;
}

/** An addon shipped in optional platform packages (napi-rs, sharp's @img/*): the own build, else the matching platform package's. */
function checkPlatformNative(pkg: InstalledPackage, loader: NativeLoader, arch: string, extra?: Supplements): NativePackage {
  const own = usableAddons(pkg, arch);
  if (own.length > 0) return { pkg, loader, provider: pkg, addons: own };
  const matching = platformDependencies(pkg, extra).filter((d) => platformMatches(d.json, d.name, arch));
  for (const provider of matching) {
    const addons = usableAddons(provider, arch);
    if (addons.length > 0) return { pkg, loader, provider, addons };
  }
  if (matching.length > 0) throw missing(pkg, loader, arch, `${matching.map((d) => d.name).join(', ')} has no loadable .node file`);
  throw missing(pkg, loader, arch, noPlatformBuild(pkg, arch));
}

/**
 * Checks one native package for `arch`. @throws DataError (65) naming the
 * package, its loader and the arch when no build for the target is installed
 * (or supplied: `extra`).
 */
export function checkNative(pkg: InstalledPackage, loader: NativeLoader, arch: string, extra?: Supplements): NativePackage {
  if (loader === 'napi-rs' || loader === 'platform-package') return checkPlatformNative(pkg, loader, arch, extra);
  const addons = usableAddons(pkg, arch);
  if (addons.length === 0) {
    const found = addonFilesOf(pkg.dir);
    const why = found.length === 0 ? 'no .node file was built or shipped (was the install script skipped?)' : `found only ${found.map((f) => `${f} (${unusableReason(path.join(pkg.dir, f), arch)})`).join(', ')}`;
    throw missing(pkg, loader, arch, why);
  }
  return { pkg, loader, provider: pkg, addons };
}
