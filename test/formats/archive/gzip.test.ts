import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../../../src/core/errors.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { have } from './tar-walk.js';

async function* chunks(n: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < n; i++) yield new TextEncoder().encode(`line ${i} of the input\n`);
}

test('gzip output has the `gzip -n` header (no name, mtime 0, OS Unix) and round-trips', async () => {
  const gz = Buffer.from(await gzipCompressor().compress(chunks(5000)));
  assert.deepEqual([...gz.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3], 'magic, deflate, FLG 0, MTIME 0, XFL 2 (level 9), OS 3');
  const expected = Array.from({ length: 5000 }, (_, i) => `line ${i} of the input\n`).join('');
  assert.equal(gunzipSync(gz).toString(), expected);
  assert.equal(gzipCompressor().name, 'gzip');
});

test('gzip output is deterministic and readable by the system gzip', async (t) => {
  const a = Buffer.from(await gzipCompressor().compress(chunks(300)));
  const b = Buffer.from(await gzipCompressor().compress(chunks(300)));
  assert.ok(a.equals(b), 'two runs differ');
  const fast = Buffer.from(await gzipCompressor(1).compress(chunks(300)));
  assert.equal(fast[8], 4, 'XFL 4 at level 1');
  if (!have('gzip')) return t.skip('gzip not installed: cannot cross-check with the system gzip');
  const r = spawnSync('gzip', ['-dc'], { input: a });
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stdout.length, gunzipSync(a).length);
});

test('an input error rejects the compression', async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(10);
    throw new Error('source broke');
  }
  await assert.rejects(gzipCompressor().compress(failing()), /source broke/);
});

test('gzip levels outside 1-9 are DataErrors', () => {
  assert.throws(() => gzipCompressor(0), DataError);
  assert.throws(() => gzipCompressor(10), /compression level|1 to 9/);
});

test('the compressor reports its level (RPM records it as PAYLOADFLAGS)', async () => {
  const { xzCompressor } = await import('../../../src/tools/xz.js');
  assert.equal(gzipCompressor(6).level, 6);
  assert.equal(gzipCompressor().level, 9);
  assert.equal(xzCompressor(3).level, 3);
  assert.equal(xzCompressor().level, 6);
});

test('inputs over one 1 MiB block: blocks deflated in parallel round-trip, read by the system gzip, size as one stream', async (t) => {
  // Compressible but not trivial: repeated text with a varying counter, odd chunk sizes.
  const text = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `row ${i % 977} value ${(i * 2654435761) % 10007}\n`).join(''));
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < text.length; i += 100_003) yield text.subarray(i, i + 100_003);
  }
  assert.ok(text.length > 3 * 2 ** 20);
  const a = Buffer.from(await gzipCompressor().compress(pieces()));
  const b = Buffer.from(await gzipCompressor().compress(pieces()));
  assert.ok(a.equals(b), 'deterministic');
  assert.ok(gunzipSync(a).equals(text));
  const { gzipSync } = await import('node:zlib');
  const single = gzipSync(text, { level: 9 }).length;
  assert.ok(Math.abs(a.length - single) < single * 0.005, `parallel ${a.length} vs one stream ${single}`);
  if (!have('gzip')) return t.skip('gzip not installed');
  const r = spawnSync('gzip', ['-dc'], { input: a, maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr.toString());
  assert.ok(r.stdout.equals(text));
});

test('with breaks: one valid gzip stream, and a segment compresses to the same bytes whatever precedes it', async (t) => {
  const text = (seed: number, n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => `seed ${seed} row ${(i * 2654435761 + seed) % 10007}\n`).join(''));
  const head1 = text(1, 30_000);
  const head2 = text(2, 31_000);
  const body = text(3, 100_000); // about 2.6 MiB: three blocks
  const gz = async (head: Buffer): Promise<Buffer> => {
    const input = Buffer.concat([head, body]);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < input.length; i += 77_777) yield input.subarray(i, i + 77_777);
    }
    const out = Buffer.from(await gzipCompressor().compress(pieces(), { breaks: [head.length] }));
    assert.ok(gunzipSync(out).equals(input), 'round-trips');
    if (have('gzip')) assert.equal(spawnSync('gzip', ['-t'], { input: out }).status, 0, 'gzip -t accepts it');
    return out;
  };
  const a = await gz(head1);
  const b = await gz(head2);
  // The body's deflate streams (all but the trailer's 8 bytes) are the same in both.
  let common = 0;
  while (common < Math.min(a.length, b.length) - 8 && a[a.length - 9 - common] === b[b.length - 9 - common]) common++;
  const alone = (await gz(Buffer.alloc(0))).length - 18; // the body's deflate streams without header and trailer
  assert.ok(common >= alone, `common compressed tail ${common} bytes, the body alone ${alone}`);
  if (!have('gzip')) t.diagnostic('gzip not installed: gzip -t not run');
});
