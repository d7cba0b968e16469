/**
 * --arch values: Debian's names (amd64, arm64, armhf, ...), with rpm's
 * (x86_64, aarch64, armv7hl, noarch) accepted and mapped, so one release
 * script can say the same thing to ts2deb and ts2rpm.
 */
import { DataError } from '../core/errors.js';

const RPM_NAMES: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64', armv7hl: 'armhf', armhfp: 'armhf', i686: 'i386', ppc64le: 'ppc64el', noarch: 'all' };
const DEBIAN_NAMES = ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x', 'riscv64', 'all'];

/** The Debian name of an --arch value (undefined stays undefined). @throws DataError (65) naming the field and what is accepted. */
export function debianArch(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (DEBIAN_NAMES.includes(v)) return v;
  const mapped = RPM_NAMES[v];
  if (mapped !== undefined) return mapped;
  throw new DataError('tacd.spec.arch', `${field} '${value}': unknown architecture; expected amd64, arm64 or armhf (or rpm's x86_64, aarch64, armv7hl), ${DEBIAN_NAMES.slice(3, -1).join(', ')} or all`, { field: 'arch' });
}
