/**
 * The 96-byte lead (docs/manual/format_lead.md): obsolete but still required.
 * rpm only checks the magic and the major version; the rest is informational.
 */

export const LEAD_SIZE = 96;
export const LEAD_MAGIC = Uint8Array.of(0xed, 0xab, 0xee, 0xdb);

/** Architecture numbers from rpmrc's arch_canon table (noarch has none; rpm ignores the field). */
const ARCH_NUM: Readonly<Record<string, number>> = {
  x86_64: 1,
  i686: 1,
  i386: 1,
  aarch64: 19,
  armv7hl: 12,
  ppc64le: 16,
  s390x: 15,
  riscv64: 22,
};

export interface LeadOptions {
  /** "name-version-release", truncated to 65 bytes. */
  readonly nvr: string;
  readonly arch: string;
  readonly source: boolean;
}

export function encodeLead(o: LeadOptions): Uint8Array {
  const out = new Uint8Array(LEAD_SIZE);
  const v = new DataView(out.buffer);
  out.set(LEAD_MAGIC, 0);
  out[4] = 3; // major
  out[5] = 0; // minor
  v.setUint16(6, o.source ? 1 : 0); // type: 0 binary, 1 source
  v.setUint16(8, ARCH_NUM[o.arch] ?? 0);
  // name[66]: NUL-terminated, at most 65 bytes (cut on a byte boundary, as rpm does).
  const name = new TextEncoder().encode(o.nvr).subarray(0, 65);
  out.set(name, 10);
  v.setUint16(76, 1); // osnum: Linux
  v.setUint16(78, 5); // signature_type: RPMSIGTYPE_HEADERSIG
  // 16 reserved bytes stay zero.
  return out;
}
