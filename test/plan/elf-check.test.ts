import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkShippedElf } from '../../src/plan/elf-check.js';
import { DataError } from '../../src/core/errors.js';

function elf(machine: number): Uint8Array {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(b);
  b.writeUInt16LE(3, 16);
  b.writeUInt16LE(machine, 18);
  return b;
}

const file = (rel: string, data: Uint8Array) => ({ rel, data, mode: 0o755 });

test('ELF files of the package arch pass; other files are not ELF and pass', () => {
  checkShippedElf('/usr/lib/app', [file('bin/helper', elf(183)), file('app.asar', new TextEncoder().encode('not elf'))], 'arm64');
  checkShippedElf('/usr/lib/app', [file('bin/true', readFileSync('/bin/true'))], 'amd64');
});

test('a wrong-arch binary in the tree is refused naming the file (65)', () => {
  assert.throws(
    () => checkShippedElf('/usr/lib/app', [file('app.asar', new Uint8Array(30)), file('tools/helper', elf(62))], 'arm64'),
    (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.code === 'tacd.elf.arch' && e.message === '/usr/lib/app/tools/helper is an amd64 binary, but the package is for arm64: ship a build for arm64 or leave the file out',
  );
  assert.throws(() => checkShippedElf('/d', [file('x', elf(8))], 'amd64'), (e: unknown) => e instanceof DataError && /^\/d\/x is an unsupported machine, but the package is for amd64/.test(e.message));
});
