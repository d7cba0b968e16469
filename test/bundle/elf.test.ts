// The ELF dynamic-dependency reader against rpm's own generator: for real
// binaries of this host and for crafted files of every class and byte order,
// rpmElfRequires must print exactly what `/usr/lib/rpm/elfdeps --requires`
// prints (the oracle rpmbuild runs on every ELF file it packages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { run } from '../../src/core/exec.js';
import { elfDynamicOf, readElf, rpmElfRequires } from '../../src/bundle/elf.js';
import { tempDir } from '../packaging/helpers.js';

const ELFDEPS = '/usr/lib/rpm/elfdeps';

async function elfdeps(file: string): Promise<string[]> {
  const r = await run(ELFDEPS, ['--requires', file], { env: { LC_ALL: 'C' } });
  return r.stdout.split('\n').filter((l) => l !== '');
}

const executable = (file: string): boolean => (statSync(file).mode & 0o111) !== 0;

interface Craft {
  cls: 1 | 2;
  le: boolean;
  machine: number;
  type?: number;
  needed: string[];
  verneed: [string, string[]][];
  hash?: boolean;
  gnuHash?: boolean;
}

/**
 * A minimal ELF shared object that libelf reads: null section, .dynstr,
 * .dynamic, .gnu.version_r and .shstrtab, any class and byte order.
 */
function craftElf(c: Craft): Buffer {
  const is64 = c.cls === 2;
  const strs: string[] = [''];
  const strOff = new Map<string, number>([['', 0]]);
  let strLen = 1;
  const str = (s: string): number => {
    let o = strOff.get(s);
    if (o === undefined) {
      o = strLen;
      strOff.set(s, o);
      strs.push(s);
      strLen += Buffer.byteLength(s) + 1;
    }
    return o;
  };
  for (const n of c.needed) str(n);
  for (const [f, vs] of c.verneed) {
    str(f);
    for (const v of vs) str(v);
  }
  const dynstr = Buffer.concat(strs.map((s) => Buffer.from(s + '\0')));

  const w16 = (b: Buffer, o: number, v: number) => (c.le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (b: Buffer, o: number, v: number) => (c.le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const wAddr = (b: Buffer, o: number, v: number) => (is64 ? (c.le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o)) : w32(b, o, v));

  const dynEnt = is64 ? 16 : 8;
  const tags: [number, number][] = [...c.needed.map((n): [number, number] => [1, str(n)])];
  if (c.hash) tags.push([4, 0]);
  if (c.gnuHash) tags.push([0x6ffffef5, 0]);
  tags.push([0, 0]);
  const dynamic = Buffer.alloc(tags.length * dynEnt);
  tags.forEach(([t, v], i) => {
    wAddr(dynamic, i * dynEnt, t);
    wAddr(dynamic, i * dynEnt + dynEnt / 2, v);
  });

  const vn: Buffer[] = [];
  c.verneed.forEach(([f, vs], i) => {
    const need = Buffer.alloc(16);
    w16(need, 0, 1);
    w16(need, 2, vs.length);
    w32(need, 4, str(f));
    w32(need, 8, 16);
    w32(need, 12, i === c.verneed.length - 1 ? 0 : 16 + 16 * vs.length);
    vn.push(need);
    vs.forEach((v, j) => {
      const aux = Buffer.alloc(16);
      w32(aux, 0, 0);
      w16(aux, 4, 0);
      w16(aux, 6, 2 + j);
      w32(aux, 8, str(v));
      w32(aux, 12, j === vs.length - 1 ? 0 : 16);
      vn.push(aux);
    });
  });
  const verneed = Buffer.concat(vn);
  const shstrtab = Buffer.from('\0.dynstr\0.dynamic\0.gnu.version_r\0.shstrtab\0');

  const ehSize = is64 ? 64 : 52;
  const shSize = is64 ? 64 : 40;
  const align = (n: number) => (n + 7) & ~7;
  const offDynstr = ehSize;
  const offDynamic = align(offDynstr + dynstr.length);
  const offVerneed = align(offDynamic + dynamic.length);
  const offShstr = align(offVerneed + verneed.length);
  const shoff = align(offShstr + shstrtab.length);
  const total = shoff + 5 * shSize;
  const b = Buffer.alloc(total);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, c.cls, c.le ? 1 : 2, 1]).copy(b);
  w16(b, 16, c.type ?? 3);
  w16(b, 18, c.machine);
  w32(b, 20, 1);
  wAddr(b, is64 ? 40 : 32, shoff);
  w16(b, is64 ? 52 : 40, ehSize);
  w16(b, is64 ? 58 : 46, shSize);
  w16(b, is64 ? 60 : 48, 5);
  w16(b, is64 ? 62 : 50, 4);
  dynstr.copy(b, offDynstr);
  dynamic.copy(b, offDynamic);
  verneed.copy(b, offVerneed);
  shstrtab.copy(b, offShstr);
  // [name, type, offset, size, link, info, entsize]
  const secs: [number, number, number, number, number, number, number][] = [
    [0, 0, 0, 0, 0, 0, 0],
    [1, 3, offDynstr, dynstr.length, 0, 0, 0],
    [9, 6, offDynamic, dynamic.length, 1, 0, dynEnt],
    [18, 0x6ffffffe, offVerneed, verneed.length, 1, c.verneed.length, 0],
    [33, 3, offShstr, shstrtab.length, 0, 0, 0],
  ];
  secs.forEach(([name, type, off, size, link, info, entsize], i) => {
    const o = shoff + i * shSize;
    w32(b, o, name);
    w32(b, o + 4, type);
    if (is64) {
      wAddr(b, o + 24, off);
      wAddr(b, o + 32, size);
      w32(b, o + 40, link);
      w32(b, o + 44, info);
      wAddr(b, o + 48, 1);
      wAddr(b, o + 56, entsize);
    } else {
      w32(b, o + 16, off);
      w32(b, o + 20, size);
      w32(b, o + 24, link);
      w32(b, o + 28, info);
      w32(b, o + 32, 1);
      w32(b, o + 36, entsize);
    }
  });
  return b;
}

test("this host's ELF files: rpmElfRequires prints exactly what elfdeps --requires prints", async (t) => {
  if (!existsSync(ELFDEPS)) return t.skip(`${ELFDEPS} not installed (apt-get install rpm)`);
  const dir = tempDir('tacd-elf-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A program without its x bit generates nothing; a library without it still does.
  const ls = path.join(dir, 'ls-not-executable');
  copyFileSync('/bin/ls', ls);
  chmodSync(ls, 0o644);
  const files = [process.execPath, '/bin/ls', ls, '/usr/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/aarch64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6'].filter((f) => existsSync(f));
  assert.ok(files.length >= 3, files.join(' '));
  for (const file of files) {
    const ours = rpmElfRequires(readElf(file).dynamic, executable(file));
    assert.deepEqual(ours, await elfdeps(file), file);
  }
  const node = rpmElfRequires(readElf(process.execPath).dynamic, true);
  assert.ok(node.some((d) => /^libc\.so\.6\(GLIBC_2\.\d+\)(\(64bit\))?$/.test(d)), `versioned libc needs of ${process.execPath}: ${node.join(' ')}`);
});

test('crafted ELF files of both classes and byte orders: same list as elfdeps (markers, filters, rtld(GNU_HASH))', async (t) => {
  if (!existsSync(ELFDEPS)) return t.skip(`${ELFDEPS} not installed (apt-get install rpm)`);
  const dir = tempDir('tacd-elf-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const needed = ['libstdc++.so.6', 'libc.so.6', 'ld-linux.so.2', 'notalib.so.1', 'libnoso', ' '];
  const verneed: [string, string[]][] = [
    ['libc.so.6', ['GLIBC_2.28', 'GLIBC_2.2.5']],
    ['libstdc++.so.6', ['GLIBCXX_3.4']],
  ];
  const cases: [string, Craft][] = [
    ['x86_64', { cls: 2, le: true, machine: 62, needed, verneed, gnuHash: true }],
    ['i386', { cls: 1, le: true, machine: 3, needed, verneed, gnuHash: true, hash: true }],
    ['s390x (big-endian)', { cls: 2, le: false, machine: 22, needed, verneed }],
    ['armhf (32-bit big-endian header)', { cls: 1, le: false, machine: 40, needed, verneed, gnuHash: true }],
    ['alpha (64-bit, no marker)', { cls: 2, le: true, machine: 0x9026, needed, verneed }],
    ['ET_REL (nothing)', { cls: 2, le: true, machine: 62, type: 1, needed, verneed, gnuHash: true }],
  ];
  for (const [label, craft] of cases) {
    const bytes = craftElf(craft);
    const file = path.join(dir, `${label.split(' ')[0]}.so`);
    writeFileSync(file, bytes, { mode: 0o755 });
    const theirs = await elfdeps(file);
    assert.deepEqual(rpmElfRequires(elfDynamicOf(bytes, file), true), theirs, label);
  }
  // The expected shapes, spelled out once.
  const x86 = rpmElfRequires(elfDynamicOf(craftElf(cases[0]![1]), 'x'), true);
  // Section order: .dynamic (DT_NEEDED) comes before .gnu.version_r in the crafted file.
  assert.deepEqual(x86, [
    'libstdc++.so.6()(64bit)',
    'libc.so.6()(64bit)',
    'ld-linux.so.2()(64bit)',
    'libc.so.6(GLIBC_2.28)(64bit)',
    'libc.so.6(GLIBC_2.2.5)(64bit)',
    'libstdc++.so.6(GLIBCXX_3.4)(64bit)',
    'rtld(GNU_HASH)',
  ]);
  const i386 = rpmElfRequires(elfDynamicOf(craftElf(cases[1]![1]), 'x'), true);
  assert.deepEqual(i386, ['libstdc++.so.6', 'libc.so.6', 'ld-linux.so.2', 'libc.so.6(GLIBC_2.28)', 'libc.so.6(GLIBC_2.2.5)', 'libstdc++.so.6(GLIBCXX_3.4)']);
});

test('a truncated ELF file is a one-line DataError naming the file', () => {
  const bytes = craftElf({ cls: 2, le: true, machine: 62, needed: ['libc.so.6'], verneed: [] });
  const cut = bytes.subarray(0, bytes.length - 10);
  assert.throws(
    () => elfDynamicOf(cut, '/usr/lib/x/addon.node', 'addon'),
    (e: unknown) => exitCodeOf(e) === 65 && /^\/usr\/lib\/x\/addon\.node: malformed ELF file \(section header 4 /.test(describeError(e)),
  );
  // No section headers at all: nothing to read, nothing required (as elfdeps).
  const noSections = Buffer.from(bytes);
  noSections.writeBigUInt64LE(0n, 40);
  assert.deepEqual(rpmElfRequires(elfDynamicOf(noSections, 'x'), true), []);
});

test('readElf: a folder, a FIFO or an unreadable --node is one line naming it, exit 66 (a folder was EISDIR, 70)', (t) => {
  const dir = tempDir('tacd-elf-');
  try {
    const sub = path.join(dir, 'bin');
    mkdirSync(sub);
    assert.throws(
      () => readElf(sub),
      (e: unknown) => exitCodeOf(e) === 66 && describeError(e) === `--node ${sub}: not a regular file (expected a node binary)`,
    );
    const fifo = path.join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      // opened without waiting for a writer, then refused
      assert.throws(() => readElf(fifo), (e: unknown) => exitCodeOf(e) === 66 && /^--node .*fifo: not a regular file/.test(describeError(e)));
    } else {
      t.diagnostic('mkfifo is missing: FIFO case not checked');
    }
    assert.throws(
      () => readElf(path.join(dir, 'nope')),
      (e: unknown) => exitCodeOf(e) === 66 && describeError(e) === `--node ${path.join(dir, 'nope')}: cannot open (ENOENT)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
