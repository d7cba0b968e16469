/**
 * Subresource-integrity strings (npm's dist.integrity, "sha512-BASE64"):
 * parsing, making one from a digest, and the check that throws.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DataError } from '../core/errors.js';

const SRI_RE = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/]+={0,2})$/;

/** The algorithm and base64 digest of an SRI string (the strongest of several). @throws DataError when none is usable. */
export function parseSri(sri: string, what: string): { readonly algorithm: string; readonly digest: string } {
  const rank = ['sha1', 'sha256', 'sha384', 'sha512'];
  const parsed = sri
    .trim()
    .split(/\s+/)
    .map((s) => SRI_RE.exec(s))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => rank.indexOf(b[1]!) - rank.indexOf(a[1]!))[0];
  if (!parsed) throw new DataError('tacd.runtime.integrity', `${what}: integrity '${sri}' is not an SRI string (expected sha512-BASE64)`, { field: 'integrity' });
  return { algorithm: parsed[1]!, digest: parsed[2]! };
}

/** The SRI string of a finished hash. */
export function sriOf(algorithm: string, hash: Hash): string {
  return `${algorithm}-${hash.digest('base64')}`;
}

/** Hashes a file with `algorithm`; resolves with its SRI string. */
export async function fileSri(file: string, algorithm = 'sha512'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return sriOf(algorithm, hash);
}

/** @throws DataError (65) naming `what` when `actual` is not `expected`. */
export function checkSri(expected: string, actual: string, what: string, hint: string): void {
  if (expected === actual) return;
  throw new DataError('tacd.runtime.integrity', `${what}: integrity mismatch: expected ${expected.slice(0, 30)}…, got ${actual.slice(0, 30)}…; ${hint}`, { field: 'integrity' });
}
