// The Blocker cuts at every break and every block size from it, never loses or
// repeats a byte, and marks the blocks that open a segment; block keys cover
// every part and its length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockKey, Blocker, joined, tail } from '../../../src/formats/archive/segments.js';

function cut(total: number, blockSize: number, breaks: number[], chunk: number): { sizes: number[]; opens: boolean[]; last: boolean[]; all: Buffer } {
  const data = Buffer.alloc(total);
  for (let i = 0; i < total; i++) data[i] = i % 251;
  const blocks: Buffer[] = [];
  const opens: boolean[] = [];
  const last: boolean[] = [];
  const b = new Blocker(blockSize, breaks, (d, o, l) => {
    blocks.push(joined(d));
    assert.equal(d.length, d.parts.reduce((n, p) => n + p.length, 0), 'the length is that of the parts');
    opens.push(o);
    last.push(l);
  });
  for (let i = 0; i < total; i += chunk) b.push(data.subarray(i, i + chunk));
  b.end();
  const all = Buffer.concat(blocks);
  assert.ok(all.equals(data), 'the blocks join into the input');
  return { sizes: blocks.map((x) => x.length), opens, last, all };
}

test('blocks end at every break and every block size after it', () => {
  const r = cut(1000, 100, [150, 420, 420, 999], 37);
  assert.deepEqual(r.sizes, [100, 50, 100, 100, 70, 100, 100, 100, 100, 100, 79, 1]);
  assert.deepEqual(r.opens, [true, false, true, false, false, true, false, false, false, false, false, true]);
  assert.deepEqual(r.last, [...Array(11).fill(false), true]);
});

test('without breaks: fixed blocks; a break on a block boundary cuts once; breaks outside the stream are ignored', () => {
  assert.deepEqual(cut(250, 100, [], 7).sizes, [100, 100, 50]);
  const r = cut(300, 100, [0, 100, 5000], 300);
  assert.deepEqual(r.sizes, [100, 100, 100, 0]);
  assert.deepEqual(r.opens, [true, true, false, false]);
});

test('blockKey: each part and its length count; an absent part differs from an empty one', () => {
  const a = new Uint8Array([1, 2]);
  const b = new Uint8Array([3]);
  const keys = new Set([
    blockKey('x', [a, b]),
    blockKey('x', [new Uint8Array([1]), new Uint8Array([2, 3])]),
    blockKey('x', [undefined, b]),
    blockKey('x', [new Uint8Array(0), b]),
    blockKey('y', [a, b]),
  ]);
  assert.equal(keys.size, 5);
  assert.equal(blockKey('x', [a, b]), blockKey('x', [new Uint8Array([1, 2]), new Uint8Array([3])]));
});

test("a block's parts: joined, its tail across parts, and its key that of its bytes", () => {
  const block = { parts: [new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array([5, 6])], length: 6 };
  assert.deepEqual([...joined(block)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...tail(block, 4)!], [3, 4, 5, 6]);
  assert.deepEqual([...tail(block, 6)!], [1, 2, 3, 4, 5, 6]);
  assert.equal(tail(block, 7), undefined);
  assert.equal(blockKey('x', [undefined, block]), blockKey('x', [undefined, new Uint8Array([1, 2, 3, 4, 5, 6])]));
});
