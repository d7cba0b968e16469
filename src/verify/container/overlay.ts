/**
 * The container's root: an overlay of the read-only rootfs (lower) with a
 * tmpfs as the writable layer, so every boot starts from the pristine image
 * and the writes vanish with one umount.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../../core/exec.js';
import { maskUnits } from '../rootfs/image.js';
import type { StatePaths } from './state.js';

/** The mount(8) options of the overlay. */
export function overlayOptions(lower: string, rw: string): string {
  return `lowerdir=${lower},upperdir=${rw}/upper,workdir=${rw}/work`;
}

/** Mounts the tmpfs (`size`, e.g. 4G) on p.rw and the overlay of `lower` on p.merged. */
export async function mountOverlay(p: StatePaths, lower: string, size: string): Promise<void> {
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tacd-overlay', p.rw]);
  await fs.mkdir(path.join(p.rw, 'upper'), { mode: 0o755 });
  await fs.mkdir(path.join(p.rw, 'work'), { mode: 0o755 });
  await run('mount', ['-t', 'overlay', 'tacd-overlay', '-o', overlayOptions(lower, p.rw), p.merged]);
  await fs.chmod(p.merged, 0o755);
}

/** Changes to the merged tree before boot: no policy-rc.d, `units` masked. */
export async function prepareRoot(merged: string, units: readonly string[]): Promise<void> {
  // A policy-rc.d that exits 101 makes deb-systemd-invoke silently skip starts (overlay whiteout).
  await fs.rm(path.join(merged, 'usr/sbin/policy-rc.d'), { force: true });
  if (units.length) await maskUnits(merged, units);
}
