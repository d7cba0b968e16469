/**
 * Segmented compression: how a writer tells a compressor where the parts of
 * its stream begin, so that each part is compressed on its own and its
 * compressed form can be reused by a later build whatever else changed.
 *
 * A writer (deb.ts, rpm.ts) knows its archive's layout: the data of every
 * large file is a run of bytes that does not depend on its offset in the
 * archive (tar and cpio pad each file to its own block size). It passes the
 * offsets where such runs start and end as `breaks`; a segment-aware
 * compressor (gzip.ts, tools/xz.ts) then starts a fresh, dictionary-free
 * block at every break, so that a block's compressed bytes are a function of
 * its own bytes alone (plus, inside a segment, the previous block's tail),
 * never of what came before the segment. A version bump, an edited app file or
 * a new dependency then changes the blocks that hold them and no others: the
 * node binary's blocks come from the cache.
 *
 * The output is a function of the input bytes and the breaks only, never of
 * the cache: a hit returns the very bytes a miss computes (the key is the
 * SHA-256 of everything the block's compressed form depends on).
 */
import { createHash } from 'node:crypto';
import type { CompressHint } from '../plan.js';
import type { CompressionCache } from './compression-cache.js';

export interface SegmentedHint extends CompressHint {
  /** Stream offsets, ascending, where a segment starts (0 and the end are implied). */
  readonly breaks?: readonly number[];
  /** Where compressed blocks are kept between builds. */
  readonly cache?: CompressionCache;
}

/** A compressor that honours SegmentedHint.breaks and .cache. */
export interface SegmentedCompressor {
  readonly segments: true;
  compress(input: AsyncIterable<Uint8Array>, hint?: SegmentedHint): Promise<Uint8Array>;
}

export function isSegmented(c: object): c is SegmentedCompressor {
  return (c as { segments?: unknown }).segments === true;
}

/** A file's data at least this long is its own segment; smaller members share one. */
export const SEGMENT_MIN = 64 * 1024;

/**
 * A block's bytes as pieces of the input chunks they came from: nothing is
 * copied until a block must be compressed (a cache hit never copies). The
 * chunks a writer yields must not be written again once yielded (true of
 * fs streams and of the tar and cpio writers).
 */
export interface Block {
  readonly parts: readonly Uint8Array[];
  readonly length: number;
}

/** The block as one buffer (a copy, unless it is one piece already). */
export function joined(b: Block): Buffer {
  if (b.parts.length === 1) return Buffer.from(b.parts[0]!.buffer, b.parts[0]!.byteOffset, b.parts[0]!.byteLength);
  return Buffer.concat(b.parts, b.length);
}

/** A copy of the block's last `n` bytes, or undefined when it is shorter. */
export function tail(b: Block, n: number): Buffer | undefined {
  if (b.length < n) return undefined;
  const pieces: Uint8Array[] = [];
  let need = n;
  for (let i = b.parts.length - 1; need > 0; i--) {
    const p = b.parts[i]!;
    pieces.unshift(p.length <= need ? p : p.subarray(p.length - need));
    need -= Math.min(need, p.length);
  }
  return Buffer.concat(pieces, n);
}

/** The cache key of one block: everything its compressed bytes depend on (each field's length, then its bytes). */
export function blockKey(implementation: string, fields: readonly (Block | Uint8Array | undefined)[]): string {
  const h = createHash('sha256').update(`tacd-block-v1\0${implementation}\0${fields.length}\0`);
  for (const f of fields) {
    h.update(`${f === undefined ? -1 : f.length}\0`);
    if (f === undefined) continue;
    for (const p of f instanceof Uint8Array ? [f] : f.parts) h.update(p);
  }
  return h.digest('hex');
}

/** A cache lookup that treats a failing cache as a miss. */
export async function cacheGet(cache: CompressionCache | undefined, key: string): Promise<Uint8Array | undefined> {
  if (cache === undefined) return undefined;
  try {
    return await cache.get(key);
  } catch {
    return undefined;
  }
}

/** Stores an entry; a cache that cannot store is only slower. */
export async function cachePut(cache: CompressionCache | undefined, key: string, data: Uint8Array): Promise<void> {
  if (cache === undefined) return;
  try {
    await cache.put(key, data);
  } catch {
    // only slower
  }
}

/**
 * Cuts a stream into blocks of at most `blockSize` bytes that never straddle
 * a break: calls `emit(block, opensSegment, last)` for each, in order.
 */
export class Blocker {
  private parts: Uint8Array[] = [];
  private fill = 0;
  private pos = 0;
  private next = 0;
  private opens = true;
  private readonly breaks: readonly number[];
  private readonly blockSize: number;
  private readonly emit: (block: Block, opensSegment: boolean, last: boolean) => void;

  constructor(blockSize: number, breaks: readonly number[], emit: (block: Block, opensSegment: boolean, last: boolean) => void) {
    this.blockSize = blockSize;
    this.emit = emit;
    this.breaks = [...new Set(breaks.filter((b) => b > 0))].sort((a, b) => a - b);
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(chunk.length - at, this.blockSize - this.fill, this.untilBreak());
      this.parts.push(n === chunk.length ? chunk : chunk.subarray(at, at + n));
      this.fill += n;
      this.pos += n;
      at += n;
      if (this.untilBreak() === 0) this.cut(true);
      else if (this.fill === this.blockSize) this.cut(false);
    }
  }

  /** The last block (possibly empty). */
  end(): void {
    this.emit({ parts: this.parts, length: this.fill }, this.opens, true);
  }

  private untilBreak(): number {
    return this.next < this.breaks.length ? this.breaks[this.next]! - this.pos : Infinity;
  }

  private cut(atBreak: boolean): void {
    if (this.fill > 0) {
      this.emit({ parts: this.parts, length: this.fill }, this.opens, false);
      this.parts = [];
      this.fill = 0;
    }
    this.opens = atBreak;
    if (atBreak) this.next++;
  }
}
