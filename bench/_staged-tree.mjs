// Shared by the write benches (not a bench itself: bench/run.mjs skips files
// starting with '_'): the staged tree both tacd and its peer package, so every
// writer is measured on the same input: a copy of the node binary plus a few
// small files, one of them a config file.
import { chmodSync, copyFileSync, createReadStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Imports a compiled module from dist/ (run `tsc -p .` first). */
export const dist = (p) => import(path.join(ROOT, 'dist', p));
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);
export const MTIME = 1700000000;
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Writes the tree under `stage`. `docFile` is the format's own documentation
 * file ({ path, text, ...flags }). Returns the files with a `data` FileData
 * streaming each from disk, and their total size.
 */
export function stageTree(stage, docFile) {
  const files = [
    { path: '/usr/lib/bench/node', src: process.execPath, mode: 0o755 },
    ...Array.from({ length: 8 }, (_, i) => ({ path: `/usr/lib/bench/lib/mod${i}.js`, text: `export const n = ${i};\n`.repeat(200), mode: 0o644 })),
    { mode: 0o644, ...docFile },
    { path: '/etc/bench/bench.conf', text: 'port = 8080\n', mode: 0o644, config: true },
  ];
  for (const f of files) {
    const p = path.join(stage, f.path);
    mkdirSync(path.dirname(p), { recursive: true });
    if (f.src) copyFileSync(f.src, p);
    else writeFileSync(p, f.text);
    chmodSync(p, f.mode);
  }
  const data = (f) => {
    const p = path.join(stage, f.path);
    return { size: statSync(p).size, open: () => createReadStream(p, { highWaterMark: 1 << 20 }) };
  };
  const total = files.reduce((n, f) => n + statSync(path.join(stage, f.path)).size, 0);
  return { files, data, total };
}
