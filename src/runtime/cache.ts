/**
 * The runtime cache (default ~/.cache/tacd/node, or $TACD_CACHE_DIR/node):
 *   <version>-<arch>/node        the binary (0755)
 *   <version>-<arch>/meta.json   written last: version, arch, the tarball's
 *                                dist.integrity and the binary's own sha512;
 *                                its mtime is the last use (LRU)
 *   registry/<package>.json      the registry's version list (TTL, registry.ts)
 * Every reuse re-hashes the binary against meta.json, so a damaged or altered
 * runtime is refused, never shipped. The cache keeps to a size cap
 * (TACD_NODE_CACHE_MAX_MB, default 2048): the least recently used entries go first.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSri, fileSri } from './integrity.js';

type Env = Readonly<Record<string, string | undefined>>;

/** meta.json of a complete entry. */
export interface RuntimeMeta {
  readonly version: string;
  readonly arch: string;
  readonly package: string;
  readonly tarball: string;
  /** The registry's dist.integrity of the tarball. */
  readonly integrity: string;
  /** sha512 SRI of the unpacked node binary. */
  readonly node: string;
  readonly size: number;
  readonly fetchedAt: string;
}

/** $TACD_CACHE_DIR/SUB, else ~/.cache/tacd/SUB: where the registry's downloads are kept. */
export function registryCacheDir(env: Env, sub: string): string {
  if (env['TACD_CACHE_DIR']) return path.resolve(env['TACD_CACHE_DIR'], sub);
  return path.join(env['HOME'] ?? os.homedir(), '.cache', 'tacd', sub);
}

/** The runtime cache folder in effect. */
export const runtimeCacheDir = (env: Env): string => registryCacheDir(env, 'node');

/** The size cap in bytes: env TACD_NODE_CACHE_MAX_MB, default 2048. */
export function cacheCapBytes(env: Env): number {
  const n = Number(env['TACD_NODE_CACHE_MAX_MB']);
  return (env['TACD_NODE_CACHE_MAX_MB'] !== undefined && Number.isFinite(n) && n >= 0 ? n : 2048) * 1048576;
}

export const entryDir = (dir: string, version: string, arch: string): string => path.join(dir, `${version}-${arch}`);

async function readMeta(entry: string): Promise<RuntimeMeta | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(entry, 'meta.json'), 'utf8')) as RuntimeMeta;
  } catch {
    return undefined;
  }
}

/**
 * The cached binary of version/arch, re-hashed against its meta.json (and marked used),
 * or undefined when not cached. @throws DataError (65) when the hash differs.
 */
export async function cachedRuntime(dir: string, version: string, arch: string): Promise<string | undefined> {
  const entry = entryDir(dir, version, arch);
  const meta = await readMeta(entry);
  if (!meta) return undefined;
  const node = path.join(entry, 'node');
  const actual = await fileSri(node).catch(() => 'missing');
  checkSri(meta.node, actual, `cached runtime ${node}`, `it changed since it was fetched; remove ${entry} to fetch it again`);
  const now = new Date();
  await fs.utimes(path.join(entry, 'meta.json'), now, now).catch(() => undefined);
  return node;
}

/** A folder to stage a new entry in (inside the cache, so the final rename is atomic). */
export async function stageDir(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  return fs.mkdtemp(path.join(dir, '.stage-'));
}

/** Writes meta.json into `stage` and moves it into place; another process's finished entry wins. */
export async function commitEntry(dir: string, stage: string, meta: Omit<RuntimeMeta, 'node' | 'size' | 'fetchedAt'>): Promise<string> {
  const node = path.join(stage, 'node');
  const full: RuntimeMeta = { ...meta, node: await fileSri(node), size: (await fs.stat(node)).size, fetchedAt: new Date().toISOString() };
  await fs.writeFile(path.join(stage, 'meta.json'), `${JSON.stringify(full, null, 2)}\n`);
  const entry = entryDir(dir, meta.version, meta.arch);
  await fs.rename(stage, entry).catch(async () => fs.rm(stage, { recursive: true, force: true }));
  return path.join(entry, 'node');
}

interface Listed {
  readonly entry: string;
  readonly used: number;
  readonly size: number;
}

async function listEntries(dir: string): Promise<Listed[]> {
  const out: Listed[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const entry = path.join(dir, name);
    const st = await fs.stat(path.join(entry, 'meta.json')).catch(() => undefined);
    const node = await fs.stat(path.join(entry, 'node')).catch(() => undefined);
    if (st && node) out.push({ entry, used: st.mtimeMs, size: node.size });
  }
  return out.sort((a, b) => a.used - b.used);
}

/** Removes least recently used entries (never `keep`) until the cache fits `capBytes`; resolves with the ones removed. */
export async function pruneCache(dir: string, capBytes: number, keep: string): Promise<string[]> {
  const entries = await listEntries(dir);
  let total = entries.reduce((n, e) => n + e.size, 0);
  const removed: string[] = [];
  for (const e of entries) {
    if (total <= capBytes) break;
    if (e.entry === keep) continue;
    await fs.rm(e.entry, { recursive: true, force: true });
    total -= e.size;
    removed.push(path.basename(e.entry));
  }
  return removed;
}
