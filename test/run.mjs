#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's own test
// runner. Node 20's `node --test` expands no globs, so the list is built here.
// Usage: node test/run.mjs [--skip-slow] [filter...]
//   --skip-slow   sets TACD_SKIP_SLOW=1 (suites needing root/nspawn skip loudly)
//   filter        only files whose path contains one of these strings
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const distTest = join(root, 'dist', 'test');
const args = process.argv.slice(2);
const env = { ...process.env };
if (args.includes('--skip-slow')) env.TACD_SKIP_SLOW = '1';
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = walk(distTest).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));
if (files.length === 0) {
  console.error(`no test files found under ${relative(root, distTest)} (did the build run?)`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env, cwd: root });
process.exit(r.status ?? 1);
