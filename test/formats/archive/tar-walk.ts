// A deliberately naive tar header walker for tests: lists every raw header
// (GNU 'L'/'K' and any PAX 'x'/'g' included) so tests can assert on the
// dialect, independently of the writer and of tar-stream's interpretation.
import { spawnSync } from 'node:child_process';

export interface RawHeader {
  readonly offset: number;
  readonly typeflag: string;
  readonly name: string;
  readonly linkname: string;
  readonly magic: string;
  readonly size: number;
  readonly uname: string;
  readonly checksumOk: boolean;
}

function cstr(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const nul = s.indexOf(0);
  return (nul === -1 ? s : s.subarray(0, nul)).toString('utf8');
}

function sizeOf(b: Buffer, at: number): number {
  if (b[at + 124]! & 0x80) {
    let v = 0n;
    for (let i = 125; i < 136; i++) v = (v << 8n) | BigInt(b[at + i]!);
    return Number(v);
  }
  return parseInt(cstr(b, at + 124, 12) || '0', 8);
}

/** Every header up to the end-of-archive zero blocks; throws on a bad layout. */
export function walkTar(tar: Buffer): RawHeader[] {
  const out: RawHeader[] = [];
  let at = 0;
  while (at + 512 <= tar.length) {
    const block = tar.subarray(at, at + 512);
    if (block.every((x) => x === 0)) return out;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    const size = sizeOf(tar, at);
    out.push({
      offset: at,
      typeflag: String.fromCharCode(block[156]!),
      name: cstr(tar, at, 100),
      linkname: cstr(tar, at + 157, 100),
      magic: tar.subarray(at + 257, at + 265).toString('latin1'),
      size,
      uname: cstr(tar, at + 265, 32),
      checksumOk: parseInt(cstr(tar, at + 148, 8).trim(), 8) === sum,
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`tar ends without two zero blocks at offset ${at}`);
}

/** True when `name` is on PATH. */
export function have(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name]).status === 0;
}

export async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of it) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
