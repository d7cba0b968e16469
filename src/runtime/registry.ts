/**
 * The npm registry as the runtimes come from it: its URL (the one npm uses),
 * and a package's abbreviated metadata (versions with dist.integrity and
 * dist.tarball), kept in the cache for a while so a second build asks nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UnavailableError } from '../core/errors.js';
import { run } from '../core/exec.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One version's download. */
export interface Dist {
  readonly integrity: string;
  readonly tarball: string;
}

/** What tacd reads of one version: its download and, for platform packages, where it runs. */
export interface VersionMeta {
  readonly dist: Dist;
  readonly os?: unknown;
  readonly cpu?: unknown;
  readonly libc?: unknown;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** What tacd needs of a package's metadata. */
export interface Packument {
  readonly name: string;
  readonly versions: Readonly<Record<string, VersionMeta>>;
}

/** One version with only the fields kept in the cache. */
function slimVersion(m: VersionMeta): VersionMeta {
  const { os, cpu, libc, optionalDependencies } = m;
  return { dist: { integrity: m.dist.integrity, tarball: m.dist.tarball }, ...(os !== undefined ? { os } : {}), ...(cpu !== undefined ? { cpu } : {}), ...(libc !== undefined ? { libc } : {}), ...(optionalDependencies ? { optionalDependencies } : {}) };
}

const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
const FETCH_TIMEOUT_MS = 60_000;

/** The registry: env TACD_NPM_REGISTRY or npm_config_registry, else `npm config get registry`, else npmjs.org. */
export async function registryUrl(env: Env): Promise<string> {
  const given = env['TACD_NPM_REGISTRY'] ?? env['npm_config_registry'];
  if (given) return given.endsWith('/') ? given : `${given}/`;
  const r = await run('npm', ['config', 'get', 'registry'], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
  const url = r?.exitCode === 0 ? r.stdout.trim() : '';
  return /^https?:\/\//.test(url) ? (url.endsWith('/') ? url : `${url}/`) : DEFAULT_REGISTRY;
}

/** GET with a time limit; @throws UnavailableError naming the URL. */
export async function get(url: string, accept: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new UnavailableError('tacd.runtime.fetch', `${url}: the npm registry did not answer (${(e as Error).message}); set TACD_NPM_REGISTRY to a reachable one`, { cause: e });
  }
  if (!res.ok) throw new UnavailableError('tacd.runtime.fetch', `${url}: HTTP ${res.status} ${res.statusText}`);
  return res;
}

async function fetchPackument(registry: string, name: string): Promise<Packument> {
  const res = await get(`${registry}${name.replace('/', '%2f')}`, 'application/vnd.npm.install-v1+json');
  return (await res.json()) as Packument;
}

/** How long a cached packument is used: env TACD_NODE_REGISTRY_TTL (seconds), default 3600. */
function ttlMs(env: Env): number {
  const n = Number(env['TACD_NODE_REGISTRY_TTL']);
  return (env['TACD_NODE_REGISTRY_TTL'] !== undefined && Number.isFinite(n) ? n : 3600) * 1000;
}

async function cachedPackument(file: string, maxAgeMs: number): Promise<Packument | undefined> {
  const st = await fs.stat(file).catch(() => undefined);
  if (!st || Date.now() - st.mtimeMs > maxAgeMs) return undefined;
  return JSON.parse(await fs.readFile(file, 'utf8')) as Packument;
}

/** A package's metadata, from the cache folder when younger than the TTL, else from the registry (then cached). */
export async function packument(cacheDir: string, registry: string, name: string, env: Env): Promise<Packument> {
  const file = path.join(cacheDir, 'registry', `${name}.json`);
  const hit = await cachedPackument(file, ttlMs(env)).catch(() => undefined);
  if (hit) return hit;
  const doc = await fetchPackument(registry, name);
  const slim: Packument = { name: doc.name, versions: Object.fromEntries(Object.entries(doc.versions).map(([v, m]) => [v, slimVersion(m)])) };
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(`${file}.${process.pid}`, JSON.stringify(slim));
  await fs.rename(`${file}.${process.pid}`, file);
  return slim;
}
