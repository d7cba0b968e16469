#!/usr/bin/env node
// `npm run bench`: runs every benchmark in this folder, one after another, in
// one run, each measuring tacd beside its named peer (dpkg-deb --build,
// rpmbuild -bb, twistd, a bare node:net server) and printing medians and ratios.
// Usage: node bench/run.mjs [name-filter...]
import { readdirSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ROW_MARKER } from './_summary.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// The peers measured beside tacd: Twisted's twistd, rpmbuild, dpkg-deb, a C
// compiler for the load generator. Installed when missing and running as root.
const peers = ['python3-twisted', 'rpm', 'dpkg-dev', 'xz-utils', 'gcc', 'libc6-dev', 'apt-utils', 'createrepo-c'];
const missing = peers.filter((p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true);
if (missing.length > 0) {
  if (process.getuid?.() === 0) {
    console.log(`== apt-get install ${missing.join(' ')}`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    console.log(`(not root: cannot install ${missing.join(' ')}; the rows needing them are skipped)`);
  }
}
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
let failed = 0;
const rows = [];
for (const b of benches) {
  console.log(`\n### ${b}`);
  // stdout is read line by line: summary rows are kept for the closing table, the rest is shown as it comes.
  const r = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, b)], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(ROW_MARKER)) rows.push(JSON.parse(line.slice(ROW_MARKER.length)));
      else console.log(line);
    });
    child.on('close', (status, signal) => resolve({ status, signal }));
  });
  if (r.status !== 0) {
    failed++;
    console.log(`(${b} exited ${r.status ?? r.signal})`);
  }
}

if (rows.length > 0) {
  console.log(`\n## Summary (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})\n`);
  const head = ['what', 'tacd', 'peer', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [r.what, r.tacd, r.peer, r.ratio, r.target, r.met ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
  const missed = rows.filter((r) => !r.met).length;
  console.log(`\n${rows.length} targets, ${rows.length - missed} met, ${missed} missed`);
}
console.log(`\n${benches.length} benchmarks run, ${failed} failed`);
process.exit(failed ? 1 : 0);
