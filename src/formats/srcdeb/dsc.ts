/**
 * The .dsc control file (dsc(5)), in the field order dpkg-source -b writes:
 * Format, Source, Binary, Architecture, Version, Maintainer, Homepage,
 * Standards-Version, Build-Depends, Package-List, Checksums-Sha1,
 * Checksums-Sha256, Files. The three checksum fields list every file of the
 * source package as "checksum size name" continuation lines under an empty
 * first line; Files carries MD5.
 */
import { createHash } from 'node:crypto';
import type { PackagePlan } from '../plan.js';
import { BUILD_DEPENDS, STANDARDS_VERSION } from './debian-dir.js';
import { fullVersion, type SourceFormat } from './version.js';

/** A file of the source package with its checksums. */
export interface SourceFileSums {
  readonly name: string;
  readonly size: number;
  readonly md5: string;
  readonly sha1: string;
  readonly sha256: string;
}

export function fileSums(name: string, bytes: Uint8Array): SourceFileSums {
  const hex = (alg: string): string => createHash(alg).update(bytes).digest('hex');
  return { name, size: bytes.length, md5: hex('md5'), sha1: hex('sha1'), sha256: hex('sha256') };
}

/** A deb822 multi-line field: empty first line, then one " value" line each. */
export function multiline(field: string, lines: readonly string[]): string {
  return `${field}:\n${lines.map((l) => ` ${l}\n`).join('')}`;
}

export function checksumFields(files: readonly SourceFileSums[]): string {
  return (
    multiline('Checksums-Sha1', files.map((f) => `${f.sha1} ${f.size} ${f.name}`)) +
    multiline('Checksums-Sha256', files.map((f) => `${f.sha256} ${f.size} ${f.name}`)) +
    multiline('Files', files.map((f) => `${f.md5} ${f.size} ${f.name}`))
  );
}

/** The Package-List line dpkg-source writes for the one binary package ('unknown' for a missing section/priority). */
export function packageListLine(plan: PackagePlan): string {
  const m = plan.meta;
  return `${m.name} deb ${m.section ?? 'unknown'} ${m.priority ?? 'unknown'} arch=${m.arch}`;
}

/** The .dsc text (unsigned). `files` in the order of the source package: orig, debian (or the native tarball). */
export function renderDsc(plan: PackagePlan, format: SourceFormat, files: readonly SourceFileSums[]): string {
  const m = plan.meta;
  const fields: [string, string | undefined][] = [
    ['Format', format],
    ['Source', m.name],
    ['Binary', m.name],
    ['Architecture', m.arch],
    ['Version', fullVersion(m)],
    ['Maintainer', m.maintainer],
    ['Homepage', m.homepage],
    ['Standards-Version', STANDARDS_VERSION],
    ['Build-Depends', BUILD_DEPENDS],
  ];
  const head = fields
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
  return head + multiline('Package-List', [packageListLine(plan)]) + checksumFields(files);
}
