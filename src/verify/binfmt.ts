/**
 * A foreign-arch package (arm64 or armhf on an amd64 host) runs under
 * qemu-user-static through binfmt_misc, registered with the F flag: the
 * kernel opens the interpreter when it is registered, so it works inside the
 * container's own root too. requireBinfmt mounts binfmt_misc and enables
 * the qemu entry (update-binfmts, binfmt-support) when it can, and otherwise
 * says what the host needs (69).
 */
import { existsSync, readFileSync } from 'node:fs';
import { UnavailableError } from '../core/errors.js';
import { haveProgram, run } from '../core/exec.js';

/** This host's Debian architecture (node's process.arch, mapped). */
export function hostDebianArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch] ?? process.arch;
}

const BINFMT = '/proc/sys/fs/binfmt_misc';

/** qemu's name for a Debian architecture. */
const QEMU: Readonly<Record<string, string>> = { arm64: 'aarch64', armhf: 'arm', amd64: 'x86_64', i386: 'i386', ppc64el: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** True when `arch` needs emulation here (not the host's, not 'all'). */
export function isForeign(arch: string): boolean {
  return arch !== 'all' && arch !== hostDebianArch();
}

/** The state of a registered entry: enabled with the F flag, or why not. */
export function entryProblem(text: string | undefined): string | undefined {
  if (text === undefined) return 'not registered';
  if (!/^enabled$/m.test(text)) return 'registered but disabled';
  const flags = /^flags:\s*(\S*)/m.exec(text)?.[1] ?? '';
  return flags.includes('F') ? undefined : `registered without the F flag (flags: ${flags || 'none'})`;
}

const readEntry = (name: string): string | undefined => (existsSync(`${BINFMT}/${name}`) ? readFileSync(`${BINFMT}/${name}`, 'utf8') : undefined);

/** Mounts binfmt_misc and enables the Debian qemu entry; failures are left for the check after. */
async function tryRegister(name: string): Promise<void> {
  if (!existsSync(`${BINFMT}/status`)) await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT], { allowFailure: true, timeoutMs: 10_000 });
  if (readEntry(name) === undefined && (await haveProgram('update-binfmts'))) await run('update-binfmts', ['--enable', name], { allowFailure: true, timeoutMs: 30_000 });
}

/**
 * Makes sure `arch` binaries run here. @throws UnavailableError (69) naming
 * the entry, its problem and the commands that fix it.
 */
export async function requireBinfmt(arch: string): Promise<void> {
  const qemu = QEMU[arch];
  const name = `qemu-${qemu ?? arch}`;
  if (qemu === undefined || !(existsSync(`/usr/libexec/qemu-binfmt/${qemu}-binfmt-P`) || (await haveProgram(`qemu-${qemu}-static`)))) {
    throw new UnavailableError('tacd.verify.qemu', `verifying an ${arch} package on this ${hostDebianArch()} host needs qemu-user-static: apt-get install qemu-user-static binfmt-support`);
  }
  await tryRegister(name);
  const problem = entryProblem(readEntry(name));
  if (problem === undefined) return;
  throw new UnavailableError('tacd.verify.binfmt', `verifying an ${arch} package needs ${BINFMT}/${name} enabled with the F flag, but it is ${problem}: mount -t binfmt_misc binfmt_misc ${BINFMT}; update-binfmts --enable ${name} (a container host must allow binfmt_misc)`);
}
