/**
 * Which existing file in --output a new output may replace: only our own
 * previous output of that kind (a package, a gzip/xz tarball, a .dsc or
 * .changes), as dpkg-buildpackage and rpmbuild replace theirs; an upstream
 * tarball (NAME_VERSION.orig.tar.*) only by the same bytes, since it may be
 * upstream's own. Anything else is the user's and is refused (73).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { CantCreateError } from '../../core/errors.js';

/**
 * Whether an existing file may be replaced by a new output: given its first
 * bytes (up to 32), its path and the new output's bytes.
 */
export type Replaceable = (head: Buffer, existing: string, chunks: readonly Uint8Array[]) => boolean;

const DEB_MAGIC = Buffer.from('!<arch>\ndebian-binary');
const RPM_MAGIC = Buffer.from([0xed, 0xab, 0xee, 0xdb]);

/** True for the first bytes of a .deb or an .rpm. */
export function isPackage(head: Buffer): boolean {
  return head.subarray(0, DEB_MAGIC.length).equals(DEB_MAGIC) || head.subarray(0, 4).equals(RPM_MAGIC);
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const startsWith = (head: Buffer, magic: Buffer | string): boolean => head.subarray(0, magic.length).equals(Buffer.from(magic));

/** A Debian upstream tarball (NAME_VERSION.orig.tar.gz, .orig-COMPONENT.tar.xz, ...). */
const ORIG_TARBALL = /\.orig(-[a-z0-9-]+)?\.tar\.[a-z0-9]+$/;

// Why an existing file of that name is not replaced, for the refusal message.
function refusal(name: string): string {
  if (ORIG_TARBALL.test(name)) return 'it exists with other contents (an upstream tarball of this version?); move it away, or build another version';
  if (/\.tar\.gz$/.test(name)) return 'it exists and is not a gzip tarball';
  if (/\.tar\.xz$/.test(name)) return 'it exists and is not an xz tarball';
  if (/\.dsc$/.test(name)) return 'it exists and is not a .dsc';
  if (/\.changes$/.test(name)) return 'it exists and is not a .changes file';
  return 'it exists and is not a package';
}

/**
 * Which existing file named `name` may be replaced: one that looks like our
 * own output of that kind (.deb/.rpm: a package; .tar.gz/.tar.xz: a gzip or
 * xz stream; .dsc/.changes: a deb822 'Format:' file, signed or not). An
 * upstream tarball (.orig.tar.*) only when its bytes are the new output's: a
 * tarball of the same name with other contents may be upstream's own.
 */
export function replaceableOutput(name: string): Replaceable {
  if (ORIG_TARBALL.test(name)) return (_head, existing, chunks) => sameBytes(existing, chunks);
  if (/\.tar\.gz$/.test(name)) return (h) => startsWith(h, GZIP_MAGIC);
  if (/\.tar\.xz$/.test(name)) return (h) => startsWith(h, XZ_MAGIC);
  if (/\.(dsc|changes)$/.test(name)) return (h) => startsWith(h, 'Format: ') || startsWith(h, '-----BEGIN PGP SIGNED MESSAGE-----');
  return isPackage;
}

/** Reads `length` bytes at `pos` into `block`; false at an early end of file. */
function readExactly(fd: number, block: Buffer, length: number, pos: number): boolean {
  for (let got = 0; got < length; ) {
    const k = readSync(fd, block, got, length - got, pos + got);
    if (k === 0) return false;
    got += k;
  }
  return true;
}

/** True when the open file `fd` holds `chunk` at `pos` (compared in 1 MiB blocks). */
function holdsAt(fd: number, chunk: Uint8Array, pos: number, block: Buffer): boolean {
  for (let off = 0; off < chunk.length; off += block.length) {
    const want = Math.min(block.length, chunk.length - off);
    if (!readExactly(fd, block, want, pos + off) || !block.subarray(0, want).equals(chunk.subarray(off, off + want))) return false;
  }
  return true;
}

function holdsAll(fd: number, chunks: readonly Uint8Array[]): boolean {
  if (fstatSync(fd).size !== chunks.reduce((n, c) => n + c.length, 0)) return false;
  const block = Buffer.alloc(1 << 20);
  let pos = 0;
  for (const chunk of chunks) {
    if (!holdsAt(fd, chunk, pos, block)) return false;
    pos += chunk.length;
  }
  return true;
}

/** True when the file `file` holds exactly the bytes of `chunks` (false when unreadable). */
export function sameBytes(file: string, chunks: readonly Uint8Array[]): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    return holdsAll(fd, chunks);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

// An existing file at `final` that is not our output of that kind is the user's: never replace it.
export function refuseForeign(final: string, replaceable: Replaceable, chunks: readonly Uint8Array[]): void {
  let head: Buffer;
  try {
    const fd = openSync(final, 'r');
    try {
      head = Buffer.alloc(32);
      head = head.subarray(0, readSync(fd, head, 0, 32, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CantCreateError(final, `cannot replace ${final}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { code: 'tacd.output.exists', cause: e });
  }
  if (!replaceable(head, final, chunks)) {
    throw new CantCreateError(final, `refusing to replace ${final}: ${refusal(path.basename(final))}`, { code: 'tacd.output.exists' });
  }
}
