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
    const iv = new DataView(index.buffer);
    const chunks: Uint8Array[] = [];
    let dl = 0;
    const put = (bytes: Uint8Array): void => {
      chunks.push(bytes);
      dl += bytes.length;
    };
    tags.forEach((tag, i) => {
      const v = this.#tags.get(tag)!;
      const align = alignOf(v.type);
      const pad = (align - (dl % align)) % align;
      if (pad) put(new Uint8Array(pad));
      const offset = dl;
      let count: number;
      let data: Uint8Array;
      switch (v.type) {
        case TagType.INT16: {
          count = v.values.length;
          data = new Uint8Array(count * 2);
          const dv = new DataView(data.buffer);
          v.values.forEach((n, j) => dv.setUint16(j * 2, n & 0xffff));
          break;
        }
        case TagType.INT32: {
          count = v.values.length;
          data = new Uint8Array(count * 4);
          const dv = new DataView(data.buffer);
          v.values.forEach((n, j) => dv.setUint32(j * 4, n >>> 0));
          break;
        }
        case TagType.INT64: {
          count = v.values.length;
          data = new Uint8Array(count * 8);
          const dv = new DataView(data.buffer);
          v.values.forEach((n, j) => dv.setBigUint64(j * 8, BigInt(n)));
          break;
        }
        case TagType.STRING:
        case TagType.I18NSTRING: {
          count = 1;
          data = nulTerminated([v.value]);
          break;
        }
        case TagType.STRING_ARRAY: {
          count = v.values.length;
          data = nulTerminated(v.values);
          break;
        }
        case TagType.BIN: {
          count = v.value.length;
          data = v.value;
          break;
        }
      }
      if (count === 0) throw new Error(`rpm header: tag ${tag} has no values`);
      put(data);
      const at = (i + 1) * 16;
      iv.setUint32(at, tag);
      iv.setUint32(at + 4, v.type);
      iv.setUint32(at + 8, offset);
      iv.setUint32(at + 12, count);
    });
    // Region entry first in the index, its trailer last in the data.
    iv.setUint32(0, regionTag);
    iv.setUint32(4, TagType.BIN);
    iv.setUint32(8, dl);
    iv.setUint32(12, 16);
    const trailer = new Uint8Array(16);
    const tv = new DataView(trailer.buffer);
    tv.setUint32(0, regionTag);
    tv.setUint32(4, TagType.BIN);
    tv.setInt32(8, -16 * il);
    tv.setUint32(12, 16);
    put(trailer);

    const out = new Uint8Array(16 + index.length + dl);
    out.set(HEADER_MAGIC, 0);
    const ov = new DataView(out.buffer);
    ov.setUint32(8, il);
    ov.setUint32(12, dl);
    out.set(index, 16);
    let pos = 16 + index.length;
    for (const c of chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  }
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
