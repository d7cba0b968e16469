/**
 * What the host must offer before verify, a rootfs build or a container boot
 * can start: root, and the programs they run. Each failure is one line naming
 * what is missing and how to install it.
 */
import { haveProgram } from '../core/exec.js';
import { NoPermissionError, UnavailableError } from '../core/errors.js';

/** A program and the Debian package that ships it. */
export type ProgramNeed = readonly [program: string, debianPackage: string];

/** Fails with one clear line when this process cannot build or boot containers. */
export function requireRoot(what: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new NoPermissionError('tacd.verify.noperm', `${what} needs root (mount, chroot, systemd-nspawn); run as root`);
  }
}

/** Fails with EX_UNAVAILABLE (69) naming `name` and its Debian package `pkg` when it is not on PATH. */
export async function requireProgram(name: string, pkg: string, what: string): Promise<void> {
  if (!(await haveProgram(name))) {
    throw new UnavailableError('tacd.verify.missing', `${what} needs '${name}' (Debian package ${pkg}); install it with apt-get install ${pkg}`);
  }
}

/** requireProgram() for each, in order: the first missing one is named. */
export async function requirePrograms(needs: readonly ProgramNeed[], what: string): Promise<void> {
  for (const [name, pkg] of needs) await requireProgram(name, pkg, what);
}
