/**
 * A content-addressed cache of compressed payloads (data.tar of a .deb, the
 * cpio of an .rpm), so that rebuilding a package skips the compressor for
 * whatever did not change (xz -6 or gzip -9 of a 90 MB node binary: seconds
 * to tens of seconds).
 *
 * Segment-aware compressors (gzip.ts, tools/xz.ts) cache block by block
 * (segments.ts): the writer names where its archive's parts start, and only
 * the blocks holding changed bytes are compressed again. Other compressors
 * are cached whole: the key is the SHA-256 of the exact bytes the compressor
 * would read, plus its name, level and implementation.
 *
 * Sound by construction: a key covers everything the compressed bytes depend
 * on (the cache implementation adds the zlib/xz version, see
 * src/bundle/cache.ts), so a hit returns the very bytes a miss would compute,
 * and the package is byte-identical with or without the cache.
 *
 * Pure: the cache itself (file system) is injected, either per call or as the
 * process default installed by the build step (src/bundle/cache.ts).
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../core/errors.js';
import type { Compressor } from '../plan.js';
import { isSegmented, type SegmentedHint } from './segments.js';

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

/** The cache a writer's `cache` option names: that one, none for `null`, the process default when unset. */
export function chosenCache(option: CompressionCache | null | undefined): CompressionCache | undefined {
  return option === undefined ? processDefault : (option ?? undefined);
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

export interface CompressOptions {
  readonly cache: CompressionCache | undefined;
  /** False when the caller does not use stats.sha256 (a .deb): no SHA-256 pass without a cache. */
  readonly needDigest?: boolean;
  /** The exact length of the stream, when the caller knows it (see Compressor.compress). */
  readonly size?: number;
  /** Where the stream's independent parts start (segments.ts); used by segment-aware compressors. */
  readonly breaks?: readonly number[];
}

/** Passes `input` through, measuring its size (and SHA-256 when `digest`) on the way. */
function measuring(input: AsyncIterable<Uint8Array>, digest: boolean): { stream: AsyncIterable<Uint8Array>; stats: () => StreamStats } {
  const h = digest ? createHash('sha256') : undefined;
  let size = 0;
  const stream = (async function* () {
    for await (const chunk of input) {
      h?.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  })();
  return { stream, stats: () => ({ size, sha256: h?.digest('hex') ?? '' }) };
}

/**
 * Compresses the stream `open()` yields. A segment-aware compressor (gzip,
 * xz) reads it once and takes its unchanged blocks from the cache itself
 * (segments.ts); any other is cached whole (compressWhole).
 */
export async function compressCached(compressor: Compressor, open: () => AsyncIterable<Uint8Array>, options: CompressOptions): Promise<Compressed> {
  const needDigest = options.needDigest ?? true;
  const hint: SegmentedHint = {
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.breaks !== undefined ? { breaks: options.breaks } : {}),
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
  };
  if (options.cache === undefined || isSegmented(compressor)) {
    const m = measuring(open(), needDigest);
    const data = await compressor.compress(m.stream, isSegmented(compressor) ? hint : { ...(options.size !== undefined ? { size: options.size } : {}) });
    return { data, stats: m.stats(), cached: false };
  }
  return compressWhole(compressor, open, options.cache, options.size);
}

/**
 * The whole stream under one key, for compressors that know nothing of
 * segments: the key pass (SHA-256) runs beside the compressor on the other
 * core; a hit stops the compressor and returns the stored bytes, a miss waits
 * for the compressor and stores its output. `open()` may be called twice: it
 * must give the same bytes each time.
 */
async function compressWhole(compressor: Compressor, open: () => AsyncIterable<Uint8Array>, cache: CompressionCache, streamSize: number | undefined): Promise<Compressed> {
  const hint = streamSize === undefined ? undefined : { size: streamSize };
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
