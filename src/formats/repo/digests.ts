/** The digests repository indices list for a file: MD5, SHA-1, SHA-256, SHA-512 (hex) and its size. */
import { createHash } from 'node:crypto';

export interface Digests {
  readonly size: number;
  readonly md5: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly sha512: string;
}

const hex = (algo: string, data: Uint8Array): string => createHash(algo).update(data).digest('hex');

/** Every digest of `data`. */
export function digestsOf(data: Uint8Array): Digests {
  return { size: data.length, md5: hex('md5', data), sha1: hex('sha1', data), sha256: hex('sha256', data), sha512: hex('sha512', data) };
}

/** The SHA-256 of `data`, hex. */
export const sha256Hex = (data: Uint8Array): string => hex('sha256', data);
