/**
 * tacd's build cache on disk: compressed payload blocks (see
 * src/formats/archive/compression-cache.ts for why it is sound).
 *
 * Where: $TACD_CACHE_DIR, else $XDG_CACHE_HOME/tacd, else ~/.cache/tacd.
 * Off: TACD_NO_CACHE=1 (the CLI's --no-cache sets this, or pass `cache: null`
 * to the writers). Size: at most $TACD_CACHE_MAX (default 256 MiB, see
 * cacheMaxBytes); the least recently used entries go first (lru.ts). Entries
 * are compressed blocks (archive/segments.ts), about 1 MiB of input each,
 * keyed by the SHA-256 of what their bytes depend on: an unchanged node binary
 * is the same ~100 entries in every build, so a rebuild adds only its changed
 * blocks.
 *
 * Entries live in a folder named after what else the compressed bytes depend
 * on: tacd's cache format and version, node's zlib version and the system xz's
 * version (the key itself names the compressor's implementation and level).
 * Each entry is written to a temporary file and renamed (never seen half
 * written), and starts with the CRC-32 and size of its data, checked on every
 * read: a damaged entry (flipped bits, a truncated file) is a miss.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { LruIndex } from './lru.js';
import { setDefaultCompressionCache, type CompressionCache } from '../formats/archive/compression-cache.js';
import { crc32 } from '../formats/archive/gzip.js';

const MAGIC = 'tacd-cache-v2';

// The entry's check: damage, not forgery (the key is already the SHA-256 of what the bytes depend on), so CRC-32, ~20× faster than SHA-256.
const check = (data: Uint8Array): string => crc32(data).toString(16).padStart(8, '0');

/** The cache folder for `env`, or undefined when caching is off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const off = env['TACD_NO_CACHE'];
  if (off !== undefined && off !== '' && off !== '0') return undefined;
  if (env['TACD_CACHE_DIR']) return path.resolve(env['TACD_CACHE_DIR']);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'tacd');
  const home = env['HOME'] || os.homedir();
  return home ? path.join(home, '.cache', 'tacd') : undefined;
}

// tacd's own version (a release may change how it compresses).
function tacdVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

let xzVersion: Promise<string> | undefined;

// The system xz's version line ('xz (XZ Utils) 5.4.1'), or 'none'.
function systemXzVersion(): Promise<string> {
  xzVersion ??= import('../core/exec.js')
    .then(({ run }) => run('xz', ['--version'], { allowFailure: true }))
    .then((r) => (r.exitCode === 0 ? r.stdout.split('\n')[0]!.trim() : 'none'))
    .catch(() => 'none');
  return xzVersion;
}

/** A CompressionCache in `dir` (created on first write). */
/** What the on-disk cache did in this process: the report line's figures. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Compressed bytes served from the cache. */
  bytesReused: number;
  /** Compressed bytes stored. */
  bytesStored: number;
  evicted: number;
}

const stats: CacheStats = { hits: 0, misses: 0, bytesReused: 0, bytesStored: 0, evicted: 0 };

export function cacheStats(): Readonly<CacheStats> {
  return { ...stats };
}

const DEFAULT_MAX_MIB = 256;
const UNITS: Record<string, number> = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/**
 * The size cap in bytes: $TACD_CACHE_MAX ('300M', '2G', '512K'; a bare number
 * is MiB), else $TACD_CACHE_MAX_MB (the older name), else 256 MiB. A value
 * that is not a positive size is a UsageError naming the variable.
 */
export function cacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['TACD_CACHE_MAX'] || (env['TACD_CACHE_MAX_MB'] ? `${env['TACD_CACHE_MAX_MB']}M` : '');
  if (raw === '') return DEFAULT_MAX_MIB * 2 ** 20;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(raw.trim());
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!) : NaN;
  if (!(bytes > 0)) {
    throw new UsageError(`TACD_CACHE_MAX=${JSON.stringify(raw)} is not a cache size: expected a positive number of MiB, or one with a unit such as 300M, 2G or 512K`, {
      code: 'tacd.cache.max',
    });
  }
  return bytes;
}

// An entry starts with a line: magic, CRC-32 and size of the data; a mismatch is a miss (and the entry goes).
function readEntry(file: string): Uint8Array | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = buf.indexOf(0x0a);
  const [magic, crc, size] = buf.subarray(0, Math.max(0, nl)).toString('latin1').split(' ');
  const data = buf.subarray(nl + 1);
  if (nl < 0 || magic !== MAGIC || Number(size) !== data.length || check(data) !== crc) {
    rmSync(file, { force: true });
    return undefined;
  }
  return data;
}

// Written to a temporary file and renamed: never seen half written. Returns the bytes on disk.
function writeEntry(file: string, data: Uint8Array): number {
  const tmp = `${file}.${process.pid}.tmp`;
  const head = Buffer.from(`${MAGIC} ${check(data)} ${data.length}\n`, 'latin1');
  try {
    writeFileSync(tmp, Buffer.concat([head, data]));
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return head.length + data.length;
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // LRU order is best effort
  }
}

/** A CompressionCache in `dir` (created on first write), at most cacheMaxBytes(env) in all. */
export function fileCompressionCache(dir: string, env: NodeJS.ProcessEnv = process.env): CompressionCache {
  const lru = new LruIndex(path.join(dir, 'compressed'), cacheMaxBytes(env));
  let folder: Promise<string> | undefined;
  const namespace = (): Promise<string> =>
    (folder ??= systemXzVersion().then((xz) => {
      const id = createHash('sha256').update(`${MAGIC}\0tacd ${tacdVersion()}\0zlib ${process.versions.zlib}\0${xz}`).digest('hex').slice(0, 16);
      return path.join(dir, 'compressed', id);
    }));
  return {
    async get(key) {
      const file = path.join(await namespace(), key);
      const data = readEntry(file);
      if (data === undefined) {
        stats.misses++;
        return undefined;
      }
      touch(file);
      lru.used(file);
      stats.hits++;
      stats.bytesReused += data.length;
      return data;
    },
    async put(key, data) {
      const ns = await namespace();
      mkdirSync(ns, { recursive: true });
      const file = path.join(ns, key);
      const size = writeEntry(file, data);
      stats.bytesStored += data.length;
      stats.evicted += lru.added(file, size);
    },
  };
}

/**
 * Installs the on-disk cache as the writers' default for this process (or
 * removes it when caching is off for `env`). Called by ts2deb and ts2rpm
 * (cli/package-cli.ts) before they bundle. Returns the folder in use.
 */
export function configureBuildCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = cacheDir(env);
  setDefaultCompressionCache(dir === undefined ? undefined : fileCompressionCache(dir, env));
  return dir;
}

const mb = (n: number): string => (n / 1e6).toFixed(1);

/** The report's line: 'build cache: 98 of 101 blocks reused (36.6 MB), 3 compressed (0.1 MB stored), 0 evicted'. */
export function cacheReportLine(s: Readonly<CacheStats> = stats): string {
  return `build cache: ${s.hits} of ${s.hits + s.misses} blocks reused (${mb(s.bytesReused)} MB), ${s.misses} compressed (${mb(s.bytesStored)} MB stored), ${s.evicted} evicted`;
}
