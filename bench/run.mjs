#!/usr/bin/env node
// `npm run bench`: runs every benchmark in this folder, one after another, in
// one run, each measuring tacd beside its named peer (dpkg-deb --build,
// rpmbuild -bb, twistd, a bare node:net server) and printing medians and ratios.
// Usage: node bench/run.mjs [name-filter...]
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

// The peers measured beside tacd: Twisted's twistd, rpmbuild, dpkg-deb, a C
// compiler for the load generator. Installed when missing and running as root.
const peers = ['python3-twisted', 'rpm', 'dpkg-dev', 'xz-utils', 'gcc', 'libc6-dev'];
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
for (const b of benches) {
  console.log(`\n### ${b}`);
  const r = spawnSync(process.execPath, [path.join(here, b)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(${b} exited ${r.status ?? r.signal})`);
  }
}
console.log(`\n${benches.length} benchmarks run, ${failed} failed`);
process.exit(failed ? 1 : 0);
