#!/usr/bin/env node
// Times tacd's pure TypeScript .rpm writer against `rpmbuild -bb` on the same
// staged tree (a copy of the node binary plus a few small files), both with a
// gzip -9 payload (rpmbuild: %_binary_payload w9.gzdio) and SHA-256 file digests.
// rpmbuild gets a hard-linked copy of the staged tree as --buildroot (made
// outside the timing) and a spec with no %build/%install, no debuginfo, no
// build-id links and no os_install_post, so both sides do the same work: read,
// digest, classify, cpio, gzip, header. Median of 5 runs each (BENCH_RUNS).
// Needs a build (`tsc -p .`) and rpmbuild.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dist, median, MTIME, RUNS, stageTree } from './_staged-tree.mjs';
import { summaryRow } from './_summary.mjs';

const { writeRpm } = await dist('src/formats/rpm/rpm.js');
const { gzipCompressor } = await dist('src/formats/archive/gzip.js');
if (spawnSync('sh', ['-c', 'command -v rpmbuild']).status !== 0) {
  console.log('SKIP: rpmbuild not installed; nothing to compare with');
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'tacd-bench-rpm-'));
const stage = path.join(dir, 'stage');
const { files, data, total } = stageTree(stage, { path: '/usr/share/licenses/tacd-bench/LICENSE', text: 'MIT License\n', license: true });
const meta = {
  name: 'tacd-bench', version: '1.0', release: '1', arch: 'amd64', maintainer: 'tacd developers <tacd@example.org>',
  summary: 'benchmark package', description: 'A node binary and a few files.', license: 'MIT', mtime: MTIME, buildHost: 'localhost',
};
const payload = [
  { kind: 'dir', path: '/usr/lib/bench', mode: 0o755, owned: true },
  { kind: 'dir', path: '/usr/lib/bench/lib', mode: 0o755, owned: true },
  ...files.map((f) => ({ kind: 'file', path: f.path, mode: f.mode, config: f.config, license: f.license, data: data(f) })),
];
const spec = path.join(dir, 'bench.spec');
writeFileSync(spec, `%define _build_id_links none
%global debug_package %{nil}
%global __os_install_post %{nil}
%define _binary_payload w9.gzdio
%define _binary_filedigest_algorithm 8
%define source_date_epoch_from_changelog 0
AutoReqProv: no
Name: tacd-bench
Version: 1.0
Release: 1
Summary: benchmark package
License: MIT
BuildArch: x86_64
%description
A node binary and a few files.
%files
%dir /usr/lib/bench
%dir /usr/lib/bench/lib
${files.filter((f) => !f.config && !f.license).map((f) => f.path).join('\n')}
%license /usr/share/licenses/tacd-bench/LICENSE
%config(noreplace) /etc/bench/bench.conf
`);

console.log(`staged tree: ${files.length} files, ${(total / 2 ** 20).toFixed(1)} MiB (node binary ${process.execPath}); gzip -9; ${RUNS} runs each`);

const ours = [];
let ourSize = 0;
for (let i = 0; i < RUNS; i++) {
  const t0 = process.hrtime.bigint();
  const parts = await writeRpm({ meta, payload }, { compression: { ...gzipCompressor(9), level: 9 }, cache: null });
  writeFileSync(path.join(dir, 'ours.rpm'), Buffer.concat(parts));
  ours.push(Number(process.hrtime.bigint() - t0) / 1e6);
  ourSize = statSync(path.join(dir, 'ours.rpm')).size;
}

const theirs = [];
let theirSize = 0;
for (let i = 0; i < RUNS; i++) {
  const buildroot = path.join(dir, `buildroot${i}`);
  const top = path.join(dir, `top${i}`);
  spawnSync('cp', ['-al', stage, buildroot]);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('rpmbuild', ['-bb', '--quiet', '--buildroot', buildroot, '--define', `_topdir ${top}`, spec], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: String(MTIME) } });
  theirs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (r.status !== 0) {
    console.log(`rpmbuild failed (exit ${r.status}):\n${r.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  theirSize = statSync(path.join(top, 'RPMS', 'x86_64', 'tacd-bench-1.0-1.x86_64.rpm')).size;
  rmSync(top, { recursive: true, force: true });
  rmSync(buildroot, { recursive: true, force: true });
}
rmSync(dir, { recursive: true, force: true });

const a = median(ours);
const b = median(theirs);
console.log(`tacd writeRpm   : median ${a.toFixed(0)} ms  (runs: ${ours.map((x) => x.toFixed(0)).join(', ')}; ${ourSize} bytes)`);
console.log(`rpmbuild -bb    : median ${b.toFixed(0)} ms  (runs: ${theirs.map((x) => x.toFixed(0)).join(', ')}; ${theirSize} bytes)`);
console.log(`ratio tacd/rpmbuild: ${(a / b).toFixed(2)}`);
summaryRow({ what: '.rpm of the same tree, gzip -9', tacd: `${(a / 1000).toFixed(1)} s`, peer: `rpmbuild -bb ${(b / 1000).toFixed(1)} s`, ratio: `${(a / b).toFixed(2)}×`, target: '≤ 0.5×', met: a / b <= 0.5 });
