/**
 * The two programs that can bootstrap a Debian tree: mmdebstrap (preferred:
 * installs local .debs with apt in one run) and debootstrap (then apt runs in
 * a chroot for the .debs). Their output streams as progress and into a log.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { haveProgram, run, spawnProgram } from '../../core/exec.js';
import { UnavailableError } from '../../core/errors.js';
import { requireProgram } from '../host.js';
import { unmountIfMounted } from '../mounts.js';
import type { RootfsBuilder } from './cache.js';
import { chroot, sh1 } from './image.js';

/** What to bootstrap, and where. */
export interface BootstrapPlan {
  readonly suite: string;
  /** A foreign Debian architecture (mmdebstrap --architectures, run under qemu-user through binfmt_misc); none: the host's. */
  readonly arch?: string;
  /** The directory to fill (a tmpfs, mode 0755). */
  readonly target: string;
  readonly packages: readonly string[];
  /** Local .deb files installed on top (apt resolves their dependencies). */
  readonly debs: readonly string[];
  /** Debian source lines ("deb URI SUITE COMPONENTS"); none: the builder's default mirror. */
  readonly sources: readonly string[];
  readonly logFile: string;
  readonly progress: (line: string) => void;
}

/** The builder asked for (it must be installed), else mmdebstrap, else debootstrap. */
export async function chooseBuilder(wanted: RootfsBuilder | undefined): Promise<RootfsBuilder> {
  if (wanted) {
    await requireProgram(wanted, wanted, 'building the test rootfs');
    return wanted;
  }
  if (await haveProgram('mmdebstrap')) return 'mmdebstrap';
  if (await haveProgram('debootstrap')) return 'debootstrap';
  throw new UnavailableError('tacd.verify.missing', 'building the test rootfs needs mmdebstrap or debootstrap; install it with apt-get install mmdebstrap');
}

/** A builder's I:/W:/E: line worth showing as progress (its chatter dropped), or undefined. */
export function progressLine(file: string, line: string): string | undefined {
  if (!/^(I|W|E): /.test(line) || /^I: (running|using|automatically|skipping)/.test(line)) return undefined;
  return `${file}: ${line.slice(3)}`;
}

/** The last 3 lines of a log, for the error message. */
async function logTail(logFile: string): Promise<string> {
  try {
    return (await fs.readFile(logFile, 'utf8')).trim().split('\n').slice(-3).join(' / ');
  } catch {
    return '';
  }
}

/** Runs a builder, streaming its I:/W:/E: lines as progress and its whole output to `logFile`. */
async function runBuilder(file: string, args: readonly string[], logFile: string, progress: (l: string) => void): Promise<void> {
  const log = await fs.open(logFile, 'w');
  const t0 = Date.now();
  const { child } = await spawnProgram(file, args, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, all: false });
  const beat = setInterval(() => progress(`${file} still running (${Math.round((Date.now() - t0) / 1000)} s)`), 15_000);
  const onData = (chunk: Buffer): void => {
    void log.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      const shown = progressLine(file, line);
      if (shown !== undefined) progress(shown);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const r = await child;
  clearInterval(beat);
  await log.close();
  if (r.exitCode === 0) return;
  throw new UnavailableError('tacd.verify.rootfs', `${file} failed (exit ${r.exitCode ?? r.signal}); log ${logFile}: ${await logTail(logFile)}`);
}

/** mmdebstrap's hooks for one local .deb: copied in, installed with apt, removed. */
function debHooks(deb: string): string[] {
  const inside = `/tmp/${path.basename(deb)}`;
  return [
    `--customize-hook=copy-in ${deb} /tmp`,
    `--customize-hook=chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${sh1(inside)}`,
    `--customize-hook=rm -f "$1"${sh1(inside)}`,
  ];
}

/** The mmdebstrap command line for a plan. */
export function mmdebstrapArgs(p: Pick<BootstrapPlan, 'suite' | 'target' | 'packages' | 'debs' | 'sources' | 'arch'>): string[] {
  return [
    '--mode=root',
    ...(p.arch !== undefined ? [`--architectures=${p.arch}`] : []),
    '--variant=minbase',
    `--include=${p.packages.join(',')}`,
    // keep apt's lists so `apt-get install ./x.deb` resolves dependencies inside
    '--skip=cleanup/apt/lists',
    // local .debs: copied in and installed with apt (which fetches their dependencies)
    ...p.debs.flatMap(debHooks),
    p.suite,
    p.target,
    ...p.sources,
  ];
}

/** The debootstrap command line: the mirror of the suite's own source line, if any. */
export function debootstrapArgs(p: Pick<BootstrapPlan, 'suite' | 'target' | 'packages' | 'sources'>): string[] {
  const main = p.sources.find((s) => s.split(/\s+/).includes(p.suite));
  const mirror = main?.replace(/^deb (\[[^\]]*\] )?/, '').split(/\s+/)[0];
  return ['--variant=minbase', `--include=${p.packages.join(',')}`, p.suite, p.target, ...(mirror ? [mirror] : [])];
}

/** apt-get update, then each local .deb installed with apt, in a chroot with /proc mounted. */
async function installDebsInChroot(p: BootstrapPlan): Promise<void> {
  await run('mount', ['-t', 'proc', 'proc', path.join(p.target, 'proc')]);
  try {
    p.progress('apt-get update inside the rootfs');
    await chroot(p.target, 'apt-get update -q >/dev/null');
    for (const deb of p.debs) {
      const inside = sh1(`/tmp/${path.basename(deb)}`);
      p.progress(`installing ${path.basename(deb)} inside the rootfs`);
      await fs.copyFile(deb, path.join(p.target, 'tmp', path.basename(deb)));
      await chroot(p.target, `apt-get install -y -q --no-install-recommends ${inside} >/dev/null; rm -f ${inside}`);
    }
  } finally {
    await unmountIfMounted(path.join(p.target, 'proc'));
  }
}

async function debootstrap(p: BootstrapPlan): Promise<void> {
  await runBuilder('debootstrap', debootstrapArgs(p), p.logFile, p.progress);
  if (p.sources.length) await fs.writeFile(path.join(p.target, 'etc/apt/sources.list'), `${p.sources.join('\n')}\n`);
  await fs.copyFile('/etc/resolv.conf', path.join(p.target, 'etc/resolv.conf')).catch(() => undefined);
  await installDebsInChroot(p);
}

/** Fills p.target with a minbase Debian plus p.packages and p.debs. */
export async function bootstrap(builder: RootfsBuilder, p: BootstrapPlan): Promise<void> {
  if (builder === 'mmdebstrap') await runBuilder('mmdebstrap', mmdebstrapArgs(p), p.logFile, p.progress);
  else if (p.arch !== undefined) throw new UnavailableError('tacd.verify.missing', `building an ${p.arch} rootfs needs mmdebstrap (debootstrap's two stages are not supported); apt-get install mmdebstrap`);
  else await debootstrap(p);
}
