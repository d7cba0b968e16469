/**
 * The ar container of a .deb, written as dpkg writes it (lib/dpkg/ar.c,
 * man deb(5)): the global magic "!<arch>\n", then for each member a 60-byte
 * header `"%-16s%-12d%-6d%-6d%-8o%-10d`\n"` (name, mtime, uid 0, gid 0,
 * mode 100644, size) and the data, padded with one "\n" when its size is odd
 * (the pad is not counted in the size). Names are plain (no trailing '/') and
 * at most 15 characters: dpkg uses no GNU/BSD long-name tables.
 *
 * Pure: returns the archive as a list of chunks (headers, data, pads) so large
 * members are never copied.
 */
import { DataError } from '../../core/errors.js';

export const AR_MAGIC = '!<arch>\n';

export interface ArMember {
  /** 1 to 15 printable ASCII characters, no '/' or spaces. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Seconds since the epoch. */
  readonly mtime: number;
}

const enc = new TextEncoder();

/** The 60-byte header of one member. */
export function arHeader(name: string, size: number, mtime: number): Uint8Array {
  if (!/^[!-.0-~]{1,15}$/.test(name)) {
    throw new DataError('tacd.ar.name', `ar member name '${name}' must be 1-15 printable ASCII characters without '/' or spaces`, {
      field: 'ar member name',
    });
  }
  if (!Number.isSafeInteger(size) || size < 0 || size > 9_999_999_999) {
    throw new DataError('tacd.ar.size', `ar member '${name}': size ${size} does not fit the 10-digit ar size field`, { field: 'ar member size' });
  }
  if (!Number.isSafeInteger(mtime) || mtime < 0 || mtime > 999_999_999_999) {
    throw new DataError('tacd.ar.mtime', `ar member '${name}': mtime ${mtime} must be a non-negative whole number of seconds`, {
      field: 'ar member mtime',
    });
  }
  const h = `${name.padEnd(16)}${String(mtime).padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(size).padEnd(10)}\`\n`;
  return enc.encode(h);
}

/** The whole archive as chunks: magic, then header + data (+ "\n" pad) per member, in the given order. */
export function arChunks(members: readonly ArMember[]): Uint8Array[] {
  const out: Uint8Array[] = [enc.encode(AR_MAGIC)];
  for (const m of members) {
    out.push(arHeader(m.name, m.data.length, m.mtime));
    out.push(m.data);
    if (m.data.length % 2 === 1) out.push(enc.encode('\n'));
  }
  return out;
}
