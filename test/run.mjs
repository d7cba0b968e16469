#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's own test
// runner. Node 20's `node --test` expands no globs, so the list is built here.
// Usage: node test/run.mjs [--skip-slow] [filter...]
//   --skip-slow   sets TACD_SKIP_SLOW=1 (suites needing root/nspawn skip loudly)
//   filter        only files whose path contains one of these strings
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// bin/tacd.js runs dist/tacd.cjs, bundled from dist/src by `npm run build`: after a bare `tsc` it would be stale.
const bundle = join(root, 'dist', 'tacd.cjs');
const newestRuntime = Math.max(...walkJs(join(root, 'dist', 'src')).map((f) => statSync(f).mtimeMs));
let bundleTime = 0;
try {
  bundleTime = statSync(bundle).mtimeMs;
} catch {
  bundleTime = 0;
}
if (bundleTime + 1000 < newestRuntime) {
  console.error(`${relative(root, bundle)} is ${bundleTime ? 'older than dist/src' : 'missing'}: run \`npm run build\` (tsc, then the runner bundle) before the tests`);
  process.exit(1);
}

function walkJs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walkJs(p));
    else if (name.endsWith('.js')) out.push(p);
  }
  return out;
}

const files = walk(distTest).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));
if (files.length === 0) {
  console.error(`no test files found under ${relative(root, distTest)} (did the build run?)`);
  process.exit(1);
}
// A build cache of this run's own (ts2deb/ts2rpm cache compressed payloads):
// the suite neither reads nor fills the user's ~/.cache/tacd.
let ownCache;
if (!env.TACD_CACHE_DIR) {
  ownCache = mkdtempSync(join(tmpdir(), 'tacd-test-cache-'));
  env.TACD_CACHE_DIR = ownCache;
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env, cwd: root });
if (ownCache) rmSync(ownCache, { recursive: true, force: true });
process.exit(r.status ?? 1);
