/**
 * The one importer of @electron/asar: packs a staged folder into app.asar,
 * with native addons (*.node) left beside it in app.asar.unpacked. asar
 * records a SHA-256 per file in the header (integrity), which the launcher
 * checks for unpacked files.
 */
import { statSync } from 'node:fs';
import asar from '@electron/asar';
import { TacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';

/** Packs `srcDir` into `dest`; files matching `unpack` (minimatch, matched on the base name) go to `dest + '.unpacked'`. */
export async function packAsar(srcDir: string, dest: string, unpack = '*.node'): Promise<void> {
  await asar.createPackageWithOptions(srcDir, dest, { unpack, dot: true });
  // @electron/asar 3.x resolves as soon as it has called end() on its write
  // stream (lib/disk.js writeFileListToStream: `return out.end()`), before the
  // data is flushed. Under load the archive was read back half written and a
  // package shipped a truncated app.asar. Wait until the file is as long as
  // its own header says it must be.
  await waitForCompleteArchive(dest);
}

async function waitForCompleteArchive(dest: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const expected = expectedArchiveSize(dest);
    if (expected !== undefined && statSync(dest).size === expected) return;
    if (Date.now() > deadline) {
      throw new TacError('tacd.asar.incomplete', `${dest}: the asar archive was not completely written within ${timeoutMs / 1000} s`, { exitCode: ExitCode.IOERR });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface AsarNode {
  readonly files?: Readonly<Record<string, AsarNode>>;
  readonly offset?: string;
  readonly size?: number;
  readonly unpacked?: boolean;
}

// 8 bytes of size pickle + the header pickle + the packed data, which ends with the last file's bytes.
function expectedArchiveSize(dest: string): number | undefined {
  let raw: { header: AsarNode; headerSize: number };
  try {
    raw = asar.getRawHeader(dest) as unknown as { header: AsarNode; headerSize: number };
  } catch {
    return undefined; // the header itself is not on disk yet
  }
  let end = 0;
  const walk = (node: AsarNode): void => {
    if (node.files) for (const child of Object.values(node.files)) walk(child);
    else if (node.offset !== undefined && node.size !== undefined && !node.unpacked) end = Math.max(end, Number(node.offset) + node.size);
  };
  walk(raw.header);
  return 8 + raw.headerSize + end;
}

/** The parsed header of an archive (for tests and `--json` reports). */
export function asarHeader(archive: string): unknown {
  return asar.getRawHeader(archive).header;
}
