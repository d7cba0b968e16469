// The header encoder, checked with an independent decoder (helpers.decodeHeader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderBuilder } from '../../../src/formats/rpm/header.js';
import { TagType } from '../../../src/formats/rpm/tags.js';
import { encodeLead } from '../../../src/formats/rpm/lead.js';
import { decodeHeader } from './helpers.js';

function sample(): Uint8Array {
  return new HeaderBuilder()
    .string(1000, 'name')
    .int16(1030, [0o100644, 0o40755, 0o120777])
    .int64(5008, [1, 2 ** 33])
    .strings(1117, ['a', 'ü'])
    .int32(1006, 1700000000)
    .bin(1004, Uint8Array.of(1, 2, 3))
    .i18n(1004 + 1, 'desc')
    .strings(100, ['C'])
    .encode(63);
}

test('region entry first, trailer last with offset -16*il, il/dl cover everything', () => {
  const bytes = sample();
  const h = decodeHeader(bytes, 0);
  assert.equal(h.length, bytes.length);
  assert.equal(h.il, 9);
  const region = h.entries[0]!;
  assert.deepEqual([region.tag, region.type, region.count], [63, TagType.BIN, 16]);
  assert.equal(region.offset, h.dl - 16, 'trailer is the last 16 data bytes');
  const trailer = Buffer.from(region.value as string, 'hex');
  assert.equal(trailer.readUInt32BE(0), 63);
  assert.equal(trailer.readUInt32BE(4), TagType.BIN);
  assert.equal(trailer.readInt32BE(8), -16 * h.il);
  assert.equal(trailer.readUInt32BE(12), 16);
});

test('index sorted by tag, data in index order without overlap, integers aligned', () => {
  const h = decodeHeader(sample(), 0);
  const rest = h.entries.slice(1);
  assert.deepEqual(rest.map((e) => e.tag), [...rest.map((e) => e.tag)].sort((a, b) => a - b));
  for (let i = 1; i < rest.length; i++) assert.ok(rest[i]!.offset > rest[i - 1]!.offset, `tag ${rest[i]!.tag} data after tag ${rest[i - 1]!.tag}`);
  for (const e of rest) {
    const align = e.type === TagType.INT16 ? 2 : e.type === TagType.INT32 ? 4 : e.type === TagType.INT64 ? 8 : 1;
    assert.equal(e.offset % align, 0, `tag ${e.tag} (type ${e.type}) aligned to ${align}`);
  }
  const byTag = new Map(rest.map((e) => [e.tag, e]));
  assert.deepEqual(byTag.get(1030)!.value, [0o100644, 0o40755, 0o120777]);
  assert.deepEqual(byTag.get(5008)!.value, ['1', String(2 ** 33)]);
  assert.deepEqual(byTag.get(1117)!.value, ['a', 'ü']);
  assert.equal(byTag.get(1117)!.count, 2);
  assert.equal(byTag.get(1000)!.count, 1);
  assert.equal(byTag.get(1004)!.count, 3);
  assert.equal(byTag.get(1005)!.type, TagType.I18NSTRING);
});

test('a tag set twice or below the region tag is a bug, not silently kept', () => {
  assert.throws(() => new HeaderBuilder().string(1000, 'a').string(1000, 'b'), /set twice/);
  assert.throws(() => new HeaderBuilder().string(62, 'a').encode(62), /sorts before/);
});

test('lead: 96 bytes, magic, v3.0, type, NVR truncated to 65 bytes, sigtype 5', () => {
  const lead = Buffer.from(encodeLead({ nvr: 'x'.repeat(80), arch: 'x86_64', source: false }));
  assert.equal(lead.length, 96);
  assert.equal(lead.subarray(0, 4).toString('hex'), 'edabeedb');
  assert.deepEqual([lead[4], lead[5], lead.readUInt16BE(6), lead.readUInt16BE(8)], [3, 0, 0, 1]);
  assert.equal(lead.subarray(10, 76).toString('latin1'), 'x'.repeat(65) + '\0');
  assert.equal(lead.readUInt16BE(76), 1);
  assert.equal(lead.readUInt16BE(78), 5);
  assert.equal(Buffer.from(encodeLead({ nvr: 'a-1-1', arch: 'noarch', source: true })).readUInt16BE(6), 1);
});
