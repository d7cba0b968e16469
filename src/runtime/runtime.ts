/**
 * A pinned Node.js runtime for a target architecture, from the npm registry:
 * resolve the range to the newest matching version of node-linux-<arch>,
 * download the tarball, check its dist.integrity, unpack bin/node, check its
 * ELF machine, and cache it per version and arch (cache.ts). A second build
 * of the same version fetches nothing: an exact version is found in the
 * cache directly, a range through the cached version list (registry.ts TTL).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cacheCapBytes, cachedRuntime, commitEntry, entryDir, pruneCache, runtimeCacheDir, stageDir } from './cache.js';
import { downloadTarball } from './download.js';
import { runtimePackage } from './packages.js';
import type { ProgressSink } from './progress.js';
import { packument, registryUrl } from './registry.js';
import { unpackNode } from './unpack.js';
import { exactVersion, pickVersion } from './versions.js';

export interface RuntimeRequest {
  /** A semver range, an exact version or 'lts'. */
  readonly range: string;
  /** Debian architecture (amd64, arm64, armhf). */
  readonly arch: string;
  /** Where the range came from, for messages ('--node-version', 'package.json: engines.node'). */
  readonly field: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly progress: ProgressSink;
}

export interface Runtime {
  /** The cached node binary. */
  readonly path: string;
  readonly version: string;
  readonly arch: string;
  /** True when nothing was downloaded. */
  readonly cached: boolean;
  readonly cacheDir: string;
}

/** The version a request means: the exact one given, else the newest match in the registry's list. */
async function resolveVersion(req: RuntimeRequest, dir: string, pkg: string): Promise<string> {
  const exact = exactVersion(req.range);
  if (exact !== undefined && (await cachedRuntime(dir, exact, req.arch)) !== undefined) return exact;
  const doc = await packument(dir, await registryUrl(req.env), pkg, req.env);
  return pickVersion(Object.keys(doc.versions), req.range, pkg, req.field);
}

/** Downloads, checks and unpacks one version into the cache. */
async function fetchInto(req: RuntimeRequest, dir: string, pkg: string, version: string): Promise<string> {
  const doc = await packument(dir, await registryUrl(req.env), pkg, req.env);
  const dist = doc.versions[version]!.dist;
  const what = `${pkg}@${version}`;
  const stage = await stageDir(dir);
  try {
    const tgz = path.join(stage, 'node.tgz');
    await downloadTarball(dist, tgz, what, req.progress);
    await unpackNode(tgz, stage, req.arch, what);
    await fs.rm(tgz, { force: true });
    return await commitEntry(dir, stage, { version, arch: req.arch, package: pkg, tarball: dist.tarball, integrity: dist.integrity });
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}

/**
 * The runtime for `req`, from the cache or the registry. @throws DataError
 * (65) for an arch without builds, a range nothing matches, an integrity
 * mismatch (download or cache); UnavailableError (69) when the registry fails.
 */
export async function ensureRuntime(req: RuntimeRequest): Promise<Runtime> {
  const pkg = runtimePackage(req.arch);
  const dir = runtimeCacheDir(req.env);
  const version = await resolveVersion(req, dir, pkg);
  const hit = await cachedRuntime(dir, version, req.arch);
  if (hit !== undefined) {
    req.progress.step(`node ${version} (${req.arch}) from the cache ${path.dirname(hit)}`);
    return { path: hit, version, arch: req.arch, cached: true, cacheDir: dir };
  }
  req.progress.step(`node ${version} (${req.arch}) for ${req.field} '${req.range}': fetching ${pkg}@${version}`);
  const node = await fetchInto(req, dir, pkg, version);
  const removed = await pruneCache(dir, cacheCapBytes(req.env), entryDir(dir, version, req.arch));
  if (removed.length > 0) req.progress.step(`cache over its cap: removed ${removed.join(', ')}`);
  req.progress.step(`node ${version} (${req.arch}) cached in ${path.dirname(node)}`);
  return { path: node, version, arch: req.arch, cached: false, cacheDir: dir };
}
