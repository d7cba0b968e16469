/**
 * What elfdeps reads from an ELF file: its class and machine, whether it is a
 * program (PT_INTERP), its DT_NEEDED entries and version needs in section
 * order, its DT_SONAME and hash sections. Read through a ReadAt, so a node
 * binary of 100 MB is never read whole; a malformed file is one DataError.
 */
import { DataError } from '../core/errors.js';
import type { ElfDynamic, ElfNeed, ReadAt } from './elf.js';

const SHT_STRTAB = 3;
const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_HASH = 4;
const DT_SONAME = 14;
const DT_GNU_HASH = 0x6ffffef5;

interface Section {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
}

type Result = { -readonly [K in keyof ElfDynamic]: ElfDynamic[K] } & { needs: ElfNeed[] };

/** One file's bytes, read with bounds checked and in its byte order. */
class ElfFile {
  is64 = false;
  le = true;
  readonly sections: Section[] = [];
  private readonly contents = new Map<number, Uint8Array>();
  private readonly decoder = new TextDecoder();

  private readonly read: ReadAt;
  readonly size: number;
  private readonly label: string;
  private readonly field: string;

  constructor(read: ReadAt, size: number, label: string, field: string) {
    this.read = read;
    this.size = size;
    this.label = label;
    this.field = field;
  }

  bad(what: string): never {
    throw new DataError('tacd.elf.malformed', `${this.label}: malformed ELF file (${what})`, { field: this.field });
  }

  exact(offset: number, length: number, what: string): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.size) this.bad(`${what} at ${offset}+${length} is beyond the end of the file (${this.size} bytes)`);
    const b = this.read(offset, length);
    if (b.length < length) this.bad(`${what} at ${offset}+${length} is beyond the end of the file`);
    return b;
  }

  private view(b: Uint8Array): DataView {
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  u16(b: Uint8Array, o: number): number {
    return this.view(b).getUint16(o, this.le);
  }

  u32(b: Uint8Array, o: number): number {
    return this.view(b).getUint32(o, this.le);
  }

  /** An address or offset: 32 or 64 bits by the class. */
  addr(b: Uint8Array, o: number): number {
    if (!this.is64) return this.u32(b, o);
    const n = this.view(b).getBigUint64(o, this.le);
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? this.bad(`offset ${n} out of range`) : Number(n);
  }

  /** Section `i`'s bytes (read once). */
  body(i: number): Uint8Array {
    let b = this.contents.get(i);
    if (!b) {
      const s = this.sections[i]!;
      b = this.exact(s.offset, s.size, `section ${i}`);
      this.contents.set(i, b);
    }
    return b;
  }

  /** elf_strptr: a NUL-terminated string inside a SHT_STRTAB section, or null. */
  str(strtab: number, off: number): string | null {
    const s = this.sections[strtab];
    if (!s || s.type !== SHT_STRTAB || off >= s.size) return null;
    const b = this.body(strtab);
    const end = b.indexOf(0, off);
    return end < 0 ? null : this.decoder.decode(b.subarray(off, end));
  }
}

// e_ident: the magic, the class and the byte order.
function readIdent(f: ElfFile): void {
  const ident = f.exact(0, 16, 'the ELF header');
  if (ident[0] !== 0x7f || ident[1] !== 0x45 || ident[2] !== 0x4c || ident[3] !== 0x46) f.bad('no ELF magic');
  if (ident[4] !== 1 && ident[4] !== 2) f.bad(`EI_CLASS ${ident[4]}`);
  if (ident[5] !== 1 && ident[5] !== 2) f.bad(`EI_DATA ${ident[5]}`);
  f.is64 = ident[4] === 2;
  f.le = ident[5] === 1;
}

function sectionAt(f: ElfFile, shoff: number, shentsize: number, i: number): Section {
  const h = f.exact(shoff + i * shentsize, f.is64 ? 64 : 40, `section header ${i}`);
  return f.is64
    ? { type: f.u32(h, 4), offset: f.addr(h, 24), size: f.addr(h, 32), link: f.u32(h, 40), info: f.u32(h, 44) }
    : { type: f.u32(h, 4), offset: f.u32(h, 16), size: f.u32(h, 20), link: f.u32(h, 24), info: f.u32(h, 28) };
}

// Section headers (extended numbering: e_shnum 0 / e_phnum 0xffff live in section 0); returns e_phnum.
function readSections(f: ElfFile, eh: Uint8Array, phnum: number): number {
  const shoff = f.addr(eh, f.is64 ? 40 : 32);
  const shentsize = f.u16(eh, f.is64 ? 58 : 46);
  if (shoff === 0) return phnum;
  if (shentsize < (f.is64 ? 64 : 40)) f.bad(`e_shentsize ${shentsize}`);
  const first = sectionAt(f, shoff, shentsize, 0);
  const shnum = f.u16(eh, f.is64 ? 60 : 48) || first.size;
  f.sections.push(first);
  for (let i = 1; i < shnum; i++) f.sections.push(sectionAt(f, shoff, shentsize, i));
  return phnum === 0xffff ? first.info : phnum;
}

// PT_INTERP (elfdeps: a program that is not executable generates no requires).
function hasInterp(f: ElfFile, eh: Uint8Array, phnum: number): boolean {
  const phoff = f.addr(eh, f.is64 ? 32 : 28);
  const phentsize = f.u16(eh, f.is64 ? 54 : 42);
  const phdrSize = f.is64 ? 56 : 32;
  if (phoff === 0) return false;
  if (phnum > 0 && phentsize < phdrSize) f.bad(`e_phentsize ${phentsize}`);
  for (let i = 0; i < phnum; i++) {
    const p = f.exact(phoff + i * phentsize, phdrSize, `program header ${i}`);
    if (f.u32(p, 0) === PT_INTERP && f.addr(p, f.is64 ? 8 : 4) < f.size) return true;
  }
  return false;
}

// Elf_Verneed {vn_version u16, vn_cnt u16, vn_file, vn_aux, vn_next}, Elf_Vernaux {vna_hash, vna_flags u16, vna_other u16, vna_name, vna_next}: 16 bytes each, 4-aligned.
function versionNeeds(f: ElfFile, i: number, out: ElfNeed[]): void {
  const s = f.sections[i]!;
  const b = f.body(i);
  const fits = (o: number): boolean => o >= 0 && o % 4 === 0 && o + 16 <= b.length;
  let offset = 0;
  for (let n = s.info; n > 0 && fits(offset); n--) {
    const file = f.str(s.link, f.u32(b, offset + 4));
    if (file === null) return;
    let aux = offset + f.u32(b, offset + 8);
    for (let j = f.u16(b, offset + 2); j > 0 && fits(aux); j--) {
      const version = f.str(s.link, f.u32(b, aux + 8));
      if (version === null) break;
      out.push({ soname: file, version });
      aux += f.u32(b, aux + 12);
    }
    offset += f.u32(b, offset + 12);
  }
}

// d_tag is signed; the tags we want are small positive numbers (high word 0).
function dynTag(f: ElfFile, b: Uint8Array, o: number): number {
  if (!f.is64) return f.u32(b, o);
  return f.u32(b, o + (f.le ? 4 : 0)) === 0 ? f.u32(b, o + (f.le ? 0 : 4)) : -1;
}

function dynamicEntries(f: ElfFile, i: number, result: Result): void {
  const link = f.sections[i]!.link;
  const entry = f.is64 ? 16 : 8;
  const b = f.body(i);
  for (let o = 0; o + entry <= b.length; o += entry) {
    const tag = dynTag(f, b, o);
    if (tag === DT_HASH) result.hasHash = true;
    else if (tag === DT_GNU_HASH) result.hasGnuHash = true;
    else if (tag === DT_NEEDED || tag === DT_SONAME) {
      const name = f.str(link, f.addr(b, o + (f.is64 ? 8 : 4)));
      if (name !== null && tag === DT_NEEDED) result.needs.push({ soname: name });
      else if (name !== null) result.soname = name;
    }
  }
}

/**
 * Parses the dynamic dependencies of an ELF file of `size` bytes read through
 * `read`. A file without section headers yields no needs (as elfdeps: it reads
 * sections). @throws DataError (starting with `label`) for a truncated or
 * malformed file.
 */
export function parseElfDynamic(read: ReadAt, size: number, label: string, field = 'node'): ElfDynamic {
  const f = new ElfFile(read, size, label, field);
  readIdent(f);
  const eh = f.exact(0, f.is64 ? 64 : 52, 'the ELF header');
  const type = f.u16(eh, 16);
  const loadable = type === 2 || type === 3;
  const result: Result = { class64: f.is64, machine: f.u16(eh, 18), loadable, hasInterp: false, needs: [], hasHash: false, hasGnuHash: false };
  if (!loadable) return result;
  const phnum = readSections(f, eh, f.u16(eh, f.is64 ? 56 : 44));
  result.hasInterp = hasInterp(f, eh, phnum);
  f.sections.forEach((s, i) => {
    if (s.type === SHT_GNU_VERNEED) versionNeeds(f, i, result.needs);
    else if (s.type === SHT_DYNAMIC) dynamicEntries(f, i, result);
  });
  return result;
}
