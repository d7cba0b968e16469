/**
 * Native addons in the app's dependency tree: which packages carry one,
 * through which loader (node-gyp-build, bindings, node-pre-gyp,
 * prebuild-install, napi-rs optional platform packages, or a direct
 * require of build/Release), and which of their .node files can load on
 * the target: an ELF shared object of the package's architecture, linked
 * against glibc (musl builds are left out). Such packages are shipped
 * unbundled (src/bundle/layout.ts); a package without a loadable build for
 * the target is refused here, before anything is written.
 */
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { elfDebianArch } from './elf.js';
import { resolvePackage, type InstalledPackage } from './packages.js';

export type NativeLoader = 'node-gyp-build' | 'bindings' | 'node-pre-gyp' | 'prebuild-install' | 'napi-rs' | 'build/Release';

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

/** True for a napi-rs style platform package (package.json `os`/`cpu`, e.g. @node-rs/bcrypt-linux-x64-gnu). */
export function isPlatformPackage(pkg: InstalledPackage): boolean {
  const j = pkg.json as { os?: unknown; cpu?: unknown };
  return j.os !== undefined || j.cpu !== undefined;
}

function napiPlatformNames(pkg: InstalledPackage): string[] {
  const prefix = `${pkg.name}-`;
  return Object.keys(pkg.json.optionalDependencies ?? {}).filter((n) => n.startsWith(prefix) && /-(linux|darwin|win32|freebsd|android)-/.test(n.slice(pkg.name.length)));
}

/** The loader a package uses for its addon, or undefined for a pure-JS package. */
export function nativeLoaderOf(pkg: InstalledPackage): NativeLoader | undefined {
  const deps = { ...pkg.json.dependencies, ...pkg.json.optionalDependencies };
  if (pkg.json.napi !== undefined || napiPlatformNames(pkg).length > 0) return 'napi-rs';
  for (const [dep, loader] of LOADER_DEPS) if (dep in deps) return loader;
  if (isPlatformPackage(pkg)) return undefined; // loaded by its parent package
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

function napiTarget(pkg: InstalledPackage, arch: string): string {
  const abi = arch === 'armhf' ? 'gnueabihf' : 'gnu';
  return `${pkg.name}-linux-${nodeArchOf(arch)}-${abi}`;
}

function missing(pkg: InstalledPackage, loader: NativeLoader, arch: string, detail: string): DataError {
  return new DataError('tacd.addon.missing', `${pkg.name}@${pkg.version} (${pkg.dir}): its ${loader} addon has no build for ${arch} (linux, glibc): ${detail}; install it for that arch or build the package on an ${arch} host`, { field: 'arch' });
}

/**
 * Checks one native package for `arch`. @throws DataError (65) naming the
 * package, its loader and the arch when no build for the target is installed.
 */
export function checkNative(pkg: InstalledPackage, loader: NativeLoader, arch: string): NativePackage {
  if (loader === 'napi-rs') {
    const own = usableAddons(pkg, arch);
    if (own.length > 0) return { pkg, loader, provider: pkg, addons: own };
    const target = napiTarget(pkg, arch);
    const provider = resolvePackage(target, pkg.dir);
    if (!provider) throw missing(pkg, loader, arch, `${target} is not installed`);
    const addons = usableAddons(provider, arch);
    if (addons.length === 0) throw missing(pkg, loader, arch, `${target} has no loadable .node file`);
    return { pkg, loader, provider, addons };
  }
  const addons = usableAddons(pkg, arch);
  if (addons.length === 0) {
    const found = addonFilesOf(pkg.dir);
    const why = found.length === 0 ? 'no .node file was built or shipped (was the install script skipped?)' : `found only ${found.map((f) => `${f} (${unusableReason(path.join(pkg.dir, f), arch)})`).join(', ')}`;
    throw missing(pkg, loader, arch, why);
  }
  return { pkg, loader, provider: pkg, addons };
}
