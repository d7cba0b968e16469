/**
 * Every ELF file a package ships (the app folder: addons, prebuilt helpers,
 * run-time files) must be for the package's architecture: a cross build that
 * picked up a host binary is refused naming the file, before anything is written.
 */
import { DataError, isTacError } from '../core/errors.js';
import type { BundledFile } from '../bundle/bundle.js';
import { elfDebianArch } from '../bundle/elf.js';

const isElf = (d: Uint8Array): boolean => d.length >= 20 && d[0] === 0x7f && d[1] === 0x45 && d[2] === 0x4c && d[3] === 0x46;

/** The Debian arch of an ELF file's bytes, or a description of why it has none. */
function archOf(data: Uint8Array, file: string): string {
  try {
    return elfDebianArch(data.subarray(0, 20), file, true);
  } catch (e) {
    if (isTacError(e)) return 'an unsupported machine';
    throw e;
  }
}

/**
 * @throws DataError (65) naming the first ELF file under `dir` whose machine
 * is not `arch` (an 'all' package has no machine to match and is not checked).
 */
export function checkShippedElf(dir: string, files: readonly BundledFile[], arch: string): void {
  if (arch === 'all') return;
  for (const f of files) {
    if (!isElf(f.data)) continue;
    const got = archOf(f.data, `${dir}/${f.rel}`);
    if (got !== arch) {
      throw new DataError('tacd.elf.arch', `${dir}/${f.rel} is ${got === 'an unsupported machine' ? got : `an ${got} binary`}, but the package is for ${arch}: ship a build for ${arch} or leave the file out`, { field: 'arch' });
    }
  }
}
