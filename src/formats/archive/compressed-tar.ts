/**
 * A compressed tarball whose unchanged parts are reused between builds: every
 * large file's data is its own segment (segments.ts), so a segment-aware
 * compressor takes its blocks from the cache whatever else changed. Used for
 * a .deb's data.tar and for the source packages' tarballs: the bundled node's
 * blocks are the same in all of them.
 */
import type { Compressor } from '../plan.js';
import { compressCached, type CompressionCache } from './compression-cache.js';
import { SEGMENT_MIN } from './segments.js';
import { tarBreaks, tarSize, tarStream, type TarEntry } from './tar.js';

/** `entries` as a tarball through `compressor`; `cache` undefined: every block compressed. */
export async function compressedTar(compressor: Compressor, entries: readonly TarEntry[], cache: CompressionCache | undefined): Promise<Uint8Array> {
  const options = { cache, needDigest: false, size: tarSize(entries), breaks: tarBreaks(entries, SEGMENT_MIN) };
  return (await compressCached(compressor, () => tarStream(entries), options)).data;
}
