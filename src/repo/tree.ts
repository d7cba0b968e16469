/** Writing a generation's files: new bytes, and package files hard-linked (else copied) from the previous generation. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CantCreateError } from '../core/errors.js';

function cantWrite(file: string, e: unknown): CantCreateError {
  return new CantCreateError(file, `${file}: cannot be written: ${(e as Error).message}`, { code: 'repo.write', cause: e });
}

/** Writes `data` at `root/rel` (parents created, mode 0644). */
export async function writeAt(root: string, rel: string, data: Uint8Array): Promise<void> {
  const file = path.join(root, rel);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await fs.writeFile(file, data, { mode: 0o644 });
  } catch (e) {
    throw cantWrite(file, e);
  }
}

/** Makes `root/rel` the same file as `from`: a hard link, or a copy across file systems. */
export async function linkAt(root: string, rel: string, from: string): Promise<void> {
  const file = path.join(root, rel);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await fs.link(from, file).catch(() => fs.copyFile(from, file));
  } catch (e) {
    throw cantWrite(file, e);
  }
}
