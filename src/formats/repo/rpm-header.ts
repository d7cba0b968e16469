/**
 * Reads an .rpm's headers from its bytes (rpm's format: a 96-byte lead,
 * the signature header padded to 8 bytes, then the main header; each
 * header is a magic, an index of (tag, type, offset, count) and a data
 * store). Values come back by tag: numbers, strings and string arrays.
 */
import { DataError } from '../../core/errors.js';

export type TagValue = string | readonly string[] | readonly number[] | Uint8Array;

export interface RpmHeaders {
  readonly signature: ReadonlyMap<number, TagValue>;
  readonly main: ReadonlyMap<number, TagValue>;
  /** Byte offsets of the main header in the file (createrepo's header-range). */
  readonly start: number;
  readonly end: number;
}

const LEAD_MAGIC = 0xedabeedb;
const HEADER_MAGIC = 0x8eade801;
const dec = new TextDecoder('utf-8');

function notRpm(file: string, why: string): DataError {
  return new DataError('repo.rpm.invalid', `${file}: not an RPM package (${why})`, { field: 'file' });
}

function strings(store: Uint8Array, offset: number, count: number): string[] {
  const out: string[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const end = store.indexOf(0, at);
    if (end < 0) throw new RangeError('string past the store');
    out.push(dec.decode(store.subarray(at, end)));
    at = end + 1;
  }
  return out;
}

function numbers(view: DataView, offset: number, count: number, width: 1 | 2 | 4 | 8): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = offset + i * width;
    out.push(width === 1 ? view.getUint8(at) : width === 2 ? view.getUint16(at) : width === 4 ? view.getUint32(at) : Number(view.getBigUint64(at)));
  }
  return out;
}

const WIDTH: Partial<Record<number, 1 | 2 | 4 | 8>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };

function value(store: Uint8Array, type: number, offset: number, count: number): TagValue {
  const view = new DataView(store.buffer, store.byteOffset, store.byteLength);
  if (type === 6) return strings(store, offset, 1)[0]!;
  if (type === 8 || type === 9) return strings(store, offset, count);
  if (type === 7) return store.subarray(offset, offset + count);
  const width = WIDTH[type];
  if (!width) throw new RangeError(`unknown tag type ${type}`);
  return numbers(view, offset, count, width);
}

/** One header at `at`: its tags and where it ends. */
function readHeader(bytes: Uint8Array, at: number, file: string, what: string): { tags: Map<number, TagValue>; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 16 > bytes.length || view.getUint32(at) !== HEADER_MAGIC) throw notRpm(file, `no ${what} header at byte ${at}`);
  const n = view.getUint32(at + 8);
  const size = view.getUint32(at + 12);
  const storeAt = at + 16 + n * 16;
  if (storeAt + size > bytes.length) throw notRpm(file, `the ${what} header runs past the end`);
  const store = bytes.subarray(storeAt, storeAt + size);
  const tags = new Map<number, TagValue>();
  try {
    for (let i = 0; i < n; i++) {
      const e = at + 16 + i * 16;
      tags.set(view.getUint32(e), value(store, view.getUint32(e + 4), view.getUint32(e + 8), view.getUint32(e + 12)));
    }
  } catch (e) {
    throw notRpm(file, `bad ${what} header entry: ${(e as Error).message}`);
  }
  return { tags, end: storeAt + size };
}

/** The signature and main headers of the .rpm in `bytes`; `file` names it in errors. */
export function readRpmHeaders(bytes: Uint8Array, file: string): RpmHeaders {
  if (bytes.length < 96 || new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) !== LEAD_MAGIC) throw notRpm(file, 'no rpm lead magic at its start');
  const sig = readHeader(bytes, 96, file, 'signature');
  const start = sig.end + ((8 - (sig.end % 8)) % 8);
  const main = readHeader(bytes, start, file, 'main');
  return { signature: sig.tags, main: main.tags, start, end: main.end };
}
