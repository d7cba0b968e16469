/**
 * The .src.rpm writer: NAME-VERSION-RELEASE.src.rpm holding NAME.spec (see
 * spec.ts) and Source0 NAME-VERSION.tar.gz, the binary payload as a tarball.
 *
 * The tarball is reproducible: entries sorted by path (byte order), implied parent
 * directories added (0755), every mtime the plan's, uid/gid 0 root/root (the real
 * owners and modes are the spec's %attr), GNU tar dialect without PAX, gzip -n
 * style header. %ghost entries are not in it (rpmbuild records them from %files).
 *
 * Pure: no file system, clock or process. File contents are read from the plan
 * (FileData.open() once per regular file for the tarball); the compressed tarball
 * is held in memory (it is the payload of the .src.rpm, and its own large files
 * are segments whose blocks the binary package may have compressed already).
 */
import type { Compressor, FileData, PackageMeta, PackagePlan, PayloadEntry, Signer } from '../plan.js';
import { gzipCompressor } from '../archive/gzip.js';
import { compressedTar } from '../archive/compressed-tar.js';
import { chosenCache, type CompressionCache } from '../archive/compression-cache.js';
import type { TarEntry } from '../archive/tar.js';
import { compareBytes } from '../rpm/files.js';
import { rpmFileName, writeRpm } from '../rpm/rpm.js';
import { validateRpmPlan } from '../rpm/validate.js';
import { renderSpec } from './spec.js';

export interface SourceRpmOptions {
  /** Compressor of the .src.rpm's cpio payload (the tarball inside is always gzip). */
  readonly compression: Compressor;
  /** Optional detached OpenPGP signer, as for writeRpm. */
  readonly signer?: Signer;
  /** Compressed blocks of Source0 kept between builds (archive/compression-cache.ts); default: the process default, `null`: none. */
  readonly cache?: CompressionCache | null;
}

/** 'echo-1.0.0-1.src.rpm' */
export function sourceRpmFileName(meta: PackageMeta): string {
  return rpmFileName(meta, { source: true });
}

/** Source0: 'echo-1.0.0.tar.gz' */
export function sourceTarballName(meta: PackageMeta): string {
  return `${meta.name}-${meta.version}.tar.gz`;
}

/** 'echo.spec' (rpmlint wants NAME.spec). */
export function specFileName(meta: PackageMeta): string {
  return `${meta.name}.spec`;
}

/** The tar entries of the payload: sorted, parents implied, ghosts left out. */
export function payloadTarEntries(plan: PackagePlan): TarEntry[] {
  const mtime = plan.meta.mtime;
  const byPath = new Map<string, PayloadEntry>();
  for (const e of plan.payload) if (e.kind !== 'ghost') byPath.set(e.path, e);
  for (const e of plan.payload) {
    for (let cut = e.path.lastIndexOf('/'); cut > 0; cut = e.path.lastIndexOf('/', cut - 1)) {
      const parent = e.path.slice(0, cut);
      if (!byPath.has(parent)) byPath.set(parent, { kind: 'dir', path: parent, mode: 0o755 });
    }
  }
  const base = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime } as const;
  return [...byPath.values()]
    .sort((a, b) => compareBytes(a.path, b.path))
    .map((e): TarEntry => {
      const mode = e.mode & 0o7777;
      switch (e.kind) {
        case 'dir':
          return { ...base, name: `.${e.path}/`, type: 'dir', mode };
        case 'symlink':
          return { ...base, name: `.${e.path}`, type: 'symlink', mode: 0o777, linkname: e.target };
        case 'file':
          return { ...base, name: `.${e.path}`, type: 'file', mode, data: e.data };
        default:
          throw new Error(`unreachable: ${e.kind}`);
      }
    });
}

/**
 * Source0: the payload tarball, gzip -9 with a fixed header; its large files'
 * blocks come from `cache` when the binary package compressed them already.
 */
export async function payloadTarball(plan: PackagePlan, cache: CompressionCache | null | undefined = undefined): Promise<Uint8Array> {
  return compressedTar(gzipCompressor(9), payloadTarEntries(plan), chosenCache(cache));
}

/** The plan of the source package itself: the spec and Source0 as flat files. */
export async function sourcePlan(plan: PackagePlan, cache?: CompressionCache | null): Promise<PackagePlan> {
  validateRpmPlan(plan);
  const meta = plan.meta;
  const spec = new TextEncoder().encode(renderSpec(plan, { sourceName: sourceTarballName(meta) }));
  const tarball: FileData = await payloadTarball(plan, cache);
  return {
    // Runtime relations and scriptlets belong to the binary package (they are in the spec);
    // the .src.rpm itself only provides NAME = EVR, as rpmbuild -bs writes it.
    meta: { ...meta, relations: undefined },
    payload: [
      { kind: 'file', path: `/${specFileName(meta)}`, mode: 0o644, data: spec },
      { kind: 'file', path: `/${sourceTarballName(meta)}`, mode: 0o644, data: tarball },
    ],
  };
}

/**
 * Writes NAME-VERSION-RELEASE.src.rpm (name: sourceRpmFileName). Returns the parts
 * in file order, like writeRpm. Bad plans get writeRpm's DataErrors (tacd.rpm.*)
 * or tacd.srcrpm.spec for what a spec cannot express.
 */
export async function writeSourceRpm(plan: PackagePlan, options: SourceRpmOptions): Promise<Uint8Array[]> {
  return writeRpm(await sourcePlan(plan, options.cache), { compression: options.compression, source: true, ...(options.signer ? { signer: options.signer } : {}) });
}
