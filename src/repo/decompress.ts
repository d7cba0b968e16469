/** The host's xz and zstd decompressors for reading packages (src/formats/repo's Decompress). */
import { filter } from '../core/exec.js';
import type { Decompress } from '../formats/repo/deb-read.js';

/** Runs `xz -dc` or `zstd -dc` on the bytes. */
export const hostDecompress: Decompress = async (format, data) => new Uint8Array(await filter(format === 'xz' ? 'xz' : 'zstd', ['-dc'], data));
