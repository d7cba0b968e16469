/**
 * A cached, minimal Debian root file system that boots a real systemd in
 * systemd-nspawn (see container.ts). Built once with mmdebstrap (debootstrap
 * when mmdebstrap is missing) from the Debian mirror in apt's own
 * configuration, then reused read-only as the lower layer of every boot.
 *
 *   rootfs/cache.ts        cache layout, keys, generations, pruning
 *   rootfs/lock.ts         the flock(1) lock between processes
 *   rootfs/apt-sources.ts  the Debian mirror, from /etc/apt
 *   rootfs/builder.ts      mmdebstrap / debootstrap
 *   rootfs/build.ts        one build: tmpfs scratch, set-up, stage, meta.json
 *   rootfs/image.ts        the image set-up steps
 *   rootfs/node-deb.ts     the host's Node as package nodejs
 *
 * An entry older than maxAgeDays (default 30, env TACD_ROOTFS_MAX_AGE_DAYS) is
 * rebuilt as a new generation; older generations are deleted once no overlay
 * mount uses them, so a rebuild never pulls the tree from under a running
 * container. `rm -rf` the cache dir to start over. The key hashes the recipe
 * (suite, builder, package list, baked-in debs), so variants with extra
 * packages (nodejs, rpm, ...) live side by side.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { requirePrograms, requireRoot } from './host.js';
import { build } from './rootfs/build.js';
import { chooseBuilder } from './rootfs/builder.js';
import { cacheKey, defaultProgress, freshEntry, pruneGenerations, removeLeftovers, rootfsCacheDir, type RootfsBuilder } from './rootfs/cache.js';
import { withFileLock } from './rootfs/lock.js';
import { hostNodeDeb } from './rootfs/node-deb.js';

export type { RootfsBuilder } from './rootfs/cache.js';

/** Installed into every rootfs on top of --variant=minbase. */
export const BASE_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'init-system-helpers', // deb-systemd-helper, deb-systemd-invoke
  'procps',
  'ca-certificates',
  'curl',
  'adduser',
  'netbase',
  'iproute2', // ss, for "is it listening" checks
];

export interface RootfsOptions {
  /** Cache directory; default env TACD_ROOTFS_CACHE or /var/cache/tacd/rootfs. */
  readonly cacheDir?: string;
  /** Debian suite; default bookworm. */
  readonly suite?: string;
  /** Packages added to BASE_PACKAGES (e.g. ['rpm']); each distinct list is its own cached variant. */
  readonly extraPackages?: readonly string[];
  /**
   * Bake the host's Node (hostNodeDeb()) into the image, so `Depends: nodejs (>= 20)`
   * is satisfied offline. Part of the cache key (by the node version).
   */
  readonly hostNode?: boolean;
  /** A foreign Debian architecture (arm64 on amd64): built and booted under qemu-user-static (binfmt.ts); default the host's. */
  readonly arch?: string;
  /** Default: mmdebstrap when installed, else debootstrap. */
  readonly builder?: RootfsBuilder;
  /** Build a new generation even when a fresh cached entry exists. */
  readonly rebuild?: boolean;
  /** Rebuild entries older than this; default env TACD_ROOTFS_MAX_AGE_DAYS or 30. */
  readonly maxAgeDays?: number;
  /** Progress lines for the slow build; default: written to stderr. */
  readonly onProgress?: (line: string) => void;
}

/**
 * The image for package lifecycle checks (tests and `ts2deb verify`): base +
 * rpm, with the host's Node baked in as package `nodejs` (satisfies
 * `Depends: nodejs (>= 20)` offline). Use this value so every user shares one
 * cached variant, and a fresh host builds one image.
 */
export const LIFECYCLE_ROOTFS: RootfsOptions = Object.freeze({ hostNode: true, extraPackages: Object.freeze(['rpm']) });

export interface Rootfs {
  /** The tree to use as overlay lower dir (or systemd-nspawn -D). */
  readonly path: string;
  /** Cache key (hex) of this variant. */
  readonly key: string;
  readonly suite: string;
  /** Every package requested (base + extra), sorted. */
  readonly packages: readonly string[];
  /** True when an existing cache entry was reused. */
  readonly cached: boolean;
  /** Wall time of this call in ms (lock wait + build, or just the cache lookup). */
  readonly elapsedMs: number;
  /** Wall time of the build that produced the entry, in ms. */
  readonly buildMs: number;
}

/** ensureRootfs()'s options resolved: defaults and environment applied. */
interface Request {
  readonly options: RootfsOptions;
  readonly t0: number;
  readonly suite: string;
  readonly cacheDir: string;
  readonly packages: readonly string[];
  readonly node: string | null;
  readonly maxAgeMs: number;
  readonly progress: (line: string) => void;
}

/** BASE_PACKAGES + extra, deduplicated and sorted; a name that is no Debian package name is a usage error. */
export function packageList(extra: readonly string[] = []): string[] {
  const packages = [...new Set([...BASE_PACKAGES, ...extra])].sort();
  const bad = packages.find((p) => !/^[a-z0-9][a-z0-9+.-]+$/.test(p));
  if (bad !== undefined) throw new UsageError(`'${bad}' is not a Debian package name`, { code: 'tacd.verify.package' });
  return packages;
}

/** The maximum age in ms: the option, else env TACD_ROOTFS_MAX_AGE_DAYS when a number, else 30 days. */
export function maxAgeMs(maxAgeDays: number | undefined, env: string | undefined = process.env.TACD_ROOTFS_MAX_AGE_DAYS): number {
  const envAge = Number(env);
  return (maxAgeDays ?? (env && Number.isFinite(envAge) ? envAge : 30)) * 86_400_000;
}

function resolve(options: RootfsOptions): Request {
  return {
    options,
    t0: Date.now(),
    suite: options.suite ?? 'bookworm',
    cacheDir: rootfsCacheDir(options.cacheDir),
    packages: packageList(options.extraPackages),
    node: options.hostNode ? `node-${process.versions.node}` : null,
    maxAgeMs: maxAgeMs(options.maxAgeDays),
    progress: options.onProgress ?? defaultProgress,
  };
}

const keyFor = (r: Request, builder: RootfsBuilder): string => cacheKey({ suite: r.suite, builder, packages: r.packages, node: r.node, ...(r.options.arch !== undefined ? { arch: r.options.arch } : {}) });

/** A fresh cached entry for the request (the builder is part of the key: both are tried unless one is asked for). */
async function lookup(r: Request): Promise<Rootfs | undefined> {
  const builders: readonly RootfsBuilder[] = r.options.builder ? [r.options.builder] : ['mmdebstrap', 'debootstrap'];
  for (const builder of builders) {
    const key = keyFor(r, builder);
    const hit = await freshEntry(r.cacheDir, r.suite, key, r.maxAgeMs);
    if (hit) return rootfsOf(r, key, hit.entry, true, hit.meta.buildMs);
  }
  return undefined;
}

function rootfsOf(r: Request, key: string, entry: string, cached: boolean, buildMs: number): Rootfs {
  return { path: path.join(entry, 'root'), key, suite: r.suite, packages: r.packages, cached, elapsedMs: Date.now() - r.t0, buildMs };
}

/** Builds the entry; the caller holds the cache lock. */
async function buildLocked(r: Request): Promise<Rootfs> {
  if (!r.options.rebuild) {
    const hit = await lookup(r); // another process may have built it while we waited
    if (hit) return hit;
  }
  const builder = await chooseBuilder(r.options.builder);
  const key = keyFor(r, builder);
  const debs = r.options.hostNode ? [(await hostNodeDeb({ cacheDir: r.cacheDir, onProgress: r.progress })).path] : [];
  await removeLeftovers(r.cacheDir);
  const arch = r.options.arch !== undefined ? { arch: r.options.arch } : {};
  const { entry, buildMs } = await build({ cacheDir: r.cacheDir, suite: r.suite, ...arch, builder, key, packages: r.packages, debs, progress: r.progress });
  await pruneGenerations(r.cacheDir, r.suite, key, entry, r.progress);
  return rootfsOf(r, key, entry, false, buildMs);
}

const BUILD_TOOLS = [
  ['mount', 'mount'],
  ['umount', 'mount'],
  ['chroot', 'coreutils'],
  ['cp', 'coreutils'],
] as const;

/**
 * Returns a cached rootfs for the options, building it first when missing.
 * Safe to call from parallel processes: builds are serialised by a lock and a
 * second caller reuses the first one's result.
 */
export async function ensureRootfs(options: RootfsOptions = {}): Promise<Rootfs> {
  const r = resolve(options);
  if (!options.rebuild) {
    const hit = await lookup(r);
    if (hit) return hit;
  }
  requireRoot('building the test rootfs');
  await requirePrograms(BUILD_TOOLS, 'building the test rootfs');
  await fs.mkdir(r.cacheDir, { recursive: true });
  return withFileLock(path.join(r.cacheDir, '.lock'), () => buildLocked(r), r.progress);
}
