// Synthetic dependency trees on disk for the bundle tests: package folders
// with package.json files and .node files that are bare ELF headers.
import { after } from 'node:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../packaging/helpers.js';

/** An ELF shared object header for e_machine (62 x86-64, 183 aarch64). */
export function elf(machine: number): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(b);
  b.writeUInt16LE(3, 16);
  b.writeUInt16LE(machine, 18);
  return b;
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes `files` (path → content) below a fresh folder; JSON for objects. */
export function tree(files: Record<string, unknown>): string {
  const root = tempDir('tacd-native-tree-');
  dirs.push(root);
  for (const [rel, v] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, Buffer.isBuffer(v) || typeof v === 'string' ? v : JSON.stringify(v));
  }
  return root;
}

