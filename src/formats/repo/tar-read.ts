/**
 * Finds one regular file in a tar archive (ustar, with GNU 'L' long names):
 * enough to take ./control out of a .deb's control.tar.
 */
import { DataError } from '../../core/errors.js';

const BLOCK = 512;
const dec = new TextDecoder('utf-8');

function text(b: Uint8Array, at: number, len: number): string {
  const s = b.subarray(at, at + len);
  const nul = s.indexOf(0);
  return dec.decode(nul >= 0 ? s.subarray(0, nul) : s);
}

function octal(b: Uint8Array, at: number, len: number, where: string): number {
  const v = parseInt(text(b, at, len).trim() || '0', 8);
  if (!Number.isSafeInteger(v)) throw new DataError('repo.tar.size', `${where}: bad tar size field`, { field: 'tar' });
  return v;
}

/** Strips a leading "./" and trailing "/": "./control" -> "control". */
const normal = (name: string): string => name.replace(/^\.\//, '').replace(/\/$/, '');

/** The contents of the regular file `wanted` (e.g. 'control') in `tar`, or undefined when absent. */
export function tarFile(tar: Uint8Array, wanted: string, where: string): Uint8Array | undefined {
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= tar.length && tar[at] !== 0) {
    const size = octal(tar, at + 124, 12, where);
    const type = String.fromCharCode(tar[at + 156] ?? 48);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    if (data.length !== size) throw new DataError('repo.tar.truncated', `${where}: tar entry at byte ${at} runs past the end`, { field: 'tar' });
    const prefix = text(tar, at + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(tar, at, 100)}` : text(tar, at, 100));
    longName = type === 'L' ? text(data, 0, size) : undefined;
    if ((type === '0' || type === '\0') && normal(name) === wanted) return data;
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
