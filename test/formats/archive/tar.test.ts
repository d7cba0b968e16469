import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tarStreamReader from 'tar-stream';
import { DataError } from '../../../src/core/errors.js';
import { entryHeaders, tarBreaks, tarSize, tarStream, type TarEntry } from '../../../src/formats/archive/tar.js';
import { debTree, toTarEntry } from '../../../src/formats/deb/tree.js';
import type { PackagePlan, PayloadEntry } from '../../../src/formats/plan.js';
import { collect, have, walkTar } from './tar-walk.js';

const MTIME = 1700000000;
const enc = new TextEncoder();
const longFile = `/d/${'f'.repeat(146)}`; // './d/fff…' is 150 bytes
const longDir = `/d/${'D'.repeat(120)}`;
const exact100 = `/d/${'e'.repeat(96)}`; // './d/eee…' is exactly 100 bytes
const longTarget = `../${'t'.repeat(60)}/${'u'.repeat(60)}`; // 124 bytes
const pattern = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));

/** The same tree as a payload (for our writer) and on disk (for GNU tar). */
const payload: PayloadEntry[] = [
  { kind: 'dir', path: '/d', mode: 0o755 },
  { kind: 'dir', path: '/d/empty', mode: 0o755 },
  { kind: 'file', path: '/d/zero', mode: 0o644, data: new Uint8Array(0) },
  { kind: 'file', path: '/d/exe', mode: 0o755, data: enc.encode('#!/bin/sh\necho hi\n') },
  { kind: 'file', path: '/d/suid', mode: 0o4755, data: enc.encode('setuid\n') },
  { kind: 'file', path: '/d/pattern', mode: 0o644, data: pattern },
  { kind: 'file', path: longFile, mode: 0o644, data: enc.encode('long name\n') },
  { kind: 'dir', path: longDir, mode: 0o755 },
  { kind: 'file', path: `${longDir}/inner`, mode: 0o640, data: enc.encode('inner\n') },
  { kind: 'file', path: exact100, mode: 0o644, data: enc.encode('100\n') },
  { kind: 'symlink', path: '/d/longlink', mode: 0o777, target: longTarget },
  { kind: 'symlink', path: '/d/shortlink', mode: 0o777, target: 'exe' },
  { kind: 'file', path: '/d/ünïcødé-名前.txt', mode: 0o644, data: enc.encode('utf-8\n') },
];
const plan = { meta: { mtime: MTIME }, payload } as unknown as PackagePlan;
const entries = (): TarEntry[] => debTree(plan).map((e) => toTarEntry(e, MTIME));

function materialize(root: string): void {
  for (const e of payload) {
    const p = path.join(root, e.path);
    if (e.kind === 'dir') mkdirSync(p, { recursive: true });
    else if (e.kind === 'file') writeFileSync(p, e.data as Uint8Array);
    else if (e.kind === 'symlink') symlinkSync(e.target, p);
  }
  for (const e of payload) if (e.kind !== 'symlink') chmodSync(path.join(root, e.path), e.mode);
  chmodSync(root, 0o755);
}

test('our tar is byte-identical to GNU tar --format=gnu --sort=name for the same tree', async (t) => {
  if (!have('tar')) return t.skip('GNU tar not installed: cannot compare bytes with the reference implementation');
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-tar-'));
  try {
    const root = path.join(dir, 'root');
    mkdirSync(root);
    materialize(root);
    const gnu = spawnSync('tar', ['-cf', '-', '--format=gnu', '--sort=name', '--owner=root', '--group=root', `--mtime=@${MTIME}`, '-C', root, '.'], {
      maxBuffer: 1 << 26,
    });
    assert.equal(gnu.status, 0, gnu.stderr?.toString());
    const ours = await collect(tarStream(entries()));
    if (!ours.equals(gnu.stdout)) {
      const a = walkTar(ours).map((h) => `${h.typeflag} ${h.name}`);
      const b = walkTar(gnu.stdout).map((h) => `${h.typeflag} ${h.name}`);
      assert.deepEqual(a, b, 'entry lists differ from GNU tar');
      const at = ours.findIndex((x, i) => x !== gnu.stdout[i]);
      assert.fail(`bytes differ from GNU tar at offset ${at} (block ${Math.floor(at / 512)}, field offset ${at % 512}); lengths ${ours.length} vs ${gnu.stdout.length}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only ustar/GNU headers: typeflags 0 2 5 L K, GNU magic, valid checksums, never PAX', async () => {
  const headers = walkTar(await collect(tarStream(entries())));
  const flags = new Set(headers.map((h) => h.typeflag));
  assert.ok(!flags.has('x') && !flags.has('g'), 'a PAX header was written');
  assert.deepEqual([...flags].sort(), ['0', '2', '5', 'K', 'L']);
  for (const h of headers) {
    assert.equal(h.magic, 'ustar  \0', `magic of ${h.name}`);
    assert.ok(h.checksumOk, `bad checksum on ${h.name}`);
  }
  const longNames = headers.filter((h) => h.typeflag === 'L').length;
  assert.equal(longNames, 3, 'one L entry each for the 150-byte file, the long directory and its child');
  assert.equal(headers.filter((h) => h.typeflag === 'K').length, 1);
});

test('tar-stream (an independent reader) sees every name, type, mode, owner and link target', async () => {
  const bytes = await collect(tarStream(entries()));
  const ex = tarStreamReader.extract();
  const seen: { name: string; type: string; mode: number; linkname: string; body: string; uname: string; mtime: number }[] = [];
  const done = (async () => {
    for await (const entry of ex) {
      const body = await collect(entry as AsyncIterable<Buffer>);
      const h = entry.header;
      seen.push({ name: h.name, type: h.type ?? '', mode: h.mode ?? -1, linkname: h.linkname ?? '', body: body.toString('utf8'), uname: h.uname ?? '', mtime: h.mtime!.getTime() / 1000 });
    }
  })();
  ex.end(bytes);
  await done;
  const names = seen.map((s) => s.name);
  assert.deepEqual(names.slice(0, 2), ['./', './d/']);
  assert.ok(names.includes(`.${longFile}`), 'long file name read back in full');
  assert.ok(names.includes(`.${longDir}/`), 'long directory name read back in full, with its slash');
  assert.ok(names.includes('./d/ünïcødé-名前.txt'));
  const byName = new Map(seen.map((s) => [s.name, s]));
  assert.equal(byName.get('./d/longlink')?.linkname, longTarget);
  assert.equal(byName.get('./d/longlink')?.type, 'symlink');
  assert.equal(byName.get('./d/suid')?.mode, 0o4755);
  assert.equal(byName.get(`.${longDir}/inner`)?.mode, 0o640);
  assert.equal(byName.get('./d/exe')?.body, '#!/bin/sh\necho hi\n');
  assert.equal(byName.get('./d/zero')?.body, '');
  assert.ok(Buffer.from(byName.get('./d/pattern')!.body, 'utf8').length > 0);
  for (const s of seen) {
    assert.equal(s.uname, 'root');
    assert.equal(s.mtime, MTIME);
  }
  // Every directory before its children.
  const index = new Map(names.map((n, i) => [n, i]));
  for (const n of names) {
    if (n === './') continue;
    const parent = n.replace(/[^/]+\/?$/, '');
    assert.ok((index.get(parent) ?? Infinity) < index.get(n)!, `${parent} must come before ${n}`);
  }
});

test('sizes of 8 GiB and more use GNU base-256; below that, 11 octal digits', () => {
  const file = (size: number): TarEntry => ({
    name: './big', type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME,
    data: { size, open: async function* () {} },
  });
  const below = Buffer.from(entryHeaders(file(8 ** 11 - 1))[0]!);
  assert.equal(below.subarray(124, 136).toString('latin1'), '77777777777\0');
  const size = 8.5 * 2 ** 30;
  const big = Buffer.from(entryHeaders(file(size))[0]!);
  assert.equal(big[124], 0x80);
  assert.equal(Number(big.readBigUInt64BE(128)), size);
  assert.ok(big.subarray(125, 128).every((x) => x === 0));
});

test('a stream yielding fewer or more bytes than its declared size is a DataError naming the entry', async () => {
  const entry = (size: number, chunks: Uint8Array[]): TarEntry => ({
    name: './f', type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME,
    data: { size, open: async function* () { yield* chunks; } },
  });
  await assert.rejects(collect(tarStream([entry(10, [new Uint8Array(4)])])), (e: unknown) => e instanceof DataError && /'\.\/f'.*4 bytes.*10/.test(e.message));
  await assert.rejects(collect(tarStream([entry(2, [new Uint8Array(4)])])), (e: unknown) => e instanceof DataError && /'\.\/f'.*more than/.test(e.message));
});

test('the archive ends with two zero blocks and is padded to whole 10240-byte records', async () => {
  const one: TarEntry = { name: './a', type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME, data: enc.encode('x') };
  const bytes = await collect(tarStream([one]));
  assert.equal(bytes.length, 10240);
  assert.ok(bytes.subarray(1024).every((x) => x === 0));
  const empty = await collect(tarStream([]));
  assert.equal(empty.length, 10240);
});

test('tarSize predicts the exact length tarStream yields (long names, links, dirs, a record boundary)', async () => {
  const all = entries();
  assert.equal(tarSize(all), (await collect(tarStream(all))).length);
  assert.equal(tarSize([]), 10240);
  // header + data + 2 end blocks exactly one record (17 data blocks), one byte past it, and more.
  for (const n of [512 * 17, 512 * 17 + 1, 512 * 18, 512 * 37 + 5]) {
    const e: TarEntry = { name: './f', type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME, data: new Uint8Array(n) };
    assert.equal(tarSize([e]), (await collect(tarStream([e]))).length, `file of ${n} bytes`);
  }
});

test('bad modes, long owner names and NUL in names are rejected', () => {
  const base: TarEntry = { name: './a', type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME };
  assert.throws(() => entryHeaders({ ...base, mode: 0o17777 }), DataError);
  assert.throws(() => entryHeaders({ ...base, uname: 'u'.repeat(32) }), /uname/);
  assert.throws(() => entryHeaders({ ...base, name: './a\0b' }), /NUL/);
  assert.throws(() => entryHeaders({ ...base, type: 'symlink' }), /target/);
  assert.throws(() => entryHeaders({ ...base, mtime: -1 }), /mtime/);
});

test('tarBreaks: where each large file\'s data starts and ends in the stream, before its padding; small files are left out', async () => {
  const file = (name: string, data: Uint8Array): TarEntry => ({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1700000000, data });
  const big = new Uint8Array(70_001).fill(7);
  const big2 = new Uint8Array(65_536).fill(9);
  const entries = [file('./a', new Uint8Array(10).fill(1)), file('./big', big), file('./' + 'l'.repeat(120), big2), file('./z', new Uint8Array(3))];
  const tar = await collect(tarStream(entries));
  const breaks = tarBreaks(entries, 65_536);
  assert.equal(breaks.length, 4);
  assert.ok(tar.subarray(breaks[0]!, breaks[1]!).equals(Buffer.from(big)), 'the first break pair spans big\'s data');
  assert.ok(tar.subarray(breaks[2]!, breaks[3]!).equals(Buffer.from(big2)), 'the second spans the long-named file\'s data');
  assert.equal(tar[breaks[0]! - 512 + 156], '0'.charCodeAt(0), 'a header ends right before the data');
  assert.deepEqual(tarBreaks(entries, 1 << 20), []);
});
