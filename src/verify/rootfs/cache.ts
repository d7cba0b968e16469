/**
 * The rootfs cache on disk (default /var/cache/tacd/rootfs, env TACD_ROOTFS_CACHE):
 *   <suite>-<key>.<stamp>/root/      the tree (mode 0755), the overlay lower dir
 *   <suite>-<key>.<stamp>/meta.json  written last: its presence marks a complete entry
 *   <suite>-<key>.log                the builder's full output of the last build
 *   debs/                            hostNodeDeb() output
 *   .lock                            flock(1) lock serialising builds between processes
 * <key> hashes the recipe (cacheKey); <stamp> is the UTC build time, so a
 * rebuild is a new generation and older ones go once no overlay uses them.
 */
import { createHash } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { unmountIfMounted, usedByMount } from '../mounts.js';
import { withFileLock } from './lock.js';

/** Bump when the image set-up (image.ts) changes, so old cache entries are not reused. */
export const RECIPE_VERSION = 1;
/** Same, for the extra set-up of images that include rpm. */
const RPM_RECIPE_VERSION = 1;

/** Variants (any key) not used for this many days are removed before the next build. */
const UNUSED_DAYS = 14;
const DAY_MS = 86_400_000;

export type RootfsBuilder = 'mmdebstrap' | 'debootstrap';

/** What a cached image is made from; each distinct recipe has its own key. */
export interface Recipe {
  readonly suite: string;
  readonly builder: RootfsBuilder;
  /** Every package (base + extra), sorted. */
  readonly packages: readonly string[];
  /** The host Node version baked in as nodejs, or null. */
  readonly node: string | null;
  /** A foreign architecture (absent for the host's, so existing keys stay). */
  readonly arch?: string;
}

/** meta.json of a complete cache entry. */
export interface RootfsMeta {
  readonly recipe: number;
  readonly suite: string;
  readonly builder: RootfsBuilder;
  readonly packages: readonly string[];
  readonly debs: readonly string[];
  readonly sources: readonly string[];
  readonly builtAt: string;
  readonly buildMs: number;
}

/** The cache directory in effect (env TACD_ROOTFS_CACHE overrides the default). */
export function rootfsCacheDir(override?: string): string {
  return path.resolve(override ?? process.env.TACD_ROOTFS_CACHE ?? '/var/cache/tacd/rootfs');
}

/** Progress of the slow steps when the caller gives no onProgress: stderr. */
export function defaultProgress(line: string): void {
  process.stderr.write(`[tacd rootfs] ${line}\n`);
}

/** The 16 hex digit key of a recipe (stable: existing caches depend on it). */
export function cacheKey(r: Recipe): string {
  const rpm = r.packages.includes('rpm') ? { rpm: RPM_RECIPE_VERSION } : {};
  const parts = { recipe: RECIPE_VERSION, suite: r.suite, builder: r.builder, packages: r.packages, node: r.node, ...rpm, ...(r.arch !== undefined ? { arch: r.arch } : {}) };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** UTC build time as a sortable directory suffix. */
export function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The build log of a variant. */
export function logFileOf(cacheDir: string, suite: string, key: string): string {
  return path.join(cacheDir, `${suite}-${key}.log`);
}

/** Complete-or-not generation dirs of one key, oldest first. */
export async function generations(cacheDir: string, suite: string, key: string): Promise<string[]> {
  const re = new RegExp(`^${suite.replace(/[^a-z0-9]/g, '\\$&')}-${key}\\.\\d{8}T\\d{6}Z$`);
  const names = await fs.readdir(cacheDir).catch(() => [] as string[]);
  return names.filter((n) => re.test(n)).sort().map((n) => path.join(cacheDir, n));
}

async function readMeta(entry: string): Promise<RootfsMeta | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(entry, 'meta.json'), 'utf8')) as RootfsMeta;
  } catch {
    return undefined;
  }
}

/** A cached entry that is complete, bootable and younger than maxAgeMs. */
export interface FreshEntry {
  readonly entry: string;
  readonly meta: RootfsMeta;
}

/** The newest generation of `key` when it is fresh; marks it used (meta.json's mtime). */
export async function freshEntry(cacheDir: string, suite: string, key: string, maxAgeMs: number): Promise<FreshEntry | undefined> {
  const entry = (await generations(cacheDir, suite, key)).at(-1);
  const meta = entry ? await readMeta(entry) : undefined;
  if (!entry || !meta || !existsSync(path.join(entry, 'root', 'sbin', 'init'))) return undefined;
  if (Date.now() - Date.parse(meta.builtAt) > maxAgeMs) return undefined;
  // meta.json's mtime records the last use; unused variants are pruned after UNUSED_DAYS
  const now = new Date();
  await fs.utimes(path.join(entry, 'meta.json'), now, now).catch(() => undefined);
  return { entry, meta };
}

/** Removes the generations of `key` other than `keep` that no container uses. */
export async function pruneGenerations(cacheDir: string, suite: string, key: string, keep: string, progress: (l: string) => void): Promise<void> {
  for (const old of await generations(cacheDir, suite, key)) {
    if (old === keep || usedByMount(path.join(old, 'root'))) continue;
    progress(`removing old generation ${path.basename(old)}`);
    await fs.rm(old, { recursive: true, force: true }).catch(() => undefined);
  }
}

const rmQuiet = (p: string): Promise<void> => fs.rm(p, { recursive: true, force: true }).catch(() => undefined);

/** An entry whose meta.json was not touched for UNUSED_DAYS (or that has none). */
async function unusedEntry(entry: string): Promise<boolean> {
  const st = await fs.stat(path.join(entry, 'meta.json')).catch(() => undefined);
  return !st || Date.now() - st.mtimeMs > UNUSED_DAYS * DAY_MS;
}

/** Removes one cache dir entry when it is stale (see removeLeftovers). */
async function removeIfStale(cacheDir: string, name: string): Promise<void> {
  const p = path.join(cacheDir, name);
  if (/^[a-z0-9-]+-[0-9a-f]{16}\.\d{8}T\d{6}Z$/.test(name)) {
    if ((await unusedEntry(p)) && !usedByMount(path.join(p, 'root'))) await rmQuiet(p);
  } else if (name.startsWith('.build-')) {
    if (await unmountIfMounted(p)) await rmQuiet(p);
  } else if (/\.new-\d+$/.test(name)) {
    await rmQuiet(p);
  }
}

/** Build logs of variants that no longer exist. */
async function removeOrphanLogs(cacheDir: string): Promise<void> {
  const left = await fs.readdir(cacheDir).catch(() => [] as string[]);
  for (const log of left.filter((n) => n.endsWith('.log'))) {
    const prefix = `${log.slice(0, -'.log'.length)}.`;
    const orphan = !left.some((n) => n.startsWith(prefix) && !n.endsWith('.log') && !n.includes('.new-'));
    if (orphan) await fs.rm(path.join(cacheDir, log), { force: true }).catch(() => undefined);
  }
}

/**
 * Scratch mounts and half-copied stages of builds that crashed (the caller
 * holds the lock, so none is running), entries unused for UNUSED_DAYS (no
 * mount uses them), and the logs of variants gone.
 */
export async function removeLeftovers(cacheDir: string): Promise<void> {
  for (const name of await fs.readdir(cacheDir).catch(() => [] as string[])) await removeIfStale(cacheDir, name);
  await removeOrphanLogs(cacheDir);
}

/** Removes stale scratch dirs and variants unused for 14 days from the cache (takes the build lock). */
export async function pruneRootfsCache(cacheDir?: string): Promise<void> {
  const dir = rootfsCacheDir(cacheDir);
  if (!existsSync(dir)) return;
  await withFileLock(path.join(dir, '.lock'), () => removeLeftovers(dir));
}
