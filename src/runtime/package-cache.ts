/**
 * The cache of platform packages fetched for cross builds (default
 * ~/.cache/tacd/packages, or $TACD_CACHE_DIR/packages):
 *   NAME@VERSION/package/    the unpacked tarball (scope '/' written '+'),
 *                            modes normalized to 0755/0644 as npm does
 *   NAME@VERSION/meta.json   written last: the tarball's dist.integrity and
 *                            a sha512 of the unpacked tree
 * A download is checked against dist.integrity before it is unpacked; every
 * reuse re-hashes the tree against meta.json, so a damaged or altered
 * package is refused, never shipped.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { run } from '../core/exec.js';
import { readManifest, type InstalledPackage } from '../bundle/packages.js';
import { downloadTarball } from './download.js';
import { registryCacheDir, stageDir } from './cache.js';
import { checkSri } from './integrity.js';
import type { ProgressSink } from './progress.js';
import type { Dist } from './registry.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One package version to have in the cache. */
export interface PackageFetch {
  readonly name: string;
  readonly version: string;
  readonly dist: Dist;
  readonly cacheDir: string;
  readonly env: Env;
  readonly progress: ProgressSink;
}

/** A cached package, and whether this call downloaded it. */
export interface FetchedPackage extends InstalledPackage {
  readonly fetchedNow: boolean;
}

interface PackageMeta {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  /** sha512 SRI of the unpacked tree (treeSri). */
  readonly tree: string;
}

/** The platform-package cache folder in effect. */
export const packageCacheDir = (env: Env): string => registryCacheDir(env, 'packages');

const entryOf = (dir: string, name: string, version: string): string => path.join(dir, `${name.replace('/', '+')}@${version}`);

/** Relative paths of the files under `dir`, sorted (symlinks and other kinds refused). */
async function treeFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await fs.readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await treeFiles(dir, r)));
    else if (e.isFile()) out.push(r);
    else throw new DataError('tacd.addon.fetch', `${path.join(dir, r)}: a platform package may hold only files and folders`, { field: 'arch' });
  }
  return out;
}

/** A sha512 SRI over every file's path, mode and bytes. */
export async function treeSri(dir: string): Promise<string> {
  const hash = createHash('sha512');
  for (const r of await treeFiles(dir)) {
    const st = await fs.stat(path.join(dir, r));
    hash.update(`${r}\0${(st.mode & 0o777).toString(8)}\0${st.size}\0`).update(await fs.readFile(path.join(dir, r)));
  }
  return `sha512-${hash.digest('base64')}`;
}

/** npm's modes: folders and files with any execute bit 0755, other files 0644. */
async function normalizeModes(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await normalizeModes(p);
    else await fs.chmod(p, ((await fs.stat(p)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

function installed(entry: string, fetchedNow: boolean): FetchedPackage {
  const dir = path.join(entry, 'package');
  const json = readManifest(dir) ?? {};
  return { name: json.name ?? path.basename(entry), version: json.version ?? '0.0.0', dir, json, fetchedNow };
}

/** The cached entry re-hashed against its meta.json, or undefined when not cached. @throws DataError when it changed. */
async function cachedPackage(entry: string, what: string, dist: Dist): Promise<FetchedPackage | undefined> {
  const meta = await fs.readFile(path.join(entry, 'meta.json'), 'utf8').then((t) => JSON.parse(t) as PackageMeta, () => undefined);
  if (!meta) return undefined;
  checkSri(meta.integrity, dist.integrity, `cached ${what} (${entry})`, `the registry's dist.integrity is not the one it was fetched with; remove ${entry} to fetch it again`);
  const actual = await treeSri(path.join(entry, 'package')).catch(() => 'missing');
  checkSri(meta.tree, actual, `cached ${what} (${entry})`, `it changed since it was fetched; remove ${entry} to fetch it again`);
  return installed(entry, false);
}

/** Unpacks `tgz` (first path component stripped, as npm does) into `dir`. */
async function unpack(tgz: string, dir: string, what: string): Promise<void> {
  await fs.mkdir(dir);
  const r = await run('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1', '--no-same-owner'], { timeoutMs: 120_000, allowFailure: true });
  if (r.exitCode !== 0) throw new DataError('tacd.addon.fetch', `${what}: the tarball does not unpack (${r.stderr.trim().split('\n').at(-1)})`, { field: 'arch' });
  await normalizeModes(dir);
}

/** Downloads, checks and unpacks one version into the cache. */
async function fetchPackage(req: PackageFetch, entry: string, what: string): Promise<FetchedPackage> {
  const stage = await stageDir(req.cacheDir);
  try {
    const tgz = path.join(stage, 'package.tgz');
    await downloadTarball(req.dist, tgz, what, req.progress);
    await unpack(tgz, path.join(stage, 'package'), what);
    await fs.rm(tgz);
    const meta: PackageMeta = { name: req.name, version: req.version, integrity: req.dist.integrity, tree: await treeSri(path.join(stage, 'package')) };
    await fs.writeFile(path.join(stage, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    // another build's finished entry wins
    await fs.rename(stage, entry).catch(() => undefined);
    return installed(entry, true);
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}

/**
 * NAME@VERSION from the cache, else from the registry. @throws DataError (65)
 * for an integrity mismatch (download or cache); UnavailableError (69) when the registry fails.
 */
export async function ensurePackage(req: PackageFetch): Promise<FetchedPackage> {
  const what = `${req.name}@${req.version}`;
  const entry = entryOf(req.cacheDir, req.name, req.version);
  const hit = await cachedPackage(entry, what, req.dist);
  if (hit) {
    req.progress.step(`${what} from the cache ${entry}`);
    return hit;
  }
  req.progress.step(`fetching ${what} for the target arch`);
  return fetchPackage(req, entry, what);
}
