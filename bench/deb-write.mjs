#!/usr/bin/env node
// Times tacd's pure TypeScript .deb writer against `dpkg-deb --build` on the
// same staged tree (a copy of the node binary plus a few small files), with the
// same compressor and level: gzip -9 and xz -6. Median of 5 runs each
// (BENCH_RUNS overrides). Needs a build (`tsc -p .`) and dpkg-deb.
// gzip: ours deflates 1 MiB blocks in parallel (pigz-style, libuv's pool);
// dpkg-deb's gzip is single-threaded (zlib has no threads).
// xz: both run liblzma's multi-threaded encoder with 24 MiB blocks and one
// thread per CPU (2 here), as each does by default (ours through the xz program).
// BENCH_XZ_THREADS=1 runs both with one thread (dpkg-deb --threads-max=1).
// No compression cache (cache: null): every run compresses.
// Note: our writer also computes md5sums (dpkg-deb --build does not; dh_md5sums
// does that before it), so the comparison is slightly in dpkg-deb's favour.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dist, median, MTIME, RUNS, stageTree } from './_staged-tree.mjs';
import { summaryRow } from './_summary.mjs';

const { writeDeb } = await dist('src/formats/deb/deb.js');
const { gzipCompressor } = await dist('src/formats/archive/gzip.js');
const { xzCompressor } = await dist('src/tools/xz.js');
if (spawnSync('sh', ['-c', 'command -v dpkg-deb']).status !== 0) {
  console.log('SKIP: dpkg-deb not installed; nothing to compare with');
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'tacd-bench-deb-'));
const stage = path.join(dir, 'stage');
const { files, data, total } = stageTree(stage, { path: '/usr/share/doc/bench/copyright', text: 'Files: *\nCopyright: none\nLicense: MIT\n' });
const meta = {
  name: 'tacd-bench', version: '1.0', release: '1', arch: 'amd64', maintainer: 'tacd developers <tacd@example.org>',
  summary: 'benchmark package', description: 'A node binary and a few files.', license: 'MIT', mtime: MTIME,
};
const payload = files.map((f) => ({ kind: 'file', path: f.path, mode: f.mode, config: f.config, data: data(f) }));
mkdirSync(path.join(stage, 'DEBIAN'));
writeFileSync(path.join(stage, 'DEBIAN', 'control'), `Package: tacd-bench\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: tacd developers <tacd@example.org>\nDescription: benchmark package\n A node binary and a few files.\n`);
writeFileSync(path.join(stage, 'DEBIAN', 'conffiles'), '/etc/bench/bench.conf\n');

console.log(`staged tree: ${files.length} files, ${(total / 2 ** 20).toFixed(1)} MiB (node binary ${process.execPath}); ${RUNS} runs each`);

const only = process.env.BENCH_ONLY; // 'gzip' or 'xz'
const xzThreads = process.env.BENCH_XZ_THREADS ? Number(process.env.BENCH_XZ_THREADS) : undefined;
for (const [label, compressor, dpkgArgs] of [
  ['gzip -9', () => gzipCompressor(9), ['-Zgzip', '-z9']],
  ['xz -6', () => xzCompressor(6, { threads: xzThreads }), ['-Zxz', '-z6', ...(xzThreads ? [`--threads-max=${xzThreads}`] : [])]],
].filter(([l]) => !only || l.startsWith(only))) {
  const ours = [];
  const theirs = [];
  let oursSize = 0;
  let theirSize = 0;
  for (let i = 0; i < RUNS; i++) {
    let t = process.hrtime.bigint();
    const chunks = await writeDeb({ meta, payload }, { compression: compressor(), cache: null });
    const out = path.join(dir, 'ours.deb');
    writeFileSync(out, Buffer.concat(chunks));
    ours.push(Number(process.hrtime.bigint() - t) / 1e6);
    oursSize = statSync(out).size;
    t = process.hrtime.bigint();
    const r = spawnSync('dpkg-deb', ['--root-owner-group', ...dpkgArgs, '--build', stage, path.join(dir, 'dpkg.deb')], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: String(MTIME) } });
    theirs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`dpkg-deb --build failed: ${r.stderr}`);
    theirSize = statSync(path.join(dir, 'dpkg.deb')).size;
  }
  const a = median(ours);
  const b = median(theirs);
  summaryRow({
    what: `.deb of the staged tree (${(total / 2 ** 20).toFixed(0)} MiB), ${label}${label.startsWith('xz') ? `, ${xzThreads ? xzThreads : 'auto'} threads both` : ''}`,
    tacd: `${(a / 1000).toFixed(1)} s`,
    peer: `dpkg-deb --build ${(b / 1000).toFixed(1)} s`,
    ratio: `${(a / b).toFixed(2)}×`,
    target: '≤ 1.0×',
    met: a / b <= 1.0,
  });
  console.log(`${label.padEnd(8)} tacd writeDeb: ${a.toFixed(0).padStart(6)} ms (${oursSize} bytes)   dpkg-deb --build: ${b.toFixed(0).padStart(6)} ms (${theirSize} bytes)   ratio tacd/dpkg-deb: ${(a / b).toFixed(2)}`);
}
rmSync(dir, { recursive: true, force: true });
