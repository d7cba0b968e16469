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

const SHT_STRTAB = 3;
const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_HASH = 4;
const DT_SONAME = 14;
const DT_GNU_HASH = 0x6ffffef5;
const EM_ALPHA = 41;
const EM_FAKE_ALPHA = 0x9026;

interface Section {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
}

/**
 * Parses the dynamic dependencies of an ELF file of `size` bytes read through
 * `read`. A file without section headers yields no needs (as elfdeps: it reads
 * sections). @throws DataError (starting with `label`) for a truncated or
 * malformed file.
 */
export function parseElfDynamic(read: ReadAt, size: number, label: string, field = 'node'): ElfDynamic {
  const bad = (what: string): never => {
    throw new DataError('tacd.elf.malformed', `${label}: malformed ELF file (${what})`, { field });
  };
  const exact = (offset: number, length: number, what: string): Uint8Array => {
    if (offset < 0 || length < 0 || offset + length > size) bad(`${what} at ${offset}+${length} is beyond the end of the file (${size} bytes)`);
    const b = read(offset, length);
    if (b.length < length) bad(`${what} at ${offset}+${length} is beyond the end of the file`);
    return b;
  };
  const ident = exact(0, 16, 'the ELF header');
  if (ident[0] !== 0x7f || ident[1] !== 0x45 || ident[2] !== 0x4c || ident[3] !== 0x46) bad('no ELF magic');
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) bad(`EI_CLASS ${cls}`);
  if (data !== 1 && data !== 2) bad(`EI_DATA ${data}`);
  const is64 = cls === 2;
  const le = data === 1;
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (b: Uint8Array, o: number) => view(b).getUint16(o, le);
  const u32 = (b: Uint8Array, o: number) => view(b).getUint32(o, le);
  const addr = (b: Uint8Array, o: number): number => {
    if (!is64) return u32(b, o);
    const n = view(b).getBigUint64(o, le);
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? bad(`offset ${n} out of range`) : Number(n);
  };

  const eh = exact(0, is64 ? 64 : 52, 'the ELF header');
  const type = u16(eh, 16);
  const machine = u16(eh, 18);
  const loadable = type === 2 || type === 3;
  const result: { -readonly [K in keyof ElfDynamic]: ElfDynamic[K] } & { needs: ElfNeed[] } = { class64: is64, machine, loadable, hasInterp: false, needs: [], hasHash: false, hasGnuHash: false };
  if (!loadable) return result;
  const phoff = addr(eh, is64 ? 32 : 28);
  const shoff = addr(eh, is64 ? 40 : 32);
  const phentsize = u16(eh, is64 ? 54 : 42);
  let phnum = u16(eh, is64 ? 56 : 44);
  const shentsize = u16(eh, is64 ? 58 : 46);
  let shnum = u16(eh, is64 ? 60 : 48);

  // Section headers (extended numbering: e_shnum 0 / e_phnum 0xffff live in section 0).
  const shdrSize = is64 ? 64 : 40;
  const sections: Section[] = [];
  if (shoff !== 0) {
    if (shentsize < shdrSize) bad(`e_shentsize ${shentsize}`);
    const sectionAt = (i: number): Section => {
      const h = exact(shoff + i * shentsize, shdrSize, `section header ${i}`);
      return is64
        ? { type: u32(h, 4), offset: addr(h, 24), size: addr(h, 32), link: u32(h, 40), info: u32(h, 44) }
        : { type: u32(h, 4), offset: u32(h, 16), size: u32(h, 20), link: u32(h, 24), info: u32(h, 28) };
    };
    const first = sectionAt(0);
    if (shnum === 0) shnum = first.size;
    if (phnum === 0xffff) phnum = first.info;
    sections.push(first);
    for (let i = 1; i < shnum; i++) sections.push(sectionAt(i));
  }

  // PT_INTERP (elfdeps: a program that is not executable generates no requires).
  if (phoff !== 0) {
    const phdrSize = is64 ? 56 : 32;
    if (phnum > 0 && phentsize < phdrSize) bad(`e_phentsize ${phentsize}`);
    for (let i = 0; i < phnum; i++) {
      const p = exact(phoff + i * phentsize, phdrSize, `program header ${i}`);
      if (u32(p, 0) === PT_INTERP && addr(p, is64 ? 8 : 4) < size) {
        result.hasInterp = true;
        break;
      }
    }
  }

  const contents = new Map<number, Uint8Array>();
  const body = (i: number): Uint8Array => {
    let b = contents.get(i);
    if (!b) {
      const s = sections[i]!;
      b = exact(s.offset, s.size, `section ${i}`);
      contents.set(i, b);
    }
    return b;
  };
  // elf_strptr: a NUL-terminated string inside a SHT_STRTAB section, or null.
  const decoder = new TextDecoder();
  const str = (strtab: number, off: number): string | null => {
    const s = sections[strtab];
    if (!s || s.type !== SHT_STRTAB || off >= s.size) return null;
    const b = body(strtab);
    const end = b.indexOf(0, off);
    return end < 0 ? null : decoder.decode(b.subarray(off, end));
  };

  sections.forEach((s, i) => {
    if (s.type === SHT_GNU_VERNEED) {
      // Elf_Verneed {vn_version u16, vn_cnt u16, vn_file, vn_aux, vn_next}, Elf_Vernaux {vna_hash, vna_flags u16, vna_other u16, vna_name, vna_next}: 16 bytes each, 4-aligned.
      const b = body(i);
      const fits = (o: number) => o >= 0 && o % 4 === 0 && o + 16 <= b.length;
      let offset = 0;
      for (let n = s.info; n > 0; n--) {
        if (!fits(offset)) break;
        const file = str(s.link, u32(b, offset + 4));
        if (file === null) break;
        let aux = offset + u32(b, offset + 8);
        for (let j = u16(b, offset + 2); j > 0; j--) {
          if (!fits(aux)) break;
          const version = str(s.link, u32(b, aux + 8));
          if (version === null) break;
          result.needs.push({ soname: file, version });
          aux += u32(b, aux + 12);
        }
        offset += u32(b, offset + 12);
      }
    } else if (s.type === SHT_DYNAMIC) {
      const entry = is64 ? 16 : 8;
      const b = body(i);
      for (let o = 0; o + entry <= b.length; o += entry) {
        // d_tag is signed; the tags we want are small positive numbers (high word 0).
        const tag = is64 ? (u32(b, o + (le ? 4 : 0)) === 0 ? u32(b, o + (le ? 0 : 4)) : -1) : u32(b, o);
        if (tag === DT_HASH) result.hasHash = true;
        else if (tag === DT_GNU_HASH) result.hasGnuHash = true;
        else if (tag === DT_NEEDED) {
          const name = str(s.link, addr(b, o + (is64 ? 8 : 4)));
          if (name !== null) result.needs.push({ soname: name });
        } else if (tag === DT_SONAME) {
          const name = str(s.link, addr(b, o + (is64 ? 8 : 4)));
          if (name !== null) result.soname = name;
        }
      }
    }
  });
  return result;
}

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
