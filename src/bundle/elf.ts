/**
 * Reads the target architecture of a node binary from its ELF header
 * (elf(5): e_ident, then e_machine at offset 18), so a package bundling
 * that binary gets the right Architecture.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { DataError, NoInputError } from '../core/errors.js';

/** e_machine values we package for, with the Debian name (EM_* from elf.h). */
const MACHINES: Readonly<Record<number, { readonly cls: 1 | 2; readonly deb: string }>> = {
  3: { cls: 1, deb: 'i386' }, // EM_386
  40: { cls: 1, deb: 'armhf' }, // EM_ARM (Node's official arm builds are armv7 hard-float)
  62: { cls: 2, deb: 'amd64' }, // EM_X86_64
  183: { cls: 2, deb: 'arm64' }, // EM_AARCH64
  21: { cls: 2, deb: 'ppc64el' }, // EM_PPC64 (little-endian only, checked below)
  22: { cls: 2, deb: 's390x' }, // EM_S390
  243: { cls: 2, deb: 'riscv64' }, // EM_RISCV
};

/** The Debian architecture of an ELF executable's bytes (at least 20 of them). @throws DataError for non-ELF or unsupported machines. */
export function elfDebianArch(head: Uint8Array, file: string): string {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    throw new DataError('ts2deb.node.notElf', `--node ${file}: not an ELF executable (expected a Linux node binary)`, { field: 'node' });
  }
  const cls = head[4];
  const little = head[5] === 1;
  const type = little ? head[16]! | (head[17]! << 8) : (head[16]! << 8) | head[17]!;
  const machine = little ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
  if (type !== 2 && type !== 3) {
    throw new DataError('ts2deb.node.notExecutable', `--node ${file}: ELF type ${type} is not an executable`, { field: 'node' });
  }
  const m = MACHINES[machine];
  // s390x is big-endian; every other supported machine is little-endian.
  if (!m || m.cls !== cls || little !== (machine !== 22)) {
    throw new DataError('ts2deb.node.foreignArch', `--node ${file}: unsupported ELF machine ${machine} (${cls === 2 ? '64' : '32'}-bit, ${little ? 'little' : 'big'}-endian); expected amd64, arm64, armhf, i386, ppc64el, s390x or riscv64`, { field: 'node' });
  }
  return m.deb;
}

/** Reads `file`'s ELF header and returns its Debian architecture. @throws NoInputError when unreadable, DataError as elfDebianArch. */
export function readElfArch(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new NoInputError(file, `--node ${file}: cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  try {
    const head = new Uint8Array(64);
    const n = readSync(fd, head, 0, 64, 0);
    return elfDebianArch(head.subarray(0, n), file);
  } finally {
    closeSync(fd);
  }
}
