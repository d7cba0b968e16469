/**
 * The host's Node as a .deb named `nodejs`, to bake into a rootfs (Debian
 * bookworm's own nodejs is 18, too old for `Depends: nodejs (>= 20)`). Built
 * once per node version into <cache>/debs/ and reused.
 */
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../core/exec.js';
import { UnavailableError } from '../../core/errors.js';
import { requireProgram } from '../host.js';
import { defaultProgress, rootfsCacheDir } from './cache.js';
import { withFileLock } from './lock.js';

export interface NodeDeb {
  /** The .deb file (in the cache). */
  readonly path: string;
  /** Its Debian version (>= 20 when the host runs Node 20). */
  readonly version: string;
  /** 'apt-archive': the host's original .deb; 'dpkg-repack': repacked; 'synthesized': built from process.execPath. */
  readonly source: 'apt-archive' | 'dpkg-repack' | 'synthesized';
}

export interface NodeDebOptions {
  readonly cacheDir?: string;
  /**
   * 'auto' (default): the host package's original .deb from apt's archive cache
   * when present, else a synthesized package. 'repack': dpkg-repack the host's
   * package (needs dpkg-repack; its dependencies, e.g. python3 for NodeSource,
   * then come from the mirror). 'synthesize': always synthesize.
   */
  readonly method?: 'auto' | 'repack' | 'synthesize';
  readonly onProgress?: (line: string) => void;
}

/** The dpkg package that owns the running node. */
interface Owner {
  readonly name: string;
  readonly version: string;
}

/** Everything the ways of making the .deb share. */
interface Job {
  readonly dir: string;
  readonly arch: string;
  readonly nodeBin: string;
  readonly nodeVersion: string;
  readonly progress: (line: string) => void;
}

async function debArch(): Promise<string> {
  return (await run('dpkg', ['--print-architecture'])).stdout.trim();
}

/** The dpkg package (if any) that owns `file`, with its installed version. */
async function dpkgOwner(file: string): Promise<Owner | undefined> {
  const s = await run('dpkg-query', ['-S', file], { allowFailure: true });
  if (s.exitCode !== 0) return undefined;
  const name = s.stdout.split(':')[0]!.trim();
  const v = await run('dpkg-query', ['-W', '-f=${Version}', name], { allowFailure: true });
  return v.exitCode === 0 && v.stdout.trim() ? { name, version: v.stdout.trim() } : undefined;
}

/** Copies `from` to `to` through a .tmp name, so `to` is whole or absent. */
async function copyAtomic(from: string, to: string): Promise<void> {
  await fs.copyFile(from, `${to}.tmp`);
  await fs.rename(`${to}.tmp`, to);
}

/** The owner's original .deb from apt's archive cache, copied to `cached`; undefined when apt kept none. */
async function fromAptArchive(job: Job, owner: Owner, fileVersion: string, cached: string): Promise<NodeDeb | undefined> {
  for (const a of [job.arch, 'all']) {
    const orig = path.join('/var/cache/apt/archives', `${owner.name}_${fileVersion}_${a}.deb`);
    if (!existsSync(orig)) continue;
    await copyAtomic(orig, cached);
    return { path: cached, version: owner.version, source: 'apt-archive' };
  }
  return undefined;
}

/** dpkg-repack of the owner package, to `cached`. */
async function repack(job: Job, owner: Owner, cached: string): Promise<NodeDeb> {
  await requireProgram('dpkg-repack', 'dpkg-repack', 'repacking the host nodejs package');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-repack-'));
  try {
    job.progress(`dpkg-repack ${owner.name} ${owner.version} (host Node ${job.nodeVersion})`);
    await run('dpkg-repack', ['--deb-option=-Zgzip', '--deb-option=-z1', owner.name], { cwd: work, timeoutMs: 600_000 });
    const made = (await fs.readdir(work)).find((f) => f.endsWith('.deb'));
    if (!made) throw new UnavailableError('tacd.verify.repack', `dpkg-repack ${owner.name} produced no .deb`);
    await copyAtomic(path.join(work, made), cached);
    return { path: cached, version: owner.version, source: 'dpkg-repack' };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The owner's package (cached, from apt's archive, or repacked); undefined: synthesize instead. */
async function fromOwner(job: Job, owner: Owner, method: 'auto' | 'repack'): Promise<NodeDeb | undefined> {
  const fileVersion = owner.version.replace(/:/g, '%3a');
  const cached = path.join(job.dir, `${owner.name}_${fileVersion}_${job.arch}.deb`);
  if (existsSync(cached)) return { path: cached, version: owner.version, source: method === 'repack' ? 'dpkg-repack' : 'apt-archive' };
  return method === 'auto' ? fromAptArchive(job, owner, fileVersion, cached) : repack(job, owner, cached);
}

/** The shared libraries of `ldd` output that a copied node binary cannot rely on in minbase. */
export function foreignLibraries(lddOutput: string): string[] {
  const libs = [...lddOutput.matchAll(/^\s*(\S+\.so[^\s]*)/gm)].map((m) => m[1]!);
  return libs.filter((l) => !/^(linux-vdso|linux-gate|ld-linux|libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s)[.-]/.test(path.basename(l)));
}

/**
 * Only a self-contained node (NodeSource, nodejs.org, setup-node builds) can be
 * copied alone; Debian's own links libnode.so and friends.
 */
async function requireSelfContained(nodeBin: string): Promise<void> {
  const ldd = await run('ldd', [nodeBin], { allowFailure: true });
  const foreign = foreignLibraries(ldd.stdout);
  if (ldd.exitCode !== 0 || foreign.length === 0) return;
  throw new UnavailableError(
    'tacd.verify.node',
    `the running node (${nodeBin}) needs ${foreign.join(', ')}, so it cannot be packaged alone; use hostNodeDeb({ method: 'repack' }) (apt-get install dpkg-repack)`,
  );
}

/** DEBIAN/control of the synthesized package. */
export function nodeControl(version: string, arch: string, sizeKb: number, nodeVersion: string): string {
  return [
    'Package: nodejs',
    `Version: ${version}`,
    `Architecture: ${arch}`,
    'Maintainer: tacd test harness <tacd@example.org>',
    `Installed-Size: ${sizeKb}`,
    'Depends: libc6, libgcc-s1, libstdc++6',
    'Section: javascript',
    'Priority: optional',
    `Description: Node.js ${nodeVersion} copied from the build host (tacd tests)`,
    ' Only /usr/bin/node, for testing packages that depend on nodejs (>= 20).',
    '',
  ].join('\n');
}

/** The package tree: DEBIAN/control and usr/bin/node. */
async function writeNodeTree(job: Job, tree: string, version: string): Promise<void> {
  await fs.mkdir(path.join(tree, 'DEBIAN'), { recursive: true, mode: 0o755 });
  await fs.mkdir(path.join(tree, 'usr/bin'), { recursive: true, mode: 0o755 });
  await fs.chmod(tree, 0o755);
  await fs.copyFile(job.nodeBin, path.join(tree, 'usr/bin/node'));
  await fs.chmod(path.join(tree, 'usr/bin/node'), 0o755);
  const sizeKb = Math.ceil((await fs.stat(job.nodeBin)).size / 1024);
  await fs.writeFile(path.join(tree, 'DEBIAN/control'), nodeControl(version, job.arch, sizeKb, job.nodeVersion));
}

/**
 * A package holding only /usr/bin/node (a copy of process.execPath, which links
 * only libc, libstdc++ and libgcc_s), version `<node>-0tacd1`, depending on
 * libc6, libgcc-s1 and libstdc++6 (all in minbase), so it installs offline
 * with `dpkg -i`. It has no npm, which tacd packages do not need.
 */
async function synthesize(job: Job): Promise<NodeDeb> {
  const version = `${job.nodeVersion}-0tacd1`;
  const out = path.join(job.dir, `nodejs_${version}_${job.arch}.deb`);
  if (existsSync(out)) return { path: out, version, source: 'synthesized' };
  await requireSelfContained(job.nodeBin);
  job.progress(`packaging the host's node ${job.nodeVersion} (${job.nodeBin}) as nodejs_${version}_${job.arch}.deb`);
  const tree = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-nodedeb-'));
  try {
    await writeNodeTree(job, tree, version);
    await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', tree, `${out}.tmp`]);
    await fs.rename(`${out}.tmp`, out);
    return { path: out, version, source: 'synthesized' };
  } finally {
    await fs.rm(tree, { recursive: true, force: true });
  }
}

async function hostNodeDebLocked(dir: string, options: NodeDebOptions): Promise<NodeDeb> {
  const method = options.method ?? 'auto';
  const nodeBin = await fs.realpath(process.execPath);
  const job: Job = { dir, arch: await debArch(), nodeBin, nodeVersion: process.versions.node, progress: options.onProgress ?? defaultProgress };
  const owner = await dpkgOwner(nodeBin);
  if (method !== 'synthesize' && owner) {
    const found = await fromOwner(job, owner, method);
    if (found) return found;
  } else if (method === 'repack') {
    throw new UnavailableError('tacd.verify.repack', `the running node (${nodeBin}) belongs to no dpkg package, so it cannot be repacked; use method 'synthesize'`);
  }
  return synthesize(job);
}

/** A .deb named `nodejs` that installs the Node running this process (see the module comment). */
export async function hostNodeDeb(options: NodeDebOptions = {}): Promise<NodeDeb> {
  const dir = path.join(rootfsCacheDir(options.cacheDir), 'debs');
  return withFileLock(path.join(dir, '.lock'), () => hostNodeDebLocked(dir, options), options.onProgress ?? defaultProgress);
}
