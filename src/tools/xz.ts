/**
 * The xz compressor: streams through the system `xz` via src/core/exec.ts (the
 * one module that runs programs). Writers in src/formats stay pure and receive
 * this as a `Compressor`.
 *
 * It runs xz's multi-threaded encoder (the one `dpkg-deb` uses through liblzma)
 * with an explicit block size: the input is cut into fixed-size blocks that are
 * compressed independently, one per thread. The bytes depend on the level and
 * the block size only, never on the number of threads (xz 5.4 guarantees it
 * for the multi-threaded mode; `-T+1` forces that mode with one thread), so a
 * 2-core CI runner and a 64-core workstation write the same package. xz's
 * single-threaded mode (`-T1`) writes different bytes and is never used.
 *
 * Blocks of one size leave a thread idle at the end (2 cores, a 94 MiB tar:
 * four 24 MiB blocks whose compression times differ by up to 50%, so the
 * last one runs alone for seconds). When the writer says how long the stream
 * is, the tail is cut into shrinking blocks instead (xzBlockList), so the
 * threads finish together: ~8% less wall time for ~0.4% more bytes on the
 * echo app's bundled-node .deb. The layout is a function of the length only.
 *
 * Segmented (archive/segments.ts, when the writer names its breaks): every
 * block is compressed by its own xz process (one thread each, up to `threads`
 * at once) and joined into one stream with our own index
 * (archive/xz-stream.ts), so a block of an unchanged file comes from the
 * cache; blocks are cut at every break and every block size after it.
 *
 * XZ_OPT and XZ_DEFAULTS are cleared for the child: a user's `XZ_OPT=-9e`
 * must not change the bytes of a reproducible build.
 */
import { availableParallelism } from 'node:os';
import { DataError, TacError } from '../core/errors.js';
import { filter } from '../core/exec.js';
import { ExitCode } from '../core/exit-codes.js';
import type { Compressor } from '../formats/plan.js';
import { Blocker, blockKey, cacheGet, cachePut, type Block, type SegmentedCompressor, type SegmentedHint } from '../formats/archive/segments.js';
import { decodeXzBlock, encodeXzBlock, xzSingleBlock, xzStream, type XzBlock } from '../formats/archive/xz-stream.js';

/** LZMA2 dictionary size of xz's presets 0-9 (xz(1), "Compression presets"). */
const PRESET_DICT_MIB = [0.25, 1, 2, 4, 4, 8, 8, 16, 32, 64] as const;

/**
 * xz's own default block size for the multi-threaded mode: three times the
 * dictionary, at least 1 MiB (24 MiB at level 6, as in `dpkg-deb`). Given
 * explicitly so the bytes do not depend on a future xz changing its default.
 */
export function xzBlockSize(level: number): number {
  return Math.max(3 * PRESET_DICT_MIB[level]! * 2 ** 20, 2 ** 20);
}

/** The tail's blocks in stream order, as fractions of the block size, before scaling. */
const TAIL = [3 / 4, 1 / 2, 1 / 3, 1 / 4] as const;
const TAIL_SUM = TAIL.reduce((x, y) => x + y, 0);

/**
 * The block sizes for a stream of `size` bytes: whole blocks of `blockSize`,
 * then four shrinking blocks (about 18, 12, 8 and 6 MiB at level 6), scaled
 * together so that the list adds up to `size` with no small leftover block. The
 * threads then run out of work together instead of one compressing a last
 * 24 MiB block alone. Empty (xz's fixed-size blocks) for streams of at most
 * two blocks. Sizes are multiples of 64 KiB except the last.
 */
export function xzBlockList(size: number, blockSize: number): number[] {
  if (size <= 2 * blockSize) return [];
  const unit = 65536;
  const tail = blockSize * TAIL_SUM;
  let full = Math.floor((size - tail) / blockSize);
  let left = size - tail - full * blockSize;
  if (left >= blockSize / 2) {
    full += 1;
    left -= blockSize;
  }
  // left is in [-blockSize/2, blockSize/2): the tail is scaled by at most ±27%,
  // so its largest piece stays below blockSize.
  const scale = (tail + left) / tail;
  const list: number[] = Array.from({ length: full }, () => blockSize);
  let rest = size - full * blockSize;
  for (const f of TAIL.slice(0, -1)) {
    const piece = Math.round((blockSize * f * scale) / unit) * unit;
    list.push(piece);
    rest -= piece;
  }
  list.push(rest);
  return list;
}

export interface XzOptions {
  /**
   * Worker threads; the output is the same for any value. Default: one per CPU,
   * at least 2 and at most 8. Never xz's -T0: xz 5.2 (Debian 11, Ubuntu 22.04,
   * RHEL 9) falls back to its single-threaded mode, and so to other bytes, when
   * -T0 finds one CPU; and each thread holds about 170 MiB at level 6.
   */
  readonly threads?: number;
}

function defaultThreads(): number {
  return Math.min(8, Math.max(2, availableParallelism()));
}

export function xzCompressor(level = 6, options: XzOptions = {}): Compressor & SegmentedCompressor & { readonly implementation: string } {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new DataError('tacd.xz.level', `xz level must be an integer from 0 to 9, got ${level}`, { field: 'compression level' });
  }
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new DataError('tacd.xz.threads', `xz threads must be a positive integer, got ${threads}`, { field: 'xz threads' });
  }
  const blockSize = xzBlockSize(level);
  const args = ['-c', '--format=xz', '--check=crc64', `-T${threads === 1 ? '+1' : threads}`, `--block-size=${blockSize}`, `-${level}`];
  return {
    name: 'xz',
    level,
    // The system xz's version is part of the on-disk cache's namespace (src/bundle/cache.ts).
    implementation: `system xz -c multi-threaded --block-size=${blockSize} tail-v2`,
    segments: true,
    async compress(input: AsyncIterable<Uint8Array>, hint?: SegmentedHint): Promise<Uint8Array> {
      if (hint?.breaks !== undefined) return compressBlocks(input, hint, { level, blockSize, threads, args });
      const expected = hint?.size;
      const list = expected === undefined ? [] : xzBlockList(expected, blockSize);
      // exec.filter() pumps the input in the background; an error thrown by the
      // input (a stream shorter than declared, say) must not escape as an
      // unhandled rejection, so it is caught here and rethrown once xz is done.
      let failure: { error: unknown } | undefined;
      async function* guarded(): AsyncGenerator<Uint8Array> {
        let seen = 0;
        try {
          for await (const chunk of input) {
            seen += chunk.length;
            yield chunk;
          }
          if (expected !== undefined && seen !== expected) {
            throw new TacError('tacd.xz.size', `the stream to compress was ${seen} bytes long, the writer announced ${expected}`, { exitCode: ExitCode.SOFTWARE });
          }
        } catch (error) {
          failure = { error };
        }
      }
      const blockArgs = list.length > 0 ? [`--block-list=${list.join(',')}`] : [];
      const out = await filter('xz', [...args, ...blockArgs], guarded(), { env: { XZ_OPT: '', XZ_DEFAULTS: '' } });
      if (failure !== undefined) throw failure.error;
      return out;
    },
  };
}

interface BlockSetup {
  readonly level: number;
  readonly blockSize: number;
  readonly threads: number;
  readonly args: readonly string[];
}

/** One block: from the cache, or compressed alone by xz (a one-block stream) and taken out of its stream. */
async function xzBlock(data: Block, setup: BlockSetup, cache: SegmentedHint['cache']): Promise<XzBlock> {
  const key = cache === undefined ? '' : blockKey(`${XZ_BLOCK_IMPLEMENTATION}\0level ${setup.level}`, [data]);
  const hit = await cacheGet(cache, key);
  const cached = hit === undefined ? undefined : decodeXzBlock(hit, data.length);
  if (cached !== undefined) return cached;
  const args = setup.args.map((a) => (a.startsWith('-T') ? '-T+1' : a));
  const stream = await filter('xz', args, (async function* () {
    yield* data.parts;
  })(), { env: { XZ_OPT: '', XZ_DEFAULTS: '' } });
  const block = xzSingleBlock(stream, data.length);
  await cachePut(cache, key, encodeXzBlock(block));
  return block;
}

/** Names the block-by-block layout in cache keys: change it whenever the bytes of a block change. */
const XZ_BLOCK_IMPLEMENTATION = 'system xz -c -T+1 one block per segment piece, crc64; v1';

/**
 * Segmented (archive/segments.ts): blocks of the level's block size cut at
 * every break, each compressed on its own (up to `threads` xz processes at
 * once) or taken from the cache, joined into one stream with its index
 * (archive/xz-stream.ts). The bytes depend on the input and the breaks only.
 */
async function compressBlocks(input: AsyncIterable<Uint8Array>, hint: SegmentedHint, setup: BlockSetup): Promise<Uint8Array> {
  const done: XzBlock[] = [];
  const pending: Promise<XzBlock>[] = [];
  const blocker = new Blocker(setup.blockSize, hint.breaks ?? [], (data) => {
    if (data.length === 0) return;
    const p = xzBlock(data, setup, hint.cache);
    p.catch(() => undefined); // awaited in order below
    pending.push(p);
  });
  let seen = 0;
  try {
    for await (const chunk of input) {
      seen += chunk.length;
      blocker.push(chunk);
      while (pending.length >= setup.threads) done.push(await pending.shift()!);
    }
    blocker.end();
    for (const p of pending) done.push(await p);
  } catch (e) {
    await Promise.allSettled(pending);
    throw e;
  }
  if (hint.size !== undefined && seen !== hint.size) {
    throw new TacError('tacd.xz.size', `the stream to compress was ${seen} bytes long, the writer announced ${hint.size}`, { exitCode: ExitCode.SOFTWARE });
  }
  return Buffer.concat(xzStream(done));
}
