/**
 * What a purged (erased) package must not leave behind: its unit and
 * enablement links, helper state, /etc/default|sysconfig/NAME,
 * /var/lib|log/NAME and every file of its payload. The system user is kept on
 * purpose (Debian policy) and not looked for here.
 */
import { TacError } from '../core/errors.js';
import type { Container } from './container.js';
import type { PackageInfo } from './package-info.js';
import type { PackageFormat } from './verify.js';

/** The fixed paths a package NAME with `unit` may have created. */
export function fixedCandidates(name: string, unit: string): string[] {
  return [
    `/lib/systemd/system/${unit}`,
    `/usr/lib/systemd/system/${unit}`,
    `/etc/systemd/system/${unit}`,
    `/etc/default/${name}`,
    `/etc/sysconfig/${name}`,
    `/etc/init.d/${name}`,
    `/var/lib/${name}`,
    `/var/log/${name}`,
    `/run/${name}`,
    `/usr/lib/${name}`,
    `/etc/systemd/system/${unit}.d`,
  ];
}

/** Prints each argument that exists, then the links found by name ($U the unit, $N the package). */
const LEFTOVER_SCRIPT = [
  'for p in "$@"; do if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi; done',
  // enablement symlinks, deb-systemd-helper state, SysV links
  'find /etc/systemd/system -name "$U" 2>/dev/null',
  'find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name "*$U*" 2>/dev/null',
  'find /etc/rc0.d /etc/rc1.d /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d /etc/rc6.d /etc/rcS.d -name "[SK][0-9][0-9]$N" 2>/dev/null',
].join('\n');

/** The script's output as a sorted list (rpm: an edited %config kept as .rpmsave is no leftover). */
export function leftoverList(stdout: string, format: PackageFormat): string[] {
  let left = [...new Set(stdout.split('\n').filter(Boolean))];
  // rpm keeps an edited %config as .rpmsave on purpose; verify edits nothing before erase.
  if (format === 'rpm') left = left.filter((p) => !p.endsWith('.rpmsave'));
  return left.sort();
}

/** Paths left after purge/erase (see the module comment). */
export async function leftovers(c: Container, info: PackageInfo, unit: string, format: PackageFormat): Promise<string[]> {
  // an empty unit would make `find -name "$U"` match every file
  if (!unit || !info.name) throw new TacError('tacd.verify.internal', 'leftovers() needs the package name and its unit');
  const candidates = [...new Set([...fixedCandidates(info.name, unit), ...info.files, ...info.ownDirs])];
  const r = await c.exec(['env', `U=${unit}`, `N=${info.name}`, 'sh', '-c', LEFTOVER_SCRIPT, 'sh', ...candidates]);
  return leftoverList(r.stdout, format);
}
