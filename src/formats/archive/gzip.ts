/**
 * gzip through node:zlib, with the deterministic header `gzip -n` writes: no
 * file name, mtime 0, XFL 2 at level 9 (4 at level 1), OS 3 (Unix, whatever
 * the build host). Node bundles Chromium's zlib fork (1.3.1 in Node 20), whose
 * level-9 output is about 3% larger than system zlib 1.2.13's (what dpkg-deb
 * links) and may change between Node releases; one Node version always gives
 * the same bytes.
 *
 * Parallel, pigz's way, with output independent of the thread count: the input
 * is cut into fixed 1 MiB blocks; each is deflated on its own (libuv's thread
 * pool, up to IN_FLIGHT at once) with the previous block's last 32 KiB as its
 * preset dictionary, so matches still reach back across the cut (the ratio is
 * that of one stream within a few bytes per block). Every block but the last
 * ends with a sync flush (byte-aligned, not final), the last with Z_FINISH;
 * the CRC-32 and size of the whole input close the member. An input of one
 * block or less is exactly what a single deflate stream gives.
 *
 * Incremental (segments.ts): a writer may name `breaks`, the offsets where the
 * parts of its archive start (a large file's data in a tar or cpio). Blocks
 * are then cut at every break as well as every 1 MiB from it, and a block that
 * opens a part has no dictionary, so its deflate stream depends on its own
 * bytes alone (later blocks of the part on the part's earlier bytes only).
 * With a cache, each block's deflate stream is looked up by a key over
 * everything it depends on, and deflated only on a miss: after a version bump
 * or an app edit only the blocks that hold changed bytes are deflated again.
 * The joined streams form one valid deflate stream whatever their origin, as
 * pigz's blocks do. The trailer's CRC-32 is that of the whole input, computed
 * as it passes (the bytes are read anyway for the SHA-256 keys; zlib's crc32
 * adds ~35 ms per 100 MB), so no crc32_combine is needed.
 */
import { constants, crc32 as zlibCrc32, deflateRaw, type ZlibOptions } from 'node:zlib';
import { DataError } from '../../core/errors.js';
import type { Compressor } from '../plan.js';
import type { CompressionCache } from './compression-cache.js';
import { blockKey, Blocker, cacheGet, cachePut, joined, tail, type Block, type SegmentedCompressor, type SegmentedHint } from './segments.js';

const OS_UNIX = 3;
const BLOCK_SIZE = 1 << 20;
const WINDOW = 32 * 1024;
const IN_FLIGHT = 4;
// deflate's worst case is its input plus 5 bytes per 16 KiB stored block and a few more: under 1 MiB + 400 B for a block.
const DEFLATE_SLACK = 4096;

function deflateBlock(data: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => deflateRaw(data, options, (e, out) => (e ? reject(e) : resolve(out))));
}

// zlib.crc32 is in Node >= 20.15; a table-driven fallback for older 20.x.
let table: Uint32Array | undefined;
export function crc32(data: Uint8Array, value = 0): number {
  if (typeof zlibCrc32 === 'function') return zlibCrc32(data, value);
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Names this implementation in cache keys (archive/compression-cache.ts): change it whenever the bytes it writes change. */
export const GZIP_IMPLEMENTATION = 'node-zlib deflate, 1 MiB blocks, 32 KiB dictionary, sync flush; v1';

function gzipHeader(level: number): Buffer {
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, level === 9 ? 2 : level === 1 ? 4 : 0, OS_UNIX]);
}

function gzipTrailer(crc: number, total: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  return trailer;
}

/**
 * One block's deflate stream: from the cache when its key is there, else
 * deflated (and stored). The key covers the level, the dictionary, the bytes
 * and whether the block ends the stream: everything zlib's output depends on.
 */
async function block(level: number, data: Block, dictionary: Buffer | undefined, last: boolean, cache: CompressionCache | undefined): Promise<Buffer> {
  const key = cache === undefined ? '' : blockKey(`${GZIP_IMPLEMENTATION}\0level ${level}\0${last ? 'finish' : 'sync'}`, [dictionary, data]);
  const hit = await cacheGet(cache, key);
  if (hit !== undefined) return Buffer.from(hit.buffer, hit.byteOffset, hit.byteLength);
  // Room for the whole output: one trip through the thread pool, not one per 16 KiB chunk (each of
  // which waits for the main thread to queue the next one). The bytes do not depend on it.
  const out = await deflateBlock(joined(data), { level, chunkSize: data.length + DEFLATE_SLACK, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary } : {}) });
  await cachePut(cache, key, out);
  return out;
}

export function gzipCompressor(level = 9): Compressor & SegmentedCompressor & { readonly implementation: string } {
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new DataError('tacd.gzip.level', `gzip level must be an integer from 1 to 9, got ${level}`, { field: 'compression level' });
  }
  return {
    name: 'gzip',
    level,
    implementation: GZIP_IMPLEMENTATION,
    segments: true,
    compress: (input: AsyncIterable<Uint8Array>, hint?: SegmentedHint) => compressBlocks(level, input, hint ?? {}),
  };
}

/**
 * The gzip member: the header, every block's deflate stream in order (each
 * block but the last ends in a sync flush, so they join into one stream), the
 * CRC-32 and size of the input. A block that opens a segment has no
 * dictionary: its bytes do not depend on anything before it.
 */
async function compressBlocks(level: number, input: AsyncIterable<Uint8Array>, hint: SegmentedHint): Promise<Uint8Array> {
  const out: Buffer[] = [gzipHeader(level)];
  const pending: Promise<Buffer>[] = [];
  let dictionary: Buffer | undefined;
  const blocker = new Blocker(BLOCK_SIZE, hint.breaks ?? [], (data, opens, last) => {
    const p = block(level, data, opens ? undefined : dictionary, last, hint.cache);
    p.catch(() => undefined); // awaited in order below; an early failure must not go unhandled
    pending.push(p);
    dictionary = tail(data, WINDOW);
  });
  let crc = 0;
  let total = 0;
  try {
    for await (const chunk of input) {
      crc = crc32(chunk, crc);
      total += chunk.length;
      blocker.push(chunk);
      while (pending.length >= IN_FLIGHT) out.push(await pending.shift()!);
    }
    blocker.end();
    for (const p of pending) out.push(await p);
  } catch (e) {
    await Promise.allSettled(pending);
    throw e;
  }
  out.push(gzipTrailer(crc, total));
  return Buffer.concat(out);
}
