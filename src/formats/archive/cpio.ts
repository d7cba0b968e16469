/**
 * SVR4 "newc" cpio (magic 070701), the RPM payload format, plus rpm's
 * "stripped" header (magic 07070X) used when a package holds files of 4 GiB or
 * more (rpm lib/cpio.c rpmcpioStrippedHeaderWrite).
 *
 * newc layout: a 110-byte ASCII header (magic + 13 eight-digit hex fields), the
 * NUL-terminated name, padding to a multiple of 4, the data, padding to a
 * multiple of 4. The archive ends with an entry named "TRAILER!!!".
 *
 * Pure: the caller supplies bytes or streams; nothing here touches the host.
 */
import { DataError } from '../../core/errors.js';

export const CPIO_NEWC_MAGIC = '070701';
export const CPIO_STRIPPED_MAGIC = '07070X';
export const CPIO_TRAILER_NAME = 'TRAILER!!!';
/** rpm refuses longer names (lib/cpio.c: CPIO_PATHLEN_MAX). */
export const CPIO_MAX_NAME = 4096;
/** Largest size a newc header field can hold. */
export const CPIO_MAX_SIZE = 0xffffffff;

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export interface CpioHeader {
  /** Name as stored, e.g. './usr/bin/x'. */
  readonly name: string;
  /** Full st_mode including the S_IF* type bits. */
  readonly mode: number;
  readonly size: number;
  readonly ino?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly nlink?: number;
  readonly mtime?: number;
  readonly devMajor?: number;
  readonly devMinor?: number;
  readonly rdevMajor?: number;
  readonly rdevMinor?: number;
}

const encoder = new TextEncoder();

function hex8(value: number, field: string, name: string): string {
  if (!Number.isInteger(value) || value < 0 || value > CPIO_MAX_SIZE) {
    throw new DataError('tacd.cpio.field', `cpio entry '${name}': ${field} must be an integer in 0..0xffffffff, got ${value}`, {
      field,
    });
  }
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** Zero bytes needed after `length` bytes to reach a multiple of 4. */
export function pad4(length: number): number {
  return (4 - (length % 4)) % 4;
}

const ZEROS = new Uint8Array(4);

/** Padding bytes after `length` bytes (a view of a shared zero buffer; do not write to it). */
export function padding(length: number): Uint8Array {
  return ZEROS.subarray(0, pad4(length));
}

/** A newc header, its NUL-terminated name and the padding that follows (a multiple of 4 bytes). */
export function newcHeader(h: CpioHeader): Uint8Array {
  const nameBytes = encoder.encode(h.name);
  if (nameBytes.length === 0 || nameBytes.length + 1 > CPIO_MAX_NAME) {
    throw new DataError('tacd.cpio.name', `cpio entry name must be 1..${CPIO_MAX_NAME - 1} bytes, got ${nameBytes.length} for '${h.name.slice(0, 80)}'`, {
      field: 'path',
    });
  }
  if (nameBytes.includes(0)) {
    throw new DataError('tacd.cpio.name', `cpio entry name '${h.name}' contains a NUL byte`, { field: 'path' });
  }
  const fields =
    CPIO_NEWC_MAGIC +
    hex8(h.ino ?? 0, 'ino', h.name) +
    hex8(h.mode, 'mode', h.name) +
    hex8(h.uid ?? 0, 'uid', h.name) +
    hex8(h.gid ?? 0, 'gid', h.name) +
    hex8(h.nlink ?? 1, 'nlink', h.name) +
    hex8(h.mtime ?? 0, 'mtime', h.name) +
    hex8(h.size, 'size', h.name) +
    hex8(h.devMajor ?? 0, 'devmajor', h.name) +
    hex8(h.devMinor ?? 0, 'devminor', h.name) +
    hex8(h.rdevMajor ?? 0, 'rdevmajor', h.name) +
    hex8(h.rdevMinor ?? 0, 'rdevminor', h.name) +
    hex8(nameBytes.length + 1, 'namesize', h.name) +
    hex8(0, 'check', h.name);
  const headLen = 110 + nameBytes.length + 1;
  const out = new Uint8Array(headLen + pad4(headLen));
  out.set(encoder.encode(fields), 0);
  out.set(nameBytes, 110);
  return out;
}

/**
 * rpm's stripped header: "07070X" + the file's index in the RPM header's file
 * arrays (8 hex digits), padded to 4. Size, mode and name come from the RPM header.
 */
export function strippedHeader(fileIndex: number): Uint8Array {
  const text = CPIO_STRIPPED_MAGIC + hex8(fileIndex, 'fx', `#${fileIndex}`);
  const out = new Uint8Array(16);
  out.set(encoder.encode(text), 0);
  return out;
}

/** The closing "TRAILER!!!" entry (nlink 1, as GNU cpio and rpm write it). */
export function newcTrailer(): Uint8Array {
  return newcHeader({ name: CPIO_TRAILER_NAME, mode: 0, size: 0, nlink: 1 });
}

/** One archive member: a header and, for regular files and symlinks, its content. */
export interface CpioMember {
  /** Either a full newc header, or a file index for rpm's stripped format. */
  readonly header: CpioHeader | { readonly strippedIndex: number; readonly size: number };
  /** Content, exactly `header.size` bytes; absent for directories. */
  readonly data?: Uint8Array | (() => AsyncIterable<Uint8Array>);
}

/** The exact number of bytes cpioStream(members) yields, from the headers and declared sizes alone. */
export function cpioSize(members: Iterable<CpioMember>): number {
  let total = 0;
  for (const m of members) {
    const h = m.header;
    total += ('strippedIndex' in h ? strippedHeader(h.strippedIndex) : newcHeader(h)).length + h.size + padding(h.size).length;
  }
  return total + newcTrailer().length;
}

/**
 * Where the content of every member of at least `min` bytes starts and ends
 * (before its padding, as tarBreaks) in cpioStream(members): the parts a
 * segment-aware compressor keeps independent of their offset
 * (archive/segments.ts).
 */
export function cpioBreaks(members: Iterable<CpioMember>, min: number): number[] {
  const breaks: number[] = [];
  let at = 0;
  for (const m of members) {
    const h = m.header;
    at += ('strippedIndex' in h ? strippedHeader(h.strippedIndex) : newcHeader(h)).length;
    const end = at + h.size + padding(h.size).length;
    if (h.size >= min) breaks.push(at, at + h.size);
    at = end;
  }
  return breaks;
}

/**
 * Streams a complete archive: every member with its padding, then the trailer.
 * Streamed content is checked against the declared size (a file that changed
 * between two reads is an error, not a corrupt archive).
 */
export async function* cpioStream(members: Iterable<CpioMember> | AsyncIterable<CpioMember>): AsyncGenerator<Uint8Array> {
  for await (const m of members) {
    const h = m.header;
    const name = 'name' in h ? h.name : `#${h.strippedIndex}`;
    yield 'strippedIndex' in h ? strippedHeader(h.strippedIndex) : newcHeader(h);
    let written = 0;
    if (m.data instanceof Uint8Array) {
      if (m.data.length > 0) yield m.data;
      written = m.data.length;
    } else if (m.data) {
      for await (const chunk of m.data()) {
        written += chunk.length;
        if (written > h.size) break;
        if (chunk.length > 0) yield chunk;
      }
    }
    if (written !== h.size) {
      throw new DataError('tacd.cpio.size', `cpio entry '${name}': declared size ${h.size} but the content had ${written > h.size ? 'more than ' + h.size : written} bytes (did the file change while packaging?)`, {
        field: 'size',
      });
    }
    const p = padding(h.size);
    if (p.length > 0) yield p;
  }
  yield newcTrailer();
}
