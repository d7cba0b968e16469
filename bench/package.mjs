#!/usr/bin/env node
// Whole `ts2deb fixtures/echo/app.tac.ts` (bundled node, default gzip -9), cold
// and warm: cold = an empty cache folder (esbuild, asar, the compression of
// data.tar with the 90 MB node binary, and filling the cache); warm = the same
// command again with nothing changed (every compressed block of data.tar
// comes from the cache). Runs are interleaved (cold, warm, cold, warm ...), each in a fresh
// TACD_CACHE_DIR, SOURCE_DATE_EPOCH fixed; every warm output is checked to be
// byte-identical to its cold one. Median of 5 each (BENCH_RUNS); also
// `--runtime system` (no node binary) for the small case. Needs a build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summaryRow } from './_summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'tacd-bench-package-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ts2deb(args, cache, out) {
  mkdirSync(out, { recursive: true });
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/ts2deb.js'), 'fixtures/echo/app.tac.ts', ...args, '--output', out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', TACD_CACHE_DIR: cache, TACD_NO_CACHE: '' },
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`ts2deb failed: ${r.stderr}`);
  return { ms, bytes: readFileSync(r.stdout.trim()) };
}

console.log(`ts2deb fixtures/echo/app.tac.ts, node ${process.execPath}; ${RUNS} interleaved cold/warm runs each; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const [label, args] of [['bundled node', []], ['--runtime system', ['--runtime', 'system']]]) {
  const cold = [];
  const warm = [];
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    const cache = path.join(dir, `cache${i}`);
    const a = ts2deb(args, cache, path.join(dir, `cold${i}`));
    const b = ts2deb(args, cache, path.join(dir, `warm${i}`));
    if (!a.bytes.equals(b.bytes)) throw new Error(`${label}: warm output differs from cold`);
    cold.push(a.ms);
    warm.push(b.ms);
    size = a.bytes.length;
    rmSync(cache, { recursive: true, force: true });
  }
  const c = median(cold);
  const w = median(warm);
  if (args.length === 0) {
    summaryRow({ what: 'ts2deb fixtures/echo/app.tac.ts, warm vs cold', tacd: `${(c / 1000).toFixed(1)} s / ${(w / 1000).toFixed(1)} s`, ratio: `${(w / c).toFixed(2)}×`, target: 'warm ≤ 0.5× cold', met: w / c <= 0.5 });
  } else {
    summaryRow({ what: '.deb size, --runtime system', tacd: `${(size / 1000).toFixed(0)} KB`, ratio: `${(size / 1000).toFixed(0)} KB`, target: '≤ 200 KB', met: size <= 200_000 });
  }
  console.log(`${label.padEnd(17)} cold ${c.toFixed(0).padStart(6)} ms (${cold.map((x) => x.toFixed(0)).join(', ')})   warm ${w.toFixed(0).padStart(6)} ms (${warm.map((x) => x.toFixed(0)).join(', ')})   warm/cold ${(w / c).toFixed(2)}   .deb ${size} bytes (byte-identical)`);
}
console.log(`load after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
rmSync(dir, { recursive: true, force: true });

