/**
 * The set-up steps every freshly built image gets (whichever builder made
 * it): hostname, empty machine-id, no policy-rc.d, no recommends, noisy units
 * masked, rpm's database where an RPM distribution keeps it. Bump
 * RECIPE_VERSION (cache.ts) when they change.
 */
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../core/exec.js';

/** Units that are useless or noisy in a throwaway test container; masked in the image. */
export const MASKED_UNITS: readonly string[] = [
  'systemd-timesyncd.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'console-getty.service',
  'systemd-networkd-wait-online.service',
];

const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs a shell script in `root` with a clean, non-interactive environment. */
export async function chroot(root: string, script: string, timeoutMs = 600_000): Promise<void> {
  await run('chroot', [root, '/bin/sh', '-ec', script], {
    env: { PATH: CHROOT_PATH, LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive', HOME: '/root' },
    extendEnv: false,
    timeoutMs,
  });
}

/** Single-quotes `s` for sh. */
export function sh1(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Masks `units` in the image's /etc/systemd/system (a link to /dev/null each). */
export async function maskUnits(root: string, units: readonly string[]): Promise<void> {
  const sysdir = path.join(root, 'etc/systemd/system');
  await fs.mkdir(sysdir, { recursive: true });
  for (const u of units) {
    await fs.rm(path.join(sysdir, u), { force: true });
    await fs.symlink('/dev/null', path.join(sysdir, u));
  }
}

/** Identity and apt: hostname, machine-id, policy-rc.d, no recommends. */
async function configureBase(root: string): Promise<void> {
  await fs.writeFile(path.join(root, 'etc/hostname'), 'tacd\n');
  // Empty machine-id: systemd-nspawn hands the container an id at each boot.
  await fs.writeFile(path.join(root, 'etc/machine-id'), '');
  await fs.rm(path.join(root, 'var/lib/dbus/machine-id'), { force: true });
  // A policy-rc.d that exits 101 makes deb-systemd-invoke skip starting services.
  await fs.rm(path.join(root, 'usr/sbin/policy-rc.d'), { force: true });
  await fs.mkdir(path.join(root, 'etc/apt/apt.conf.d'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/apt/apt.conf.d/99tacd-norecommends'), 'APT::Install-Recommends "false";\n');
}

/**
 * Debian's rpm keeps its database in ~/.rpmdb; make it behave like an RPM
 * distribution (/var/lib/rpm), so rpm -qa, scriptlets and tests agree.
 */
async function configureRpm(root: string): Promise<void> {
  if (!existsSync(path.join(root, 'usr/bin/rpm'))) return;
  await fs.mkdir(path.join(root, 'etc/rpm'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/rpm/macros.tacd'), '%_dbpath /var/lib/rpm\n');
  await chroot(root, 'mkdir -p /var/lib/rpm && rpm --initdb');
}

/** Image set-up shared by both builders. */
export async function configureImage(root: string): Promise<void> {
  await configureBase(root);
  await maskUnits(root, MASKED_UNITS);
  await configureRpm(root);
  await chroot(root, 'apt-get clean');
}
