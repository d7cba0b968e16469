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
