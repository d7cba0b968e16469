// ts2deb twice with nothing changed: the second run is served from the cache
// (TACD_CACHE_DIR) and writes the same bytes as the first and as a run with
// TACD_NO_CACHE=1 (SOURCE_DATE_EPOCH fixed). No timing asserts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/core/exec.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { tempDir } from '../packaging/helpers.js';

test('ts2deb: cold, warm and uncached builds are byte-identical', { timeout: 120_000 }, async () => {
  const dir = tempDir('tacd-cache-cli-');
  try {
    const env = { SOURCE_DATE_EPOCH: '1700000000', TACD_CACHE_DIR: path.join(dir, 'cache'), TACD_NO_CACHE: '' };
    const build = async (out: string, extra: Record<string, string> = {}): Promise<Buffer> => {
      mkdirSync(path.join(dir, out));
      const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), 'fixtures/echo/app.tac.ts', '--runtime', 'system', '--output', path.join(dir, out)], { cwd: PROJECT_ROOT, env: { ...env, ...extra }, allowFailure: true });
      assert.equal(r.exitCode, 0, r.stderr);
      return readFileSync(r.stdout.trim());
    };
    const cold = await build('cold');
    assert.ok(existsSync(path.join(dir, 'cache', 'compressed')), 'the cold run filled the cache');
    const warm = await build('warm');
    const none = await build('none', { TACD_NO_CACHE: '1' });
    assert.ok(cold.equals(warm), 'warm == cold');
    assert.ok(cold.equals(none), 'cached == uncached');
    const ns = readdirSync(path.join(dir, 'cache', 'compressed'));
    assert.equal(ns.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ts2deb --no-cache neither reads nor fills the cache folder', { timeout: 120_000 }, async () => {
  const dir = tempDir('tacd-cache-cli-');
  try {
    const cache = path.join(dir, 'cache');
    mkdirSync(path.join(dir, 'out'));
    const r = await run(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), 'fixtures/echo/app.tac.ts', '--runtime', 'system', '--no-cache', '--output', path.join(dir, 'out')],
      { cwd: PROJECT_ROOT, env: { SOURCE_DATE_EPOCH: '1700000000', TACD_CACHE_DIR: cache, TACD_NO_CACHE: '' }, allowFailure: true },
    );
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(existsSync(r.stdout.trim()), 'the package was written');
    assert.ok(!existsSync(path.join(cache, 'compressed')), 'nothing was cached');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
