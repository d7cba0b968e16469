/**
 * The architecture a package file is for, in Debian's names, read with the
 * format's own tool (dpkg-deb -f, rpm -qp): verify boots a root of that
 * architecture, under qemu when it is not the host's (binfmt.ts).
 */
import { run } from '../core/exec.js';
import { hostDebianArch } from './binfmt.js';

const RPM_TO_DEB: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64', armv7hl: 'armhf', i686: 'i386', ppc64le: 'ppc64el', noarch: 'all' };

async function readArch(pkg: string, format: 'deb' | 'rpm'): Promise<string> {
  if (format === 'deb') return (await run('dpkg-deb', ['-f', pkg, 'Architecture'], { timeoutMs: 30_000 })).stdout.trim();
  const arch = (await run('rpm', ['-qp', '--nosignature', '--qf', '%{ARCH}', pkg], { timeoutMs: 30_000 })).stdout.trim();
  return RPM_TO_DEB[arch] ?? arch;
}

/**
 * The Debian architecture of `pkg` ('all' for arch-independent). A package
 * the host cannot read (no dpkg-deb or rpm here, a damaged file) is taken as
 * the host's: the container's own "package" check then says what is wrong.
 */
export async function packageArch(pkg: string, format: 'deb' | 'rpm'): Promise<string> {
  try {
    return await readArch(pkg, format);
  } catch {
    return hostDebianArch();
  }
}
