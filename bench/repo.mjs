#!/usr/bin/env node
// Times adding one package to a repository that already holds 100:
// `ts2deb repo` against apt-ftparchive (packages + release over the same
// pool, unsigned, as reprepro-less pipelines run it) and `ts2rpm repo`
// against `createrepo_c --update`. The 100 packages are small .deb/.rpm
// files from tacd's own writers (distinct names, one file each, about the
// size of a `--runtime system` build's metadata). Median of 5 runs each
// (BENCH_RUNS). Needs a build (`npm run build`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dist, median, RUNS } from './_staged-tree.mjs';
import { summaryRow } from './_summary.mjs';

const { smallDeb, smallRpm } = await dist('test/formats/repo/packages.js');
const root = mkdtempSync(path.join(tmpdir(), 'tacd-bench-repo-'));
const bin = (p) => path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bin', `${p}.js`);
const have = (p) => spawnSync('sh', ['-c', `command -v ${p}`]).status === 0;

function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function packages(kind, n) {
  const dir = path.join(root, `${kind}-in`);
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(dir, `pkg${i}.${kind}`);
    writeFileSync(f, kind === 'deb' ? await smallDeb(`pkg${String(i).padStart(3, '0')}`, '1.0') : await smallRpm(`pkg${String(i).padStart(3, '0')}`, '1.0'));
    files.push(f);
  }
  return files;
}

async function bench(kind, peer) {
  const prog = kind === 'deb' ? 'ts2deb' : 'ts2rpm';
  const repo = path.join(root, `${kind}-repo`);
  timed(process.execPath, [bin(prog), 'repo', repo, ...(await packages(kind, 100))]);
  const ours = [];
  const theirs = [];
  for (let i = 0; i < RUNS; i++) {
    const extra = path.join(root, `extra-${i}.${kind}`);
    writeFileSync(extra, kind === 'deb' ? await smallDeb('extra', `1.${i}`) : await smallRpm('extra', `1.${i}`));
    ours.push(timed(process.execPath, [bin(prog), 'repo', repo, extra]));
    theirs.push(peer(repo, extra, i));
  }
  return { ours: median(ours), theirs: median(theirs) };
}

function aptFtparchive(repo, extra, i) {
  const dir = path.join(root, 'ftp');
  if (i === 0) spawnSync('cp', ['-rL', repo, dir]);
  spawnSync('cp', [extra, path.join(dir, 'pool/main/e/')]);
  return timed('sh', ['-c', 'apt-ftparchive packages pool > dists/stable/main/binary-amd64/Packages && apt-ftparchive release dists/stable > dists/stable/Release'], { cwd: dir });
}

function createrepoUpdate(repo, extra, i) {
  const dir = path.join(root, 'cr');
  if (i === 0) {
    spawnSync('cp', ['-rL', repo, dir]);
    timed('createrepo_c', ['--no-database', dir]);
  }
  spawnSync('cp', [extra, path.join(dir, 'Packages/')]);
  return timed('createrepo_c', ['--update', '--no-database', dir]);
}

try {
  for (const [kind, tool, peer, label] of [['deb', 'apt-ftparchive', aptFtparchive, 'apt-ftparchive packages + release'], ['rpm', 'createrepo_c', createrepoUpdate, 'createrepo_c --update']]) {
    if (!have(tool)) {
      console.log(`SKIP ${kind}: ${tool} not installed`);
      continue;
    }
    const r = await bench(kind, peer);
    const what = `ts2${kind} repo: add 1 package to a repository of 100`;
    console.log(`${what}: ${r.ours.toFixed(0)} ms (${label}: ${r.theirs.toFixed(0)} ms)`);
    summaryRow({ what, tacd: `${r.ours.toFixed(0)} ms`, peer: `${label} ${r.theirs.toFixed(0)} ms`, ratio: `${(r.ours / r.theirs).toFixed(2)}×`, target: '≤ 2 s', met: r.ours <= 2000 });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
