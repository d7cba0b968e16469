/**
 * gzip through node:zlib, with the deterministic header `gzip -n` writes: no
 * file name, mtime 0. zlib already writes FLG=0 and MTIME=0; the OS byte is
 * zlib's compile-time OS_CODE (3 on Unix, 10 on Windows builds), so it is set
 * to 3 (Unix) here to make the bytes independent of the build host. The
 * deflate stream itself depends only on the level and the zlib implementation:
 * Node bundles Chromium's zlib fork (1.3.1 in Node 20), whose level-9 output is
 * about 3% larger than system zlib 1.2.13's (what dpkg-deb links) and may change
 * between Node releases; one Node version always gives the same bytes.
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { DataError } from '../../core/errors.js';
import type { Compressor } from '../plan.js';

/** Offset of the OS byte in the gzip header (RFC 1952 §2.3). */
const OS_BYTE = 9;
const OS_UNIX = 3;

export function gzipCompressor(level = 9): Compressor {
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new DataError('tacd.gzip.level', `gzip level must be an integer from 1 to 9, got ${level}`, { field: 'compression level' });
  }
  return {
    name: 'gzip',
    level,
    async compress(input: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
      const gz = createGzip({ level, chunkSize: 256 * 1024 });
      const source = Readable.from(input, { objectMode: false });
      const chunks: Buffer[] = [];
      const done = new Promise<void>((resolve, reject) => {
        gz.on('data', (c: Buffer) => chunks.push(c));
        gz.on('end', () => resolve());
        gz.on('error', reject);
        source.on('error', (e) => {
          gz.destroy(e);
          reject(e);
        });
      });
      source.pipe(gz);
      await done;
      const out = Buffer.concat(chunks);
      if (out.length > OS_BYTE) out[OS_BYTE] = OS_UNIX;
      return out;
    },
  };
}
