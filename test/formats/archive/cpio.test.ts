// cpio newc writer: byte layout, errors, and a round trip through GNU cpio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, lstatSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, haveProgram } from '../../../src/core/exec.js';
import { DataError } from '../../../src/core/errors.js';
import {
  cpioBreaks,
  cpioSize,
  cpioStream,
  newcHeader,
  newcTrailer,
  pad4,
  strippedHeader,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  type CpioMember,
} from '../../../src/formats/archive/cpio.js';
import { tmp } from '../rpm/helpers.js';

const enc = new TextEncoder();

async function collect(members: CpioMember[]): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of cpioStream(members)) parts.push(c);
  return Buffer.concat(parts);
}

test('newc header: 110 ASCII bytes, NUL-terminated name, padded to 4', () => {
  const h = newcHeader({ name: './a', mode: S_IFREG | 0o644, size: 5, ino: 7, mtime: 0x65432100, nlink: 1 });
  const text = Buffer.from(h).toString('latin1');
  assert.equal(text.slice(0, 6), '070701');
  assert.equal(text.slice(6, 14), '00000007'); // ino
  assert.equal(text.slice(14, 22), '000081A4'); // mode
  assert.equal(text.slice(38, 46), '00000001'); // nlink
  assert.equal(text.slice(46, 54), '65432100'); // mtime
  assert.equal(text.slice(54, 62), '00000005'); // filesize
  assert.equal(text.slice(94, 102), '00000004'); // namesize incl. NUL
  assert.equal(text.slice(102, 110), '00000000'); // check
  assert.equal(text.slice(110, 114), './a\0');
  assert.equal(h.length, 116); // 110 + 4 = 114 → 116
  assert.equal(h.length % 4, 0);
});

test('pad4 and the trailer', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(pad4), [0, 3, 2, 1, 0, 3]);
  const t = Buffer.from(newcTrailer()).toString('latin1');
  assert.ok(t.startsWith('070701'));
  assert.equal(t.slice(110, 121), 'TRAILER!!!\0');
  assert.equal(t.length % 4, 0);
});

test("stripped header is rpm's 07070X + 8 hex digit file index, 16 bytes", () => {
  assert.equal(Buffer.from(strippedHeader(0x1f)).toString('latin1'), '07070X0000001F\0\0');
});

test('errors name the field: size mismatch, oversized field, empty name', async () => {
  await assert.rejects(
    collect([{ header: { name: './x', mode: S_IFREG | 0o644, size: 3 }, data: async function* () { yield enc.encode('ab'); } }]),
    (e: unknown) => e instanceof DataError && /declared size 3 but the content had 2 bytes/.test(e.message),
  );
  await assert.rejects(
    collect([{ header: { name: './x', mode: S_IFREG | 0o644, size: 1 }, data: async function* () { yield enc.encode('abc'); } }]),
    (e: unknown) => e instanceof DataError && /more than 1/.test(e.message),
  );
  assert.throws(() => newcHeader({ name: './big', mode: S_IFREG, size: 2 ** 32 }), (e: unknown) => e instanceof DataError && e.field === 'size');
  assert.throws(() => newcHeader({ name: '', mode: S_IFREG, size: 0 }), DataError);
});

test('round trip through GNU cpio: names, modes, content, symlinks, padding', async (t) => {
  if (!(await haveProgram('cpio'))) return t.skip('cpio not installed: cannot check the archive with GNU cpio');
  const { dir, cleanup } = tmp('cpio');
  t.after(cleanup);
  const long = './' + 'x'.repeat(150);
  const members: CpioMember[] = [
    { header: { name: './dir', mode: S_IFDIR | 0o750, size: 0 } },
    { header: { name: './dir/one', mode: S_IFREG | 0o644, size: 1 }, data: enc.encode('1') },
    { header: { name: './dir/ü-✓', mode: S_IFREG | 0o755, size: 6 }, data: async function* () { yield enc.encode('ab'); yield enc.encode('cdef'); } },
    { header: { name: './dir/empty', mode: S_IFREG | 0o600, size: 0 }, data: new Uint8Array(0) },
    { header: { name: './dir/link', mode: S_IFLNK | 0o777, size: 3 }, data: enc.encode('one') },
    { header: { name: long, mode: S_IFREG | 0o644, size: 3 }, data: enc.encode('abc') },
  ];
  const archive = await collect(members);
  assert.equal(archive.length % 4, 0);
  assert.equal(cpioSize(members), archive.length, 'cpioSize predicts the length');
  const stripped: CpioMember[] = [{ header: { strippedIndex: 0, size: 5 }, data: enc.encode('hello') }, { header: { strippedIndex: 1, size: 0 } }];
  assert.equal(cpioSize(stripped), (await collect(stripped)).length, 'cpioSize of stripped members');
  const file = path.join(dir, 'a.cpio');
  writeFileSync(file, archive);
  const list = await run('cpio', ['-it', '--quiet', '-F', file]);
  assert.deepEqual(list.stdout.trim().split('\n'), ['./dir', './dir/one', './dir/ü-✓', './dir/empty', './dir/link', long]);
  const out = path.join(dir, 'out');
  mkdirSync(out);
  await run('cpio', ['-idm', '--quiet', '--no-absolute-filenames', '-F', file], { cwd: out });
  assert.equal(lstatSync(path.join(out, 'dir')).mode & 0o7777, 0o750);
  assert.equal(readFileSync(path.join(out, 'dir/ü-✓'), 'utf8'), 'abcdef');
  assert.equal(lstatSync(path.join(out, 'dir/ü-✓')).mode & 0o7777, 0o755);
  assert.equal(readFileSync(path.join(out, 'dir/empty')).length, 0);
  assert.equal(readlinkSync(path.join(out, 'dir/link')), 'one');
  assert.equal(readFileSync(path.join(out, long.slice(2)), 'utf8'), 'abc');
});

test('cpioBreaks: where each large member\'s content starts and ends, before its padding, also with stripped headers', async () => {
  const big = new Uint8Array(70_001).fill(5);
  const members: CpioMember[] = [
    { header: { name: './small', mode: S_IFREG | 0o644, size: 3 }, data: new Uint8Array(3) },
    { header: { name: './big', mode: S_IFREG | 0o644, size: big.length }, data: big },
    { header: { strippedIndex: 2, size: big.length }, data: () => (async function* () { yield big; })() },
  ];
  const chunks: Uint8Array[] = [];
  for await (const c of cpioStream(members)) chunks.push(c);
  const all = Buffer.concat(chunks);
  const breaks = cpioBreaks(members, 65_536);
  assert.equal(breaks.length, 4);
  for (const i of [0, 2]) assert.ok(all.subarray(breaks[i]!, breaks[i + 1]!).equals(Buffer.from(big)), `break pair ${i / 2}`);
  assert.deepEqual(cpioBreaks(members, 1 << 20), []);
});
