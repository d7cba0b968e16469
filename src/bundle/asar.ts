/**
 * The one importer of @electron/asar: packs a staged folder into app.asar,
 * with native addons (*.node) left beside it in app.asar.unpacked. asar
 * records a SHA-256 per file in the header (integrity), which the launcher
 * checks for unpacked files.
 */
import asar from '@electron/asar';

/** Packs `srcDir` into `dest`; files matching `unpack` (minimatch, matched on the base name) go to `dest + '.unpacked'`. */
export async function packAsar(srcDir: string, dest: string, unpack = '*.node'): Promise<void> {
  await asar.createPackageWithOptions(srcDir, dest, { unpack, dot: true });
}

/** The parsed header of an archive (for tests and `--json` reports). */
export function asarHeader(archive: string): unknown {
  return asar.getRawHeader(archive).header;
}
