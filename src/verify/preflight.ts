/**
 * What verify checks before any container boots: the package files exist,
 * have the format's extension and magic bytes, and the host can boot
 * containers (root, systemd-nspawn, nsenter).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError, NoInputError } from '../core/errors.js';
import { requirePrograms, requireRoot } from './host.js';
import type { PackageFormat } from './verify.js';

/**
 * Host requirements in the order a person fixes them: root (77), then
 * systemd-nspawn / nsenter (69). A rootfs builder (mmdebstrap or debootstrap)
 * is needed only when the rootfs is not cached: ensureRootfs() asks for it then.
 */
export async function verifyPreflight(): Promise<void> {
  requireRoot('verify');
  await requirePrograms(
    [
      ['systemd-nspawn', 'systemd-container'],
      ['nsenter', 'util-linux'],
    ],
    'verify',
  );
}

/** Fails with EX_NOINPUT (66) unless `file` is a readable regular file. */
export function requirePackageFile(file: string, what: string): string {
  const p = path.resolve(file);
  let ok = false;
  try {
    ok = statSync(p).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw new NoInputError(p, `${what} not found: ${p}`, { code: 'verify.package.missing' });
  return p;
}

// deb(5): an ar archive whose first member is debian-binary; RPM: the lead's magic ED AB EE DB.
const PACKAGE_MAGIC: Readonly<Record<PackageFormat, Buffer>> = {
  deb: Buffer.from('!<arch>\ndebian-binary'),
  rpm: Buffer.from([0xed, 0xab, 0xee, 0xdb]),
};

/** True when the file starts like a package of that format; checked before any container boots. */
export function hasPackageMagic(file: string, format: PackageFormat): boolean {
  const want = PACKAGE_MAGIC[format];
  const got = Buffer.alloc(want.length);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, got, 0, want.length, 0) === want.length && got.equals(want);
  } finally {
    closeSync(fd);
  }
}

/** The package files of a run, as absolute paths. */
export interface PackageFiles {
  readonly pkg: string;
  readonly old: string | undefined;
}

/** Fails with 65 unless `file` ends in the format's extension. */
function requireExtension(file: string, format: PackageFormat): void {
  const ext = `.${format}`;
  if (!file.endsWith(ext)) throw new DataError('verify.package.format', `${file}: expected a ${ext} file`);
}

/** Fails with 65 unless `file` starts with the format's magic bytes. */
function requireMagic(file: string, format: PackageFormat): void {
  if (hasPackageMagic(file, format)) return;
  const what = format === 'deb' ? 'Debian ar archive' : 'RPM lead';
  throw new DataError('verify.package.format', `${file}: not a .${format} package (its first bytes are not a ${what})`);
}

/** The package files checked in this order: present (66), extension (65), host (77, 69), magic (65). */
export async function checkPackageFiles(o: { readonly pkg: string; readonly upgradeFrom?: string; readonly format: PackageFormat }): Promise<PackageFiles> {
  const pkg = requirePackageFile(o.pkg, 'package');
  const old = o.upgradeFrom === undefined ? undefined : requirePackageFile(o.upgradeFrom, '--upgrade-from package');
  const files = old === undefined ? [pkg] : [pkg, old];
  for (const p of files) requireExtension(p, o.format);
  await verifyPreflight();
  // Read only as root (after the preflight), and before any container boots.
  for (const p of files) requireMagic(p, o.format);
  return { pkg, old };
}
