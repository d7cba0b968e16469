/**
 * Takes bin/node out of a runtime tarball (the system tar, through
 * src/core/exec.ts) and checks its ELF machine is the one asked for.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { run } from '../core/exec.js';
import { readElfArch } from '../bundle/elf.js';

/** Unpacks package/bin/node of `tarball` to `dir`/node (mode 0755). @throws DataError when it is missing or for another arch. */
export async function unpackNode(tarball: string, dir: string, arch: string, what: string): Promise<string> {
  const r = await run('tar', ['-xzf', tarball, '-C', dir, '--no-same-owner', 'package/bin/node'], { timeoutMs: 120_000, allowFailure: true });
  if (r.exitCode !== 0) throw new DataError('tacd.runtime.tarball', `${what}: the tarball has no package/bin/node (${r.stderr.trim().split('\n').at(-1)})`, { field: 'node-version' });
  const node = path.join(dir, 'node');
  await fs.rename(path.join(dir, 'package', 'bin', 'node'), node);
  await fs.rm(path.join(dir, 'package'), { recursive: true, force: true });
  await fs.chmod(node, 0o755);
  const got = readElfArch(node);
  if (got !== arch) throw new DataError('tacd.runtime.elf', `${what}: package/bin/node is an ${got} binary, not ${arch}`, { field: 'arch' });
  return node;
}
