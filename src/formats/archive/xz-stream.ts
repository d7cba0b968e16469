/**
 * The .xz container around independently compressed blocks (xz-file-format
 * 1.1.0): a stream header, the blocks in order, an index of their sizes and
 * a footer. tools/xz.ts compresses each block with the system xz (a
 * one-block stream) and takes the block out of it (xzSingleBlock); joined
 * here, they are one stream exactly like the one xz's multi-threaded encoder
 * writes, so every reader (dpkg, rpm, xz -d) takes it, and each block can be
 * reused by a later build (archive/segments.ts).
 *
 * Pure: bytes in, bytes out.
 */
import { DataError } from '../../core/errors.js';
import { crc32 } from './gzip.js';

const MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from('YZ', 'latin1');
/** Stream flags: check type CRC64 (what tools/xz.ts asks for). */
const FLAGS = Buffer.from([0x00, 0x04]);

export interface XzBlock {
  /** The block as stored: header, compressed data, padding and check. */
  readonly bytes: Uint8Array;
  /** Its size without the padding (the index records this). */
  readonly unpaddedSize: number;
  readonly uncompressedSize: number;
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function readVarint(buf: Uint8Array, at: number): [number, number] {
  let n = 0;
  for (let i = 0; i < 9 && at + i < buf.length; i++) {
    n += (buf[at + i]! & 0x7f) * 2 ** (7 * i);
    if ((buf[at + i]! & 0x80) === 0) return [n, at + i + 1];
  }
  throw new DataError('tacd.xz.index', 'xz output: a malformed size in the index', { field: 'xz' });
}

function index(blocks: readonly XzBlock[]): Buffer {
  const body = [0x00, ...varint(blocks.length)];
  for (const b of blocks) body.push(...varint(b.unpaddedSize), ...varint(b.uncompressedSize));
  while (body.length % 4 !== 0) body.push(0);
  const bytes = Buffer.from(body);
  return Buffer.concat([bytes, le32(crc32(bytes))]);
}

/** One .xz stream holding `blocks` in order. */
export function xzStream(blocks: readonly XzBlock[]): Uint8Array[] {
  const idx = index(blocks);
  const tail = Buffer.concat([le32(idx.length / 4 - 1), FLAGS]);
  return [Buffer.concat([MAGIC, FLAGS, le32(crc32(FLAGS))]), ...blocks.map((b) => b.bytes), idx, le32(crc32(tail)), tail, FOOTER_MAGIC];
}

/** The one block of a one-block .xz stream (what `xz -c` writes for an input shorter than its block size). */
export function xzSingleBlock(stream: Uint8Array, uncompressedSize: number): XzBlock {
  const buf = Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength);
  const bad = (what: string): never => {
    throw new DataError('tacd.xz.stream', `xz output is not a one-block stream: ${what}`, { field: 'xz' });
  };
  if (buf.length < 32 || !buf.subarray(0, 6).equals(MAGIC) || !buf.subarray(buf.length - 2).equals(FOOTER_MAGIC)) bad('no stream header or footer');
  const backward = (buf.readUInt32LE(buf.length - 8) + 1) * 4;
  const at = buf.length - 12 - backward;
  if (at < 12 || buf[at] !== 0x00) bad('no index');
  const [count, p1] = readVarint(buf, at + 1);
  const [unpaddedSize, p2] = readVarint(buf, p1);
  const [size] = readVarint(buf, p2);
  if (count !== 1 || size !== uncompressedSize) bad(`${count} blocks of ${size} bytes, expected one of ${uncompressedSize}`);
  return { bytes: buf.subarray(12, at), unpaddedSize, uncompressedSize };
}

/** A block as the cache keeps it: its unpadded size (8 bytes) then its bytes. */
export function encodeXzBlock(b: XzBlock): Uint8Array {
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(b.unpaddedSize), 0);
  return Buffer.concat([head, b.bytes]);
}

export function decodeXzBlock(data: Uint8Array, uncompressedSize: number): XzBlock | undefined {
  if (data.length < 8) return undefined;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const unpaddedSize = Number(buf.readBigUInt64LE(0));
  const bytes = buf.subarray(8);
  return unpaddedSize <= bytes.length && bytes.length - unpaddedSize < 4 ? { bytes, unpaddedSize, uncompressedSize } : undefined;
}
