/**
 * The .deb writer: a PackagePlan in, the bytes of a binary package out
 * (deb(5)): an ar archive holding, in this order,
 *   debian-binary       "2.0\n"
 *   control.tar.{gz,xz} ./, ./conffiles, ./control, ./md5sums, maintainer scripts
 *   data.tar.{gz,xz}    the payload (see tree.ts and archive/tar.ts)
 *
 * One pass over the file contents: data.tar is streamed into the compressor
 * while each regular file is hashed (MD5) on the way, so a multi-GiB FileData
 * is never held in memory (only the compressed data.tar is). The compressor
 * is told where each large file's data starts and ends in data.tar
 * (archive/segments.ts), so with a compression cache only the blocks that
 * changed since an earlier build are compressed again. control.tar,
 * which needs those sums, is built afterwards; it is placed first in the ar.
 *
 * Pure and reproducible: no clock, file system or process; every mtime (tar
 * entries and ar members) is plan.meta.mtime, every id 0, the order sorted.
 * The same plan and the same compressor give byte-identical output.
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../core/errors.js';
import { arChunks } from '../archive/ar.js';
import { compressedTar } from '../archive/compressed-tar.js';
import { chosenCache, type CompressionCache } from '../archive/compression-cache.js';
import { tarStream, type TarEntry } from '../archive/tar.js';
import type { Compressor, FileData, PackageMeta, PackagePlan } from '../plan.js';
import { debVersion, renderControl } from './control.js';
import { installedSizeKiB } from './installed-size.js';
import { renderConffiles, renderMd5sums } from './md5sums.js';
import { debTree, toTarEntry } from './tree.js';
import { validateDebPlan } from './validate.js';

export { validateDebPlan } from './validate.js';

export interface DebOptions {
  /** Compresses data.tar; control.tar uses the same compressor (member names end in .gz or .xz accordingly). */
  readonly compression: Compressor;
  /**
   * Where compressed data.tar streams are kept between builds (see
   * archive/compression-cache.ts); default: the process default installed by
   * the build step, if any. `null` disables it. Never changes the output bytes.
   */
  readonly cache?: CompressionCache | null;
}

const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'] as const;
const EXTENSION: Partial<Record<string, string>> = { gzip: 'gz', xz: 'xz' };

/** name_version[-release]_arch.deb; the epoch is omitted, as dpkg-name and dpkg-buildpackage do. */
export function debFileName(meta: PackageMeta): string {
  return `${meta.name}_${debVersion({ version: meta.version, release: meta.release })}_${meta.arch}.deb`;
}

/** Wraps `data` so that its bytes are hashed as data.tar streams them; `done` receives the hex digest. */
function hashing(data: FileData, done: (md5: string) => void): FileData {
  if (data instanceof Uint8Array) {
    done(createHash('md5').update(data).digest('hex'));
    return data;
  }
  return {
    size: data.size,
    async *open() {
      const h = createHash('md5');
      for await (const chunk of data.open()) {
        h.update(chunk);
        yield chunk;
      }
      done(h.digest('hex'));
    },
  };
}

function controlEntry(name: string, text: string, mode: number, mtime: number): TarEntry {
  return { name: `./${name}`, type: 'file', mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime, data: new TextEncoder().encode(text) };
}

/**
 * A binary .deb ships every entry as root:root. dpkg unpacks data.tar before
 * postinst runs, so on a first install the service account does not exist yet
 * and an owner name would fall back to root anyway (the source package, which
 * rebuilds as root:root, refuses it too: srcdeb/debian-dir.ts). Throws a
 * DataError naming the entry, its path and its owner.
 */
function checkRootOwned(plan: PackagePlan): void {
  plan.payload.forEach((e, i) => {
    if (e.kind === 'ghost') return;
    const owner = e.owner ?? 'root';
    const group = e.group ?? 'root';
    if (owner === 'root' && group === 'root') return;
    throw new DataError(
      'tacd.deb.owner',
      `payload[${i}] (${e.path}) is owned by ${owner}:${group}; a .deb is unpacked before postinst creates accounts, so ship it as root:root and chown in postinst or a tmpfiles.d entry`,
      { field: `payload[${i}].${owner !== 'root' ? 'owner' : 'group'}` },
    );
  });
}

/**
 * Writes the .deb. Returns the archive as an ordered list of chunks (ar magic,
 * member headers, member data, pads); write them in order, or
 * `Buffer.concat(chunks)` for one buffer. Throws a DataError naming the field
 * when the plan is not a valid Debian package (see validateDebPlan).
 */
export async function writeDeb(plan: PackagePlan, options: DebOptions): Promise<Uint8Array[]> {
  validateDebPlan(plan);
  checkRootOwned(plan);
  const name = (options.compression as { name?: unknown }).name;
  const ext = typeof name === 'string' && Object.hasOwn(EXTENSION, name) ? EXTENSION[name] : undefined;
  if (ext === undefined) {
    throw new DataError('tacd.deb.compression', `compression '${String(name)}' is not usable in a .deb; expected gzip or xz`, {
      field: 'compression',
    });
  }
  const { meta } = plan;
  const mtime = meta.mtime;
  const tree = debTree(plan);

  const md5 = new Map<string, string>();
  const dataEntries = tree.map((e) =>
    toTarEntry(e, mtime, e.kind === 'file' ? hashing(e.data!, (sum) => md5.set(e.path, sum)) : undefined),
  );
  // data.tar may be streamed twice (the cache's key pass beside the compressor):
  // tarStream reopens every FileData, and the MD5 of each pass is the same.
  const cache = chosenCache(options.cache);
  const dataTar = await compressedTar(options.compression, dataEntries, cache);

  const files = tree.filter((e) => e.kind === 'file');
  const sums = files.map((e) => {
    const sum = md5.get(e.path);
    if (sum === undefined) throw new Error(`internal: no md5 computed for ${e.path}`);
    return { path: e.path, md5: sum };
  });
  const control: TarEntry[] = [
    { name: './', type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime },
  ];
  const conffiles = renderConffiles(files.filter((e) => e.config).map((e) => e.path));
  if (conffiles !== undefined) control.push(controlEntry('conffiles', conffiles, 0o644, mtime));
  control.push(controlEntry('control', renderControl(meta, installedSizeKiB(tree)), 0o644, mtime));
  const md5sums = renderMd5sums(sums);
  if (md5sums !== undefined) control.push(controlEntry('md5sums', md5sums, 0o644, mtime));
  for (const name of [...MAINTAINER_SCRIPTS].sort()) {
    const script = plan.scripts?.[name];
    if (script !== undefined) control.push(controlEntry(name, script, 0o755, mtime));
  }
  const controlTar = await options.compression.compress(tarStream(control));

  return arChunks([
    { name: 'debian-binary', data: new TextEncoder().encode('2.0\n'), mtime },
    { name: `control.tar.${ext}`, data: controlTar, mtime },
    { name: `data.tar.${ext}`, data: dataTar, mtime },
  ]);
}
