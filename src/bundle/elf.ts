/**
 * Reads what packaging needs from ELF files (elf(5)):
 *
 * - the target architecture of a node binary or a native addon, from the
 *   header (e_ident, then e_machine at offset 18), so a package bundling it
 *   gets the right Architecture;
 * - the dynamic dependencies rpm's elfdeps (rpm 4.18 tools/elfdeps.c, run by
 *   rpmbuild on every ELF file of a package) turns into soname requires:
 *   DT_NEEDED and DT_(GNU_)HASH from the SHT_DYNAMIC section, the version
 *   needs of SHT_GNU_verneed (.gnu.version_r), and PT_INTERP.
 *
 * Parsing works on a positioned reader, so a 100 MB node binary is never read
 * whole; `rpmElfRequires` formats the result exactly as `elfdeps --requires`.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
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

/**
 * The Debian architecture of an ELF file's bytes (at least 20 of them): a node
 * binary (messages start '--node FILE') or, with `addon`, a native addon (messages
 * start with its path). @throws DataError for non-ELF or unsupported machines.
 */
export function elfDebianArch(head: Uint8Array, file: string, addon = false): string {
  const kind = addon ? 'addon' : 'node';
  const fail = (code: string, what: string): never => {
    throw new DataError(`tacd.${kind}.${code}`, `${addon ? file : `--node ${file}`}: ${what}`, { field: kind });
  };
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    fail('notElf', addon ? 'not an ELF shared object (a native addon built for another OS?)' : 'not an ELF executable (expected a Linux node binary)');
  }
  const cls = head[4];
  const little = head[5] === 1;
  const type = little ? head[16]! | (head[17]! << 8) : (head[16]! << 8) | head[17]!;
  const machine = little ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
  if (type !== 2 && type !== 3) fail('notExecutable', `ELF type ${type} is not ${addon ? 'a shared object' : 'an executable'}`);
  const m = MACHINES[machine];
  // s390x is big-endian; every other supported machine is little-endian.
  if (!m || m.cls !== cls || little !== (machine !== 22)) {
    fail('foreignArch', `unsupported ELF machine ${machine} (${cls === 2 ? '64' : '32'}-bit, ${little ? 'little' : 'big'}-endian); expected amd64, arm64, armhf, i386, ppc64el, s390x or riscv64`);
  }
  return m!.deb;
}

/** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** One dependency elfdeps sees, in file order: a DT_NEEDED entry (no version) or a version need. */
export interface ElfNeed {
  readonly soname: string;
  readonly version?: string;
}

/** What elfdeps reads from an ELF file to generate its requires. */
export interface ElfDynamic {
  /** ELFCLASS64. */
  readonly class64: boolean;
  readonly machine: number;
  /** e_type is ET_EXEC or ET_DYN (elfdeps looks at nothing else). */
  readonly loadable: boolean;
  /** A PT_INTERP program header: a program rather than a library. */
  readonly hasInterp: boolean;
  /** DT_NEEDED entries and version needs, in section order (as elfdeps emits them). */
  readonly needs: readonly ElfNeed[];
  readonly hasHash: boolean;
  readonly hasGnuHash: boolean;
  /** DT_SONAME: the name a shared library is linked by (what elfdeps --provides lists). */
  readonly soname?: string;
}

const EM_ALPHA = 41;
const EM_FAKE_ALPHA = 0x9026;


import { parseElfDynamic } from './elf-dynamic.js';

export { parseElfDynamic };

/** parseElfDynamic over bytes in memory (a native addon from the bundle). */
export function elfDynamicOf(bytes: Uint8Array, label: string, field = 'node'): ElfDynamic {
  return parseElfDynamic((offset, length) => bytes.subarray(offset, offset + length), bytes.length, label, field);
}

/**
 * elfdeps' "rough soname sanity filtering": a requirement must contain ".so" and
 * start with "lib", except the dynamic linker ("ld." / "ld-" / and, as rpm
 * compares only 3 characters, anything starting "ld6").
 */
function skipSoname(soname: string): boolean {
  if (soname.trim() === '') return true;
  if (!soname.includes('.so')) return true;
  if (soname.startsWith('ld.') || soname.startsWith('ld-') || soname.startsWith('ld6')) return false;
  return !soname.startsWith('lib');
}

/**
 * The requires rpmbuild generates for this file (`elfdeps --requires`, rpm 4.18
 * defaults), in elfdeps' order: `libc.so.6(GLIBC_2.28)(64bit)`, `libstdc++.so.6()(64bit)`
 * ("(64bit)" only for ELFCLASS64 and not on Alpha), then `rtld(GNU_HASH)` for a file
 * with only a GNU hash table. `executable`: the file's mode has an x bit (a program
 * that is not executable generates nothing).
 */
export function rpmElfRequires(d: ElfDynamic, executable: boolean): string[] {
  if (!d.loadable || (d.hasInterp && !executable)) return [];
  const marker = d.class64 && d.machine !== EM_ALPHA && d.machine !== EM_FAKE_ALPHA ? '(64bit)' : '';
  const out: string[] = [];
  for (const n of d.needs) {
    if (skipSoname(n.soname)) continue;
    out.push(n.version !== undefined || marker !== '' ? `${n.soname}(${n.version ?? ''})${marker}` : n.soname);
  }
  if (d.hasGnuHash && !d.hasHash) out.push('rtld(GNU_HASH)');
  return out;
}

function openOrFail(file: string): number {
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (no effect on a regular file)
    return openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new NoInputError(file, `--node ${file}: cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
}

function cannotRead(file: string, e: unknown): NoInputError {
  return new NoInputError(file, `--node ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
}

/** Reads `file`'s ELF header and returns its Debian architecture. @throws NoInputError when unreadable, DataError as elfDebianArch. */
export function readElfArch(file: string): string {
  return readElf(file).arch;
}

/**
 * Reads a node binary: its Debian architecture and its dynamic dependencies
 * (positioned reads only). @throws NoInputError when unreadable or not a
 * regular file (a folder, a FIFO), DataError for a non-ELF, foreign or
 * malformed file.
 */
export function readElf(file: string): { readonly arch: string; readonly dynamic: ElfDynamic } {
  const fd = openOrFail(file);
  try {
    let st;
    try {
      st = fstatSync(fd);
    } catch (e) {
      throw cannotRead(file, e);
    }
    if (!st.isFile()) throw new NoInputError(file, `--node ${file}: not a regular file (expected a node binary)`, { code: 'tacd.node.notFile' });
    const size = st.size;
    const read: ReadAt = (offset, length) => {
      const b = new Uint8Array(length);
      let got = 0;
      try {
        while (got < length) {
          const k = readSync(fd, b, got, length - got, offset + got);
          if (k === 0) break;
          got += k;
        }
      } catch (e) {
        throw cannotRead(file, e);
      }
      return b.subarray(0, got);
    };
    const arch = elfDebianArch(read(0, 64), file);
    return { arch, dynamic: parseElfDynamic(read, size, `--node ${file}`) };
  } finally {
    closeSync(fd);
  }
}
