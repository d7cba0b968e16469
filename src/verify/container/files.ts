/**
 * Files inside a running container, reached from the host through
 * /proc/<leader>/root with every symlink resolved the way the container
 * would (an absolute target stays inside, never reaching the host's file).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../core/errors.js';
import type { CopyInOptions } from '../container.js';

const partsOf = (p: string): string[] => p.split('/').filter((x) => x && x !== '.');

/** Resolves `containerPath` under `rootDir` the way the container would (absolute symlinks stay inside). */
export async function resolveInside(rootDir: string, containerPath: string, createParents: boolean): Promise<string> {
  const parts = partsOf(containerPath);
  const resolved: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(rootDir, ...resolved, part);
    const st = await fs.lstat(candidate).catch(() => undefined);
    // Every symlink is followed here, the last component's too: fs would otherwise
    // follow an absolute target on the host.
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new DataError('tacd.verify.path', `too many symlinks resolving ${containerPath} in the container`);
      const target = await fs.readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      parts.unshift(...partsOf(target));
      continue;
    }
    if (!st && parts.length > 0 && createParents) await fs.mkdir(candidate, { mode: 0o755 });
    resolved.push(part);
  }
  return path.join(rootDir, ...resolved);
}

/** Copies a host file or directory to `containerPath` (parents created). */
export async function copyInto(rootDir: string, hostPath: string, containerPath: string, o: CopyInOptions = {}): Promise<void> {
  const dest = await resolveInside(rootDir, containerPath, true);
  await fs.cp(hostPath, dest, { recursive: true, force: true, preserveTimestamps: true });
  if (o.mode !== undefined) await fs.chmod(dest, o.mode);
}

/** Writes `data` to `containerPath` (parents created), with `mode` when given. */
export async function writeInto(rootDir: string, containerPath: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const dest = await resolveInside(rootDir, containerPath, true);
  await fs.writeFile(dest, data);
  if (mode !== undefined) await fs.chmod(dest, mode);
}

/** Reads `containerPath`. */
export async function readFrom(rootDir: string, containerPath: string): Promise<Buffer> {
  return fs.readFile(await resolveInside(rootDir, containerPath, false));
}
