/**
 * Installed-Size as dpkg-gencontrol computes it (scripts/dpkg-gencontrol.pl,
 * dpkg 1.21.22 lines 338-365): over every object of the installed tree,
 * Σ ceil(size / 1024) for regular files and symlinks (a symlink's size is the
 * length of its target), and 1 for each directory or other object. File::Find
 * visits the top directory too, so the root './' counts 1. (dpkg-gencontrol
 * also walks DEBIAN/ in the build tree; those files are not installed, so they
 * are not counted here.) nFPM and fpm floor the total, which undercounts.
 */
import type { DebTreeEntry } from './tree.js';

export function installedSizeKiB(tree: readonly Pick<DebTreeEntry, 'kind' | 'size'>[]): number {
  let total = 0;
  for (const e of tree) total += e.kind === 'dir' ? 1 : Math.ceil(e.size / 1024);
  return total;
}
