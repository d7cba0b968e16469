/**
 * The rpm header structure (docs/manual/format_header.md; rpm lib/header.c):
 *
 *   magic 8e ad e8 01, 4 reserved bytes, il (entry count), dl (data length),
 *   il index entries {tag, type, offset, count} (big-endian int32 each), data.
 *
 * Rules rpm 4.18 enforces (hdrblobVerifyInfo / hdrblobVerifyRegion):
 *  - the first entry is the region tag (62 signature, 63 main header) of type
 *    BIN, count 16, whose data (the 16-byte trailer) is stored last; the trailer
 *    is {tag, BIN, -(16 * il), 16}, so the region covers the whole header;
 *  - the other entries are sorted by tag, and their data is laid out in index
 *    order with no overlap;
 *  - only integer data is aligned (int16 to 2, int32 to 4, int64 to 8).
 */
import { TagType } from './tags.js';

export type TagValue =
  | { readonly type: typeof TagType.INT16 | typeof TagType.INT32; readonly values: readonly number[] }
  | { readonly type: typeof TagType.INT64; readonly values: readonly (number | bigint)[] }
  | { readonly type: typeof TagType.STRING | typeof TagType.I18NSTRING; readonly value: string }
  | { readonly type: typeof TagType.STRING_ARRAY; readonly values: readonly string[] }
  | { readonly type: typeof TagType.BIN; readonly value: Uint8Array };

export const HEADER_MAGIC = Uint8Array.of(0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0);

const encoder = new TextEncoder();

function alignOf(type: TagType): number {
  switch (type) {
    case TagType.INT16:
      return 2;
    case TagType.INT32:
      return 4;
    case TagType.INT64:
      return 8;
    default:
      return 1;
  }
}

/** Collects tags and encodes them as one immutable region. */
export class HeaderBuilder {
  readonly #tags = new Map<number, TagValue>();

  set(tag: number, value: TagValue): this {
    if (this.#tags.has(tag)) throw new Error(`rpm header: tag ${tag} set twice`);
    this.#tags.set(tag, value);
    return this;
  }

  has(tag: number): boolean {
    return this.#tags.has(tag);
  }

  string(tag: number, value: string): this {
    return this.set(tag, { type: TagType.STRING, value });
  }
  i18n(tag: number, value: string): this {
    return this.set(tag, { type: TagType.I18NSTRING, value });
  }
  strings(tag: number, values: readonly string[]): this {
    return this.set(tag, { type: TagType.STRING_ARRAY, values });
  }
  int32(tag: number, values: number | readonly number[]): this {
    return this.set(tag, { type: TagType.INT32, values: typeof values === 'number' ? [values] : values });
  }
  int16(tag: number, values: readonly number[]): this {
    return this.set(tag, { type: TagType.INT16, values });
  }
  int64(tag: number, values: number | readonly number[]): this {
    return this.set(tag, { type: TagType.INT64, values: typeof values === 'number' ? [values] : values });
  }
  bin(tag: number, value: Uint8Array): this {
    return this.set(tag, { type: TagType.BIN, value });
  }

  /** Encodes the header with `regionTag` (62 or 63) as its immutable region. */
  encode(regionTag: number): Uint8Array {
    const tags = [...this.#tags.keys()].sort((a, b) => a - b);
    if (tags.length > 0 && tags[0]! <= regionTag) throw new Error(`rpm header: tag ${tags[0]} sorts before the region tag ${regionTag}`);
    const il = tags.length + 1;
    const index = new Uint8Array(il * 16);
    const data = new DataBuilder();
    tags.forEach((tag, i) => {
      const v = this.#tags.get(tag)!;
      data.align(alignOf(v.type));
      const offset = data.length;
      const { count, bytes } = tagData(v);
      if (count === 0) throw new Error(`rpm header: tag ${tag} has no values`);
      data.put(bytes);
      indexEntry(index, i + 1, [tag, v.type, offset, count]);
    });
    // Region entry first in the index, its trailer last in the data.
    indexEntry(index, 0, [regionTag, TagType.BIN, data.length, 16]);
    data.put(indexEntry(new Uint8Array(16), 0, [regionTag, TagType.BIN, -16 * il, 16]));
    return assemble(index, il, data);
  }
}

// One index entry {tag, type, offset, count} (big-endian int32 each) at `slot` of `index`; returns `index`.
function indexEntry(index: Uint8Array, slot: number, fields: readonly number[]): Uint8Array {
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  fields.forEach((f, k) => view.setInt32(slot * 16 + k * 4, f | 0));
  return index;
}

/** The data store of a header, padded where integers need alignment. */
class DataBuilder {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  put(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  align(to: number): void {
    const pad = (to - (this.length % to)) % to;
    if (pad) this.put(new Uint8Array(pad));
  }
}

// Integers in big-endian, `size` bytes each.
function integers(values: readonly (number | bigint)[], size: 2 | 4 | 8): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((n, j) => {
    if (size === 2) dv.setUint16(j * 2, Number(n) & 0xffff);
    else if (size === 4) dv.setUint32(j * 4, Number(n) >>> 0);
    else dv.setBigUint64(j * 8, BigInt(n));
  });
  return out;
}

// A tag's count and its bytes in the data store.
function tagData(v: TagValue): { count: number; bytes: Uint8Array } {
  switch (v.type) {
    case TagType.INT16:
      return { count: v.values.length, bytes: integers(v.values, 2) };
    case TagType.INT32:
      return { count: v.values.length, bytes: integers(v.values, 4) };
    case TagType.INT64:
      return { count: v.values.length, bytes: integers(v.values, 8) };
    case TagType.STRING:
    case TagType.I18NSTRING:
      return { count: 1, bytes: nulTerminated([v.value]) };
    case TagType.STRING_ARRAY:
      return { count: v.values.length, bytes: nulTerminated(v.values) };
    case TagType.BIN:
      return { count: v.value.length, bytes: v.value };
  }
}

// magic, il, dl, the index, the data.
function assemble(index: Uint8Array, il: number, data: DataBuilder): Uint8Array {
  const out = new Uint8Array(16 + index.length + data.length);
  out.set(HEADER_MAGIC, 0);
  const ov = new DataView(out.buffer);
  ov.setUint32(8, il);
  ov.setUint32(12, data.length);
  out.set(index, 16);
  let pos = 16 + index.length;
  for (const c of data.chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function nulTerminated(values: readonly string[]): Uint8Array {
  const parts = values.map((s) => encoder.encode(s));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length + 1;
  }
  return out;
}
