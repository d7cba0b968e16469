// ts2deb twice with nothing changed: the second run is served from the cache
// (TACD_CACHE_DIR) and writes the same bytes as the first and as a run with
// TACD_NO_CACHE=1 (SOURCE_DATE_EPOCH fixed). No timing asserts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// The source packages' tarballs hold the binary package's payload: the bundled
// node's blocks come from the cache there too, and every output of an
// incremental --both build equals that of a clean one.
test('--both after an app edit and a version bump: the binary and source packages reuse the node\'s blocks and equal a clean build', { timeout: 300_000 }, async () => {
  const dir = tempDir('tacd-cache-both-');
  try {
    const app = path.join(dir, 'app.tac.ts');
    writeFileSync(app, readFileSync(path.join(PROJECT_ROOT, 'fixtures/echo/app.tac.ts')));
    const env = { TACD_CACHE_DIR: path.join(dir, 'cache'), TACD_NO_CACHE: '' };
    const meta = ['--name', 'echo', '--maintainer', 'T <t@example.org>', '--description', 'echo', '--license', 'MIT', '--both', '--json'];
    const build = async (tool: string, out: string, version: string, extra: Record<string, string> = {}): Promise<{ files: Map<string, Buffer>; hits: number; misses: number }> => {
      const args = [path.join(PROJECT_ROOT, 'bin', `${tool}.js`), app, ...meta, '--set-version', version, '--output', path.join(dir, out)];
      const r = await run(process.execPath, args, { env: { ...env, SOURCE_DATE_EPOCH: version === '1.0' ? '1700000000' : '1700086400', ...extra }, allowFailure: true, timeoutMs: 240_000 });
      assert.equal(r.exitCode, 0, r.stderr);
      const { cache } = JSON.parse(r.stdout) as { cache: { hits: number; misses: number } };
      const files = new Map(readdirSync(path.join(dir, out)).filter((f) => f.includes(version)).map((f) => [f, readFileSync(path.join(dir, out, f))]));
      return { files, hits: cache.hits, misses: cache.misses };
    };
    for (const tool of ['ts2deb', 'ts2rpm']) await build(tool, 'first', '1.0');
    appendFileSync(app, '(globalThis as { edited?: boolean }).edited = true;\n');
    for (const tool of ['ts2deb', 'ts2rpm']) {
      const incremental = await build(tool, `${tool}-incremental`, '1.1');
      // about 95 blocks of node in the binary package and as many in its source tarball
      assert.ok(incremental.hits >= 180, `${tool}: ${incremental.hits} blocks reused, ${incremental.misses} compressed`);
      assert.ok(incremental.misses < 40, `${tool}: ${incremental.misses} blocks compressed again`);
      const clean = await build(tool, `${tool}-clean`, '1.1', { TACD_NO_CACHE: '1' });
      assert.deepEqual([...incremental.files.keys()], [...clean.files.keys()]);
      for (const [f, bytes] of incremental.files) assert.ok(bytes.equals(clean.files.get(f)!), `${f}: incremental == clean`);
      assert.ok(incremental.files.size >= (tool === 'ts2deb' ? 5 : 2), [...incremental.files.keys()].join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
