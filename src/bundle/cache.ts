/**
 * tacd's build cache on disk: compressed payloads (see
 * src/formats/archive/compression-cache.ts for why it is sound).
 *
 * Where: $TACD_CACHE_DIR, else $XDG_CACHE_HOME/tacd, else ~/.cache/tacd.
 * Off: TACD_NO_CACHE=1 (the CLI's --no-cache should set this, or pass
 * `cache: null` to the writers). Size: at most $TACD_CACHE_MAX_MB (default
 * 1024) MiB; the least recently used entries go first.
 *
 * Entries live in a folder named after what else the compressed bytes depend
 * on: tacd's cache format and version, node's zlib version and the system xz's
 * version (the key itself names the compressor's implementation and level).
 * Each entry is written to a temporary file and renamed (never seen half
 * written), and starts with the SHA-256 and size of its data, checked on every
 * read: a damaged entry is a miss, never wrong bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../core/paths.js';
import { setDefaultCompressionCache, type CompressionCache } from '../formats/archive/compression-cache.js';

const MAGIC = 'tacd-cache-v1';

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
export function fileCompressionCache(dir: string, env: NodeJS.ProcessEnv = process.env): CompressionCache {
  const maxBytes = (Number(env['TACD_CACHE_MAX_MB']) > 0 ? Number(env['TACD_CACHE_MAX_MB']) : 1024) * 2 ** 20;
  let folder: Promise<string> | undefined;
  const namespace = (): Promise<string> =>
    (folder ??= systemXzVersion().then((xz) => {
      const id = createHash('sha256').update(`${MAGIC}\0tacd ${tacdVersion()}\0zlib ${process.versions.zlib}\0${xz}`).digest('hex').slice(0, 16);
      return path.join(dir, 'compressed', id);
    }));
  return {
    async get(key) {
      const file = path.join(await namespace(), key);
      let buf: Buffer;
      try {
        buf = readFileSync(file);
      } catch {
        return undefined;
      }
      const nl = buf.indexOf(0x0a);
      const [magic, sha, size] = buf.subarray(0, Math.max(0, nl)).toString('latin1').split(' ');
      const data = buf.subarray(nl + 1);
      if (nl < 0 || magic !== MAGIC || Number(size) !== data.length || createHash('sha256').update(data).digest('hex') !== sha) {
        rmSync(file, { force: true });
        return undefined;
      }
      try {
        const now = new Date();
        utimesSync(file, now, now);
      } catch {
        // LRU order is best effort
      }
      return data;
    },
    async put(key, data) {
      const ns = await namespace();
      mkdirSync(ns, { recursive: true });
      const file = path.join(ns, key);
      const tmp = `${file}.${process.pid}.tmp`;
      const head = Buffer.from(`${MAGIC} ${createHash('sha256').update(data).digest('hex')} ${data.length}\n`, 'latin1');
      try {
        writeFileSync(tmp, Buffer.concat([head, data]));
        renameSync(tmp, file);
      } finally {
        rmSync(tmp, { force: true });
      }
      evict(path.join(dir, 'compressed'), maxBytes);
    },
  };
}

// Drops the least recently used entries (every namespace) until the total fits.
function evict(root: string, maxBytes: number): void {
  const entries: { file: string; size: number; mtime: number }[] = [];
  for (const ns of readdirSync(root)) {
    const d = path.join(root, ns);
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        const st = statSync(path.join(d, n));
        entries.push({ file: path.join(d, n), size: st.size, mtime: st.mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
  }
  let total = entries.reduce((a, e) => a + e.size, 0);
  entries.sort((a, b) => a.mtime - b.mtime);
  for (const e of entries) {
    if (total <= maxBytes) break;
    rmSync(e.file, { force: true });
    total -= e.size;
  }
}

/**
 * Installs the on-disk cache as the writers' default for this process (or
 * removes it when caching is off for `env`). Called by bundleApp, the first
 * step of every ts2deb/ts2rpm build. Returns the folder in use.
 */
export function configureBuildCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = cacheDir(env);
  setDefaultCompressionCache(dir === undefined ? undefined : fileCompressionCache(dir, env));
  return dir;
}
