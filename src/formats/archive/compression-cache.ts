/**
 * A content-addressed cache of compressed payloads (data.tar of a .deb, the
 * cpio of an .rpm), so that rebuilding a package whose content did not change
 * skips the compressor (xz -6 or gzip -9 of a 90 MB node binary: seconds to
 * tens of seconds).
 *
 * Sound by construction: the key is the SHA-256 of the exact bytes the
 * compressor would read, plus the compressor's name and level; the cache
 * implementation adds what else the output depends on (the zlib/xz version,
 * see src/bundle/cache.ts). The compressors are deterministic (gzip: fixed
 * header; xz: fixed block size), so a hit returns the very bytes a miss would compute, and
 * the package is byte-identical with or without the cache.
 *
 * Pure: the cache itself (file system) is injected, either per call or as the
 * process default installed by the build step (src/bundle/cache.ts).
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../core/errors.js';
import type { Compressor } from '../plan.js';

export interface CompressionCache {
  /** The compressed bytes stored under `key`, or undefined. Must never return partial or foreign bytes. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, data: Uint8Array): Promise<void>;
}

let processDefault: CompressionCache | undefined;

/** Installs (or removes, with undefined) the cache used when a writer is given none. */
export function setDefaultCompressionCache(cache: CompressionCache | undefined): void {
  processDefault = cache;
}

export function defaultCompressionCache(): CompressionCache | undefined {
  return processDefault;
}

/** What the key pass measures of the uncompressed stream (an RPM records both). */
export interface StreamStats {
  readonly size: number;
  /** Hex SHA-256 of the uncompressed stream ('' when not asked for and no cache). */
  readonly sha256: string;
}

export interface Compressed {
  readonly data: Uint8Array;
  readonly stats: StreamStats;
  readonly cached: boolean;
}

class Aborted extends Error {}

async function measure(input: AsyncIterable<Uint8Array>): Promise<StreamStats> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of input) {
    h.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: h.digest('hex') };
}

/**
 * Compresses the stream `open()` yields (it may be opened twice: it must give
 * the same bytes each time). Without a cache: one pass, measured on the way.
 * With one: the key pass (SHA-256) runs beside the compressor on the other
 * core; a hit stops the compressor and returns the stored bytes, a miss waits
 * for the compressor and stores its output.
 */
export async function compressCached(
  compressor: Compressor,
  open: () => AsyncIterable<Uint8Array>,
  cache: CompressionCache | undefined,
  /** False when the caller does not use stats.sha256 (a .deb): no SHA-256 pass without a cache. */
  needDigest = true,
  /** The exact length of the stream, when the caller knows it (see Compressor.compress). */
  streamSize?: number,
): Promise<Compressed> {
  const hint = streamSize === undefined ? undefined : { size: streamSize };
  if (cache === undefined && !needDigest) {
    let size = 0;
    const data = await compressor.compress(
      (async function* () {
        for await (const chunk of open()) {
          size += chunk.length;
          yield chunk;
        }
      })(),
      hint,
    );
    return { data, stats: { size, sha256: '' }, cached: false };
  }
  if (cache === undefined) {
    const h = createHash('sha256');
    let size = 0;
    const data = await compressor.compress(
      (async function* () {
        for await (const chunk of open()) {
          h.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      })(),
      hint,
    );
    return { data, stats: { size, sha256: h.digest('hex') }, cached: false };
  }
  let stop = false;
  // The compressed pass is hashed too: if a file changed between the two passes,
  // its bytes would not match the key (or the digests taken in the key pass).
  const fed = createHash('sha256');
  let fedSize = 0;
  const compressing = compressor.compress(
    (async function* () {
      for await (const chunk of open()) {
        if (stop) throw new Aborted('compression not needed: cache hit');
        fed.update(chunk);
        fedSize += chunk.length;
        yield chunk;
      }
    })(),
    hint,
  );
  // A hit abandons `compressing`; its rejection must not go unhandled.
  compressing.catch(() => undefined);
  let stats: StreamStats;
  try {
    stats = await measure(open());
  } catch (e) {
    stop = true;
    throw e;
  }
  // A compressor may name its implementation (gzip.ts, xz.ts): new bytes, new keys.
  const impl = (compressor as { implementation?: unknown }).implementation;
  const key = createHash('sha256')
    .update(`tacd-compressed-v2\0${compressor.name}\0${compressor.level ?? ''}\0${typeof impl === 'string' ? impl : ''}\0${stats.size}\0${stats.sha256}`)
    .digest('hex');
  let hit: Uint8Array | undefined;
  try {
    hit = await cache.get(key);
  } catch {
    hit = undefined;
  }
  if (hit !== undefined) {
    stop = true;
    return { data: hit, stats, cached: true };
  }
  const data = await compressing;
  if (fedSize !== stats.size || fed.digest('hex') !== stats.sha256) {
    throw new DataError('tacd.payload.changed', 'the package content changed while it was being written (two reads of the payload differ); build again', { field: 'payload.data' });
  }
  try {
    await cache.put(key, data);
  } catch {
    // A cache that cannot store is only slower.
  }
  return { data, stats, cached: false };
}
