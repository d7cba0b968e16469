/**
 * The per-file arrays of the main header, and the cpio members of the payload.
 *
 * What the RPM owns: regular files, symlinks, %ghost files and the directories
 * marked `owned` (%dir). Implicit parent directories are neither in the header
 * nor in the payload (rpm creates them), so the package never owns /usr or /etc.
 * Every array is sorted by full path (byte order), as rpmfi's binary search needs.
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../core/errors.js';
import type { FileData, PayloadEntry } from '../plan.js';
import { CPIO_MAX_SIZE, S_IFDIR, S_IFLNK, S_IFREG, type CpioMember } from '../archive/cpio.js';
import type { HeaderBuilder } from './header.js';
import {
  PGPHASHALGO_SHA256,
  RPMFILE_CONFIG,
  RPMFILE_DOC,
  RPMFILE_GHOST,
  RPMFILE_LICENSE,
  RPMFILE_NOREPLACE,
  RPMFILE_SPECFILE,
  RPMTAG_BASENAMES,
  RPMTAG_CLASSDICT,
  RPMTAG_DIRINDEXES,
  RPMTAG_DIRNAMES,
  RPMTAG_FILECLASS,
  RPMTAG_FILECOLORS,
  RPMTAG_FILEDEVICES,
  RPMTAG_FILEDIGESTALGO,
  RPMTAG_FILEDIGESTS,
  RPMTAG_FILEFLAGS,
  RPMTAG_FILEGROUPNAME,
  RPMTAG_FILEINODES,
  RPMTAG_FILELANGS,
  RPMTAG_FILELINKTOS,
  RPMTAG_FILEMODES,
  RPMTAG_FILEMTIMES,
  RPMTAG_FILERDEVS,
  RPMTAG_FILESIZES,
  RPMTAG_FILEUSERNAME,
  RPMTAG_FILEVERIFYFLAGS,
  RPMTAG_LONGFILESIZES,
  RPMVERIFY_ALL,
  RPMVERIFY_FILEDIGEST,
  RPMVERIFY_FILESIZE,
  RPMVERIFY_LINKTO,
  RPMVERIFY_MTIME,
} from './tags.js';

/** Size rpmbuild 4.18 records for a directory in FILESIZES (0), and what the payload carries. */
export const DIR_SIZE = 0;

export interface RpmFile {
  readonly path: string;
  readonly entry: PayloadEntry;
  /** Full st_mode with type bits. */
  readonly mode: number;
  /** FILESIZES value: content length (regular), target length (symlink), 4096 (dir), 0 (ghost). */
  readonly size: number;
  /** Bytes in the payload (0 for directories). */
  readonly payloadSize: number;
  readonly digest: string;
  readonly linkTo: string;
  readonly flags: number;
  readonly verifyFlags: number;
  readonly user: string;
  readonly group: string;
  readonly fileClass: string;
  readonly color: number;
}

const encoder = new TextEncoder();

/** strcmp order on UTF-8 bytes (what rpm sorts and searches by). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function dataSize(d: FileData): number {
  return d instanceof Uint8Array ? d.length : d.size;
}

/** What reading a regular file tells the header: its SHA-256 and first 4 KiB (for FILECLASS). */
export interface FileContent {
  readonly digest: string;
  readonly head: Uint8Array;
}

/**
 * Wraps a regular file's data so that every time it is streamed (the payload
 * pass) its SHA-256 and head are recorded in `into` under `path`, and its
 * length checked against the declared size: the header's digests come from
 * the pass that writes the payload, with no read of their own.
 */
export function recording(path: string, d: FileData, into: Map<string, FileContent>): FileData {
  if (d instanceof Uint8Array) {
    into.set(path, { digest: createHash('sha256').update(d).digest('hex'), head: d.subarray(0, 4096) });
    return d;
  }
  return {
    size: d.size,
    async *open() {
      const hash = createHash('sha256');
      const headParts: Uint8Array[] = [];
      let n = 0;
      for await (const chunk of d.open()) {
        hash.update(chunk);
        if (n < 4096) headParts.push(chunk.slice(0, 4096 - n));
        n += chunk.length;
        yield chunk;
      }
      if (n !== d.size) {
        throw new DataError('tacd.rpm.fileSize', `payload file '${path}': declared size ${d.size} but its content has ${n} bytes`, { field: 'payload.data' });
      }
      into.set(path, { digest: hash.digest('hex'), head: Buffer.concat(headParts) });
    },
  };
}

const ELF_MACHINES: Readonly<Record<number, string>> = {
  3: 'Intel 80386',
  40: 'ARM',
  62: 'x86-64',
  183: 'ARM aarch64',
  21: '64-bit PowerPC or cisco 7500',
  22: 'IBM S/390',
  243: 'UCB RISC-V',
};

/**
 * A libmagic-like description, good enough for FILECLASS/CLASSDICT (rpmlint's
 * binary checks) and FILECOLORS: ELF objects are recognised, everything else is
 * text or data. Returns [class, color] (color 1 = 32-bit ELF, 2 = 64-bit ELF).
 */
export function classify(head: Uint8Array, size: number, mode: number): [string, number] {
  if (size === 0) return ['empty', 0];
  if (head.length >= 20 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    const bits = head[4] === 2 ? 64 : 32;
    const lsb = head[5] !== 2;
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const type = dv.getUint16(16, lsb);
    const machine = dv.getUint16(18, lsb);
    const kind = type === 1 ? 'relocatable' : type === 2 ? 'executable' : type === 3 ? 'shared object' : type === 4 ? 'core file' : 'file';
    const desc = `ELF ${bits}-bit ${lsb ? 'LSB' : 'MSB'} ${kind}, ${ELF_MACHINES[machine] ?? `machine ${machine}`}`;
    return [desc, bits === 64 ? 2 : 1];
  }
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.length === 4096 ? trimPartialUtf8(head) : head);
  } catch {
    text = undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (text === undefined || /[\x00-\x08\x0e-\x1f\x7f]/.test(text)) return ['data', 0];
  const charset = /[^\x00-\x7f]/.test(text) ? 'Unicode text, UTF-8 text' : 'ASCII text';
  if (text.startsWith('#!')) {
    const interp = text.slice(2).trim().split(/\s+/);
    const prog = (interp[0] === '/usr/bin/env' ? interp[1] : interp[0]?.split('/').pop()) ?? '';
    const what = prog === 'sh' || prog === 'dash' ? 'POSIX shell script' : prog === 'bash' ? 'Bourne-Again shell script' : `${prog} script`;
    return [`${what}, ${charset} executable`, 0];
  }
  return [(mode & 0o111) !== 0 ? `${charset}` : charset, 0];
}

/** Drops an incomplete UTF-8 sequence at the end of a truncated head. */
function trimPartialUtf8(b: Uint8Array): Uint8Array {
  let i = b.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (b[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return b;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? b.subarray(0, i) : b;
}

/**
 * Entries the RPM owns, sorted by path. A regular file's data is wrapped by
 * recording() into `contents`; its digest and class are filled in by
 * withContents() once the payload has been streamed.
 */
export function ownedFiles(payload: readonly PayloadEntry[], contents: Map<string, FileContent>): RpmFile[] {
  const owned = payload.filter((e) => e.kind !== 'dir' || e.owned === true);
  owned.sort((a, b) => compareBytes(a.path, b.path));
  return owned.map((e) => rpmFile(e.kind === 'file' ? { ...e, data: recording(e.path, e.data, contents) } : e));
}

/** One entry's header fields (a regular file's digest and class still empty). */
function rpmFile(e: PayloadEntry): RpmFile {
  const user = e.owner ?? 'root';
  const group = e.group ?? 'root';
  const perms = e.mode & 0o7777;
  const common = { path: e.path, entry: e, user, group, linkTo: '', digest: '', fileClass: '', color: 0, flags: 0, verifyFlags: RPMVERIFY_ALL };
  switch (e.kind) {
    case 'file': {
      const size = dataSize(e.data);
      const flags = (e.config ? RPMFILE_CONFIG | RPMFILE_NOREPLACE : 0) | (e.doc ? RPMFILE_DOC : 0) | (e.license ? RPMFILE_LICENSE : 0);
      return { ...common, mode: S_IFREG | perms, size, payloadSize: size, flags };
    }
    case 'symlink': {
      const size = encoder.encode(e.target).length;
      return { ...common, mode: S_IFLNK | 0o777, size, payloadSize: size, linkTo: e.target };
    }
    case 'dir':
      return { ...common, mode: S_IFDIR | perms, size: DIR_SIZE, payloadSize: 0, fileClass: 'directory' };
    case 'ghost':
      // rpmbuild (build/files.c) drops the content checks for %ghost.
      return { ...common, mode: S_IFREG | perms, size: 0, payloadSize: 0, flags: RPMFILE_GHOST, verifyFlags: (RPMVERIFY_ALL & ~(RPMVERIFY_FILEDIGEST | RPMVERIFY_FILESIZE | RPMVERIFY_LINKTO | RPMVERIFY_MTIME)) >>> 0 };
  }
}

/** The regular files' digests and classes from what the payload pass recorded. */
export function withContents(files: readonly RpmFile[], contents: ReadonlyMap<string, FileContent>): RpmFile[] {
  return files.map((f) => {
    if (f.entry.kind !== 'file') return f;
    const c = contents.get(f.entry.path);
    if (c === undefined) throw new Error(`internal: '${f.entry.path}' was not streamed into the payload`);
    const [fileClass, color] = classify(c.head, f.size, f.mode & 0o7777);
    return { ...f, digest: c.digest, fileClass, color };
  });
}

/**
 * A source package stores its files (the spec and the sources) as bare names, the
 * way rpmbuild writes a .src.rpm: DIRNAMES [''], cpio names without './' and the
 * spec flagged RPMFILE_SPECFILE (rpm -i puts it in %_specdir, rpmlint checks its name).
 */
export function sourceFiles(files: readonly RpmFile[]): RpmFile[] {
  return files.map((f) => ({ ...f, path: f.path.slice(1), flags: f.entry.kind === 'file' && f.path.endsWith('.spec') ? f.flags | RPMFILE_SPECFILE : f.flags }));
}

/** True when any file needs 64-bit sizes (rpm: LONGFILESIZES and the stripped cpio format). */
export function hasLargeFiles(files: readonly RpmFile[]): boolean {
  return files.some((f) => f.size > CPIO_MAX_SIZE);
}

/** Adds BASENAMES ... FILEDIGESTALGO to the header. Nothing for a package without files. */
export function putFileTags(h: HeaderBuilder, files: readonly RpmFile[], mtime: number): void {
  if (files.length === 0) return;
  const dirs: string[] = [];
  const dirIndex = new Map<string, number>();
  const basenames: string[] = [];
  const dirIndexes: number[] = [];
  for (const f of files) {
    const cut = f.path.lastIndexOf('/');
    const dir = f.path.slice(0, cut + 1);
    let di = dirIndex.get(dir);
    if (di === undefined) {
      di = dirs.length;
      dirs.push(dir);
      dirIndex.set(dir, di);
    }
    basenames.push(f.path.slice(cut + 1));
    dirIndexes.push(di);
  }
  const classes: string[] = [''];
  const classIndex = new Map<string, number>([['', 0]]);
  const fileClasses = files.map((f) => {
    let i = classIndex.get(f.fileClass);
    if (i === undefined) {
      i = classes.length;
      classes.push(f.fileClass);
      classIndex.set(f.fileClass, i);
    }
    return i;
  });
  h.strings(RPMTAG_BASENAMES, basenames);
  h.strings(RPMTAG_DIRNAMES, dirs);
  h.int32(RPMTAG_DIRINDEXES, dirIndexes);
  if (hasLargeFiles(files)) h.int64(RPMTAG_LONGFILESIZES, files.map((f) => f.size));
  else h.int32(RPMTAG_FILESIZES, files.map((f) => f.size));
  h.int16(RPMTAG_FILEMODES, files.map((f) => f.mode));
  h.int16(RPMTAG_FILERDEVS, files.map(() => 0));
  h.int32(RPMTAG_FILEMTIMES, files.map(() => mtime));
  h.strings(RPMTAG_FILEDIGESTS, files.map((f) => f.digest));
  h.strings(RPMTAG_FILELINKTOS, files.map((f) => f.linkTo));
  h.int32(RPMTAG_FILEFLAGS, files.map((f) => f.flags));
  h.strings(RPMTAG_FILEUSERNAME, files.map((f) => f.user));
  h.strings(RPMTAG_FILEGROUPNAME, files.map((f) => f.group));
  h.int32(RPMTAG_FILEVERIFYFLAGS, files.map((f) => f.verifyFlags));
  // rpmbuild records device 0 for a %ghost that does not exist in the buildroot, 1 otherwise.
  h.int32(RPMTAG_FILEDEVICES, files.map((f) => (f.entry.kind === 'ghost' ? 0 : 1)));
  h.int32(RPMTAG_FILEINODES, files.map((_, i) => i + 1));
  h.strings(RPMTAG_FILELANGS, files.map(() => ''));
  h.int32(RPMTAG_FILECOLORS, files.map((f) => f.color));
  h.int32(RPMTAG_FILECLASS, fileClasses);
  h.strings(RPMTAG_CLASSDICT, classes);
  h.int32(RPMTAG_FILEDIGESTALGO, PGPHASHALGO_SHA256);
}

/**
 * The payload members in header order: ghosts are skipped; names are './'-prefixed
 * (rpmlib(PayloadFilesHavePrefix)); inodes match FILEINODES. With large files every
 * member uses rpm's stripped header (index into the header arrays), as rpmbuild does.
 */
export function* cpioMembers(files: readonly RpmFile[], mtime: number, prefix = '.'): Generator<CpioMember> {
  const stripped = hasLargeFiles(files);
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const e = f.entry;
    if (e.kind === 'ghost') continue;
    let data: CpioMember['data'];
    if (e.kind === 'file') {
      const d = e.data;
      data = d instanceof Uint8Array ? d : () => d.open();
    } else if (e.kind === 'symlink') {
      data = encoder.encode(e.target);
    }
    const header = stripped
      ? { strippedIndex: i, size: f.payloadSize }
      : { name: prefix + f.path, mode: f.mode, size: f.payloadSize, ino: i + 1, nlink: 1, mtime };
    yield data === undefined ? { header } : { header, data };
  }
}
