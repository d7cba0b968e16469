/**
 * The Debian source package writer: a PackagePlan (the one ts2deb writes its
 * .deb from) in, the files of a source package out.
 *
 *   3.0 (quilt), meta.release set:
 *     NAME_UP.orig.tar.{gz,xz}       NAME-UP/payload/...  (+ NAME-UP/source/...)
 *     NAME_UP-REV.debian.tar.{gz,xz} debian/...
 *     NAME_UP-REV.dsc
 *   3.0 (native), meta.release empty:
 *     NAME_UP.tar.{gz,xz}            NAME-UP/debian/..., NAME-UP/payload/..., NAME-UP/source/...
 *     NAME_UP.dsc
 * (UP is meta.version; file names carry no epoch, the .dsc Version does.)
 *
 * payload/ is the binary package's tree minus what debhelper regenerates from
 * debian/ (see debian-dir.ts); source/ holds the application's sources when
 * the caller passes them (for auditors; the build does not use them).
 *
 * Pure and reproducible: tar entries are sorted, owned by root:root (ids 0),
 * dated meta.mtime; the compressor comes from the caller (gzip via node:zlib,
 * xz via the system xz with a fixed block size), so the same input gives the same bytes.
 */
import { DataError } from '../../core/errors.js';
import { compressedTar } from '../archive/compressed-tar.js';
import { chosenCache, type CompressionCache } from '../archive/compression-cache.js';
import type { TarEntry } from '../archive/tar.js';
import { debTree } from '../deb/tree.js';
import type { Compressor, FileData, PackagePlan, PayloadEntry } from '../plan.js';
import { debianDir, type DebianDirInput, type DebianFile } from './debian-dir.js';
import { renderSourceChanges } from './changes.js';
import { fileSums, renderDsc } from './dsc.js';
import { fileVersion } from './version.js';

/** A file of the application's sources, shipped under source/ in the orig tree. */
export interface UpstreamSourceFile {
  /** Relative and normalized: 'app.tac.ts', 'lib/util.ts'. */
  readonly path: string;
  readonly data: FileData;
  /** Default 0o644. */
  readonly mode?: number;
}

export interface DebianSourceInput extends DebianDirInput {
  readonly sources?: readonly UpstreamSourceFile[];
}

export interface DebianSourceOptions {
  /** Compresses the tarballs; the extension (.gz or .xz) follows its name. */
  readonly compression: Compressor;
  /** Also write NAME_VERSION_source.changes, as dpkg-genchanges -S would. */
  readonly changes?: boolean;
  /**
   * An OpenPGP cleartext signer (`gpg --clearsign`, supplied by the host) for
   * the .dsc and the .changes; both stay unsigned without it. The .changes
   * lists the checksums of the signed .dsc, so the .dsc is signed first.
   */
  readonly clearsign?: ClearSigner;
  /** Compressed blocks kept between builds (archive/compression-cache.ts); default: the process default, `null`: none. */
  readonly cache?: CompressionCache | null;
}

/** Returns `text` wrapped in an OpenPGP cleartext signature (RFC 4880 §7). */
export type ClearSigner = (text: Uint8Array) => Promise<Uint8Array>;

export interface OutputFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface DebianSource {
  /**
   * In .dsc order, the .dsc after the tarballs: orig, debian, dsc (or: native
   * tarball, dsc); then the _source.changes when asked for.
   */
  readonly files: readonly OutputFile[];
}

const enc = new TextEncoder();
const EXTENSION: Partial<Record<string, string>> = { gzip: 'gz', xz: 'xz' };

function fail(field: string, message: string): never {
  throw new DataError('tacd.srcdeb.sources', message, { field });
}

function sourceEntries(sources: readonly UpstreamSourceFile[]): PayloadEntry[] {
  const seen = new Set<string>();
  return sources.map((s, i) => {
    const f = `sources[${i}].path`;
    const parts = typeof s.path === 'string' ? s.path.split('/') : [];
    if (parts.length === 0 || s.path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..') || /[\n\r\0]/.test(s.path)) {
      fail(f, `${f} must be a normalized relative path without '.', '..' or empty components, got ${JSON.stringify(s.path)}`);
    }
    if (seen.has(s.path)) fail(f, `${f} '${s.path}' is listed twice`);
    seen.add(s.path);
    return { kind: 'file', path: `/${s.path}`, mode: s.mode ?? 0o644, data: s.data };
  });
}

/**
 * Tar entries for `payload` placed under `prefix` ('echo-1.0/payload'): the
 * prefix directory, every implied parent, directories before their children,
 * sorted as data.tar is (deb/tree.ts). Owners are root:root.
 */
function subtree(prefix: string, plan: PackagePlan, payload: readonly PayloadEntry[], mtime: number): TarEntry[] {
  const tree = debTree({ ...plan, payload });
  return tree.map((e) => ({
    name: e.path === '/' ? `${prefix}/` : e.kind === 'dir' ? `${prefix}${e.path}/` : `${prefix}${e.path}`,
    type: e.kind,
    mode: e.mode,
    uid: 0,
    gid: 0,
    uname: 'root',
    gname: 'root',
    mtime,
    ...(e.kind === 'symlink' ? { linkname: e.target! } : {}),
    ...(e.kind === 'file' ? { data: e.data! } : {}),
  }));
}

function debianPayload(files: readonly DebianFile[]): PayloadEntry[] {
  return files.map((f) => ({ kind: 'file', path: `/${f.path}`, mode: f.mode, data: f.data }));
}

function dirEntry(name: string, mtime: number): TarEntry {
  return { name, type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
}

/**
 * Writes the source package. Throws a DataError naming the field for an
 * invalid plan, a format that does not fit the version, a changelog whose
 * newest entry is not the plan's version, or a bad source path.
 */
export async function writeDebianSource(input: DebianSourceInput, options: DebianSourceOptions): Promise<DebianSource> {
  const name = (options.compression as { name?: unknown }).name;
  const ext = typeof name === 'string' && Object.hasOwn(EXTENSION, name) ? EXTENSION[name] : undefined;
  if (ext === undefined) {
    throw new DataError('tacd.srcdeb.compression', `compression '${String(name)}' is not usable for source tarballs; expected gzip or xz`, {
      field: 'compression',
    });
  }
  const dir = await debianDir(input);
  const { plan } = input;
  const { meta } = plan;
  const mtime = meta.mtime;
  const sources = sourceEntries(input.sources ?? []);
  const top = `${meta.name}-${meta.version}`;
  const base = `${meta.name}_${fileVersion(meta)}`;

  const native = dir.format === '3.0 (native)';
  const debianFiles = debianPayload(dir.files);
  const upstream: TarEntry[] = [
    dirEntry(`${top}/`, mtime),
    ...(native ? subtree(`${top}/debian`, plan, debianFiles, mtime) : []),
    ...subtree(`${top}/payload`, plan, dir.payload, mtime),
    ...(sources.length > 0 ? subtree(`${top}/source`, plan, sources, mtime) : []),
  ];
  // The payload's large files (the bundled node) reuse the binary package's compressed blocks.
  const cache = chosenCache(options.cache);
  const compress = (entries: TarEntry[]): Promise<Uint8Array> => compressedTar(options.compression, entries, cache);
  const out: OutputFile[] = native
    ? [{ name: `${base}.tar.${ext}`, bytes: await compress(upstream) }]
    : [
        { name: `${meta.name}_${meta.version}.orig.tar.${ext}`, bytes: await compress(upstream) },
        { name: `${base}.debian.tar.${ext}`, bytes: await compress(subtree('debian', plan, debianFiles, mtime)) },
      ];
  const sums = out.map((f) => fileSums(f.name, f.bytes));
  const sign = async (text: string): Promise<Uint8Array> => (options.clearsign ? options.clearsign(enc.encode(text)) : enc.encode(text));
  const dsc = { name: `${base}.dsc`, bytes: await sign(renderDsc(plan, dir.format, sums)) };
  out.push(dsc);
  if (options.changes === true) {
    const changes = renderSourceChanges(plan, dir.changelog, [fileSums(dsc.name, dsc.bytes), ...sums]);
    out.push({ name: `${base}_source.changes`, bytes: await sign(changes) });
  }
  return { files: out };
}
