/**
 * A small streaming tar writer: ustar headers with GNU extensions, the dialect
 * GNU tar writes with `--format=gnu` and the one `dpkg-deb --build` produces.
 *
 * Why not tar-stream or node-tar: both fall back to PAX extended headers
 * ('x'/'g') when a name, link target or size does not fit a ustar header, and
 * dpkg rejects PAX outright ("unsupported PAX tar header type", lib/dpkg/tarfn.c
 * in 1.21 and still in HEAD). node-tar also strips the leading "./" that dpkg
 * tools expect. So this writer never emits PAX:
 *  - names over 100 bytes get a GNU 'L' (././@LongLink) entry first;
 *  - link targets over 100 bytes get a GNU 'K' entry (ustar has no prefix for
 *    the link name, so the ustar name/prefix split cannot help there);
 *  - sizes of 8 GiB or more use GNU base-256 (first byte 0x80, then big-endian
 *    binary), as GNU tar does; dpkg, GNU tar and bsdtar all read it.
 * The magic is GNU's "ustar  \0" (not POSIX "ustar\0" "00"): 'L'/'K' and base-256
 * are GNU extensions, and readers key the GNU rules off that magic.
 *
 * The archive ends with two zero blocks and is then padded to a whole 10240-byte
 * record (GNU tar's default blocking factor 20), so our data.tar is laid out like
 * the one dpkg-deb --build gets from GNU tar. The padding costs nothing once
 * compressed, and some readers (old tar, cpio -H ustar) expect whole records.
 *
 * Pure: no clock, no file system. Contents arrive as bytes or as an async
 * stream; the writer yields chunks and never holds a whole file in memory.
 */
import { DataError } from '../../core/errors.js';
import type { FileData } from '../plan.js';

export const BLOCK = 512;
export const RECORD = 20 * BLOCK;

export interface TarEntry {
  /** The name exactly as stored: './usr/bin/x', './usr/' (directories end in '/'). */
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink';
  /** Permission bits, including setuid/setgid/sticky (0o7777 at most). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** Symlink target. */
  readonly linkname?: string;
  /** File contents (type 'file' only). */
  readonly data?: FileData;
}

const enc = new TextEncoder();
const ZERO_BLOCK = new Uint8Array(BLOCK);

function fail(field: string, message: string): never {
  throw new DataError('tacd.tar', message, { field });
}

/** Writes `value` as zero-padded octal of `width` digits followed by NUL (GNU tar's layout). */
function octal(buf: Uint8Array, offset: number, width: number, value: number, field: string, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) fail(field, `${what}: ${field} must be a non-negative integer, got ${value}`);
  const s = value.toString(8);
  if (s.length > width) fail(field, `${what}: ${field} ${value} does not fit the tar header`);
  buf.set(enc.encode(s.padStart(width, '0')), offset);
  buf[offset + width] = 0;
}

/** The 12-byte size field: octal below 8 GiB, GNU base-256 from 8 GiB up. */
function sizeField(buf: Uint8Array, value: number, what: string): void {
  if (value < 8 ** 11) {
    octal(buf, 124, 11, value, 'size', what);
    return;
  }
  if (!Number.isSafeInteger(value)) fail('size', `${what}: size ${value} is not a safe integer`);
  let v = BigInt(value);
  for (let i = 135; i > 124; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  buf[124] = 0x80;
}

function text(buf: Uint8Array, offset: number, width: number, value: string, field: string, what: string): void {
  const b = enc.encode(value);
  if (b.length > width) fail(field, `${what}: ${field} '${value}' is longer than ${width} bytes`);
  buf.set(b, offset);
}

interface RawHeader {
  name: Uint8Array;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: Uint8Array;
  uname: string;
  gname: string;
}

function header(h: RawHeader, what: string): Uint8Array {
  const buf = new Uint8Array(BLOCK);
  buf.set(h.name.subarray(0, 100), 0);
  octal(buf, 100, 7, h.mode, 'mode', what);
  octal(buf, 108, 7, h.uid, 'uid', what);
  octal(buf, 116, 7, h.gid, 'gid', what);
  sizeField(buf, h.size, what);
  octal(buf, 136, 11, h.mtime, 'mtime', what);
  buf.set(enc.encode(h.typeflag), 156);
  buf.set(h.linkname.subarray(0, 100), 157);
  buf.set(enc.encode('ustar  \0'), 257);
  // uname/gname need a terminating NUL: 31 bytes at most.
  text(buf, 265, 31, h.uname, 'uname', what);
  text(buf, 297, 31, h.gname, 'gname', what);
  // Checksum: computed with the field filled with spaces, written as 6 octal digits, NUL, space.
  buf.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of buf) sum += b;
  buf.set(enc.encode(sum.toString(8).padStart(6, '0')), 148);
  buf[154] = 0;
  buf[155] = 0x20;
  return buf;
}

/** A GNU long-name ('L') or long-link ('K') entry: a header named ././@LongLink, then the NUL-terminated string. */
function* longEntry(typeflag: 'L' | 'K', value: Uint8Array, what: string): Generator<Uint8Array> {
  const body = new Uint8Array(Math.ceil((value.length + 1) / BLOCK) * BLOCK);
  body.set(value, 0);
  yield header(
    {
      name: enc.encode('././@LongLink'),
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: value.length + 1,
      mtime: 0,
      typeflag,
      linkname: new Uint8Array(0),
      uname: 'root',
      gname: 'root',
    },
    what,
  );
  yield body;
}

function byteLength(data: FileData): number {
  return data instanceof Uint8Array ? data.length : data.size;
}

/** The header blocks for one entry (long-name/long-link entries included), without its contents. */
export function entryHeaders(e: TarEntry): Uint8Array[] {
  const what = `tar entry '${e.name}'`;
  if (e.mode !== (e.mode & 0o7777)) fail('mode', `${what}: mode 0${e.mode.toString(8)} has bits beyond 07777`);
  const name = enc.encode(e.name);
  const linkname = enc.encode(e.linkname ?? '');
  if (name.includes(0) || linkname.includes(0)) fail('name', `${what}: names and link targets cannot contain NUL`);
  if (e.type === 'symlink' && linkname.length === 0) fail('linkname', `${what}: a symlink needs a target`);
  if (e.type === 'file' && e.data === undefined) fail('data', `${what}: a file needs data`);
  const out: Uint8Array[] = [];
  if (linkname.length > 100) out.push(...longEntry('K', linkname, what));
  if (name.length > 100) out.push(...longEntry('L', name, what));
  out.push(
    header(
      {
        name,
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        size: e.type === 'file' ? byteLength(e.data!) : 0,
        mtime: e.mtime,
        typeflag: e.type === 'file' ? '0' : e.type === 'dir' ? '5' : '2',
        linkname,
        uname: e.uname,
        gname: e.gname,
      },
      what,
    ),
  );
  return out;
}

/** The exact number of bytes tarStream(entries) yields, computed from the headers and declared sizes alone. */
export function tarSize(entries: Iterable<TarEntry>): number {
  let total = 0;
  for (const e of entries) {
    for (const h of entryHeaders(e)) total += h.length;
    if (e.type !== 'file') continue;
    const size = byteLength(e.data!);
    total += size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  total += 2 * BLOCK;
  return total + ((RECORD - (total % RECORD)) % RECORD);
}

/**
 * Where the data of every file of at least `min` bytes starts and ends (before
 * its padding, so that a file's blocks are the same in a tar and a cpio) in
 * tarStream(entries): the parts a segment-aware compressor keeps independent
 * of their offset (archive/segments.ts).
 */
export function tarBreaks(entries: Iterable<TarEntry>, min: number): number[] {
  const breaks: number[] = [];
  let at = 0;
  for (const e of entries) {
    for (const h of entryHeaders(e)) at += h.length;
    if (e.type !== 'file') continue;
    const size = byteLength(e.data!);
    const end = at + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (size >= min) breaks.push(at, at + size);
    at = end;
  }
  return breaks;
}

/**
 * Streams a whole tar archive: for each entry its headers and contents (padded to
 * 512 bytes), then two zero blocks and padding to a 10240-byte record. A stream
 * that yields more or fewer bytes than its declared size is an error naming the entry.
 */
export async function* tarStream(entries: Iterable<TarEntry> | AsyncIterable<TarEntry>): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const e of entries) {
    for (const h of entryHeaders(e)) {
      total += h.length;
      yield h;
    }
    if (e.type !== 'file') continue;
    const data = e.data!;
    const size = byteLength(data);
    if (data instanceof Uint8Array) {
      if (size > 0) yield data;
    } else {
      let seen = 0;
      for await (const chunk of data.open()) {
        seen += chunk.length;
        if (seen > size) fail('data', `tar entry '${e.name}': the stream yielded more than its declared size of ${size} bytes`);
        if (chunk.length > 0) yield chunk;
      }
      if (seen !== size) fail('data', `tar entry '${e.name}': the stream yielded ${seen} bytes, its declared size is ${size}`);
    }
    total += size;
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad > 0) {
      total += pad;
      yield ZERO_BLOCK.subarray(0, pad);
    }
  }
  total += 2 * BLOCK;
  yield new Uint8Array(2 * BLOCK);
  const recordPad = (RECORD - (total % RECORD)) % RECORD;
  if (recordPad > 0) yield new Uint8Array(recordPad);
}
