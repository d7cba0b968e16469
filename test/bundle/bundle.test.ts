// Bundling: the ELF arch reader, and the app.asar + launcher pair run for
// real: integrity checks (archive and unpacked files), source-mapped stack
// traces pointing at the user's tac lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exitCodeOf, describeError } from '../../src/core/errors.js';
import { run } from '../../src/core/exec.js';
import asarPkg from '@electron/asar';
import { asarHeader } from '../../src/bundle/asar.js';
import { bundleApp, type BundleResult } from '../../src/bundle/bundle.js';
import { elfDebianArch, readElfArch } from '../../src/bundle/elf.js';
import { createRenderer } from '../../src/render/render.js';
import { tempDir } from '../packaging/helpers.js';

function elf(cls: 1 | 2, little: boolean, machine: number, type = 2): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, cls, little ? 1 : 2, 1]).copy(b);
  if (little) {
    b.writeUInt16LE(type, 16);
    b.writeUInt16LE(machine, 18);
  } else {
    b.writeUInt16BE(type, 16);
    b.writeUInt16BE(machine, 18);
  }
  return b;
}

test('ELF e_machine maps to the Debian architecture', () => {
  const cases: [Buffer, string][] = [
    [elf(2, true, 62), 'amd64'],
    [elf(2, true, 183), 'arm64'],
    [elf(1, true, 40), 'armhf'],
    [elf(1, true, 3), 'i386'],
    [elf(2, true, 21), 'ppc64el'],
    [elf(2, false, 22), 's390x'],
    [elf(2, true, 243), 'riscv64'],
    [elf(2, true, 62, 3), 'amd64'], // PIE (ET_DYN)
  ];
  for (const [bytes, want] of cases) assert.equal(elfDebianArch(bytes, 'n'), want);
});

test('non-ELF, foreign or mismatched ELF headers are DataErrors naming --node', () => {
  const bad: [Buffer, RegExp][] = [
    [Buffer.from('#!/bin/sh\necho node\n'), /not an ELF executable/],
    [Buffer.from([0x7f, 0x45]), /not an ELF executable/],
    [elf(2, true, 8), /unsupported ELF machine 8/],
    [elf(1, true, 62), /unsupported ELF machine 62 \(32-bit/],
    [elf(2, false, 183), /big-endian/],
    [elf(2, true, 62, 1), /ELF type 1 is not an executable/],
  ];
  for (const [bytes, re] of bad) {
    assert.throws(() => elfDebianArch(bytes, '/x/node'), (e: unknown) => exitCodeOf(e) === 65 && /^--node \/x\/node: /.test(describeError(e)) && re.test(describeError(e)));
  }
  assert.throws(() => readElfArch('/nonexistent/node'), (e: unknown) => exitCodeOf(e) === 66);
});

test('this node is readable as the host architecture', (t) => {
  const want = ({ x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386' } as Record<string, string>)[process.arch];
  if (want === undefined) return t.skip(`no Debian name known for node's arch ${process.arch}`);
  assert.equal(readElfArch(process.execPath), want);
});

/** Lays the bundle out like /usr/lib/NAME and returns the folder. */
function install(result: BundleResult, dir: string): string {
  for (const f of result.files) {
    mkdirSync(path.dirname(path.join(dir, f.rel)), { recursive: true });
    writeFileSync(path.join(dir, f.rel), f.data, { mode: f.mode });
  }
  return dir;
}

test('a plugin bundle runs through the launcher; a tampered archive is refused', { timeout: 60_000 }, async () => {
  const dir = tempDir('tacd-bundle-test-');
  try {
    const result = await bundleApp({ kind: 'plugin', plugin: 'echo' }, 'echo', createRenderer());
    install(result, dir);
    const header = asarHeader(path.join(dir, 'app.asar')) as { files: Record<string, { integrity?: { algorithm: string } }> };
    assert.equal(header.files['main.cjs']?.integrity?.algorithm, 'SHA256');
    const launcher = path.join(dir, 'launcher.cjs');
    assert.match(readFileSync(launcher, 'utf8'), new RegExp(result.archiveSha256));
    const ok = await run(process.execPath, [launcher, 'echo', '--help'], { allowFailure: true });
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.match(ok.stdout, /--port/);
    // The runner's own options go through commander, which the bundle must carry (a packaged app has no node_modules).
    const help = await run(process.execPath, [launcher, '--help'], { allowFailure: true });
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /^Usage: tacd \[options\]/);
    const bogus = await run(process.execPath, [launcher, '--no-such-option', 'echo'], { allowFailure: true });
    assert.equal(bogus.exitCode, 64, bogus.stderr);
    assert.match(bogus.stderr, /--no-such-option/);
    // execa (the packagers' process runner) is left out: the runner uses node:child_process.
    const main = asarPkg.extractFile(path.join(dir, 'app.asar'), 'main.cjs').toString('utf8');
    assert.doesNotMatch(main, /ExecaError/);
    assert.match(main, /CommanderError/);
    const asar = readFileSync(path.join(dir, 'app.asar'));
    asar.writeUInt8(asar.readUInt8(asar.length - 10) ^ 0xff, asar.length - 10);
    writeFileSync(path.join(dir, 'app.asar'), asar);
    const bad = await run(process.execPath, [launcher, 'echo', '--help'], { allowFailure: true });
    assert.equal(bad.exitCode, 66);
    assert.match(bad.stderr, /^echo: .*app\.asar does not match the SHA-256 recorded when the package was built; reinstall the package\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tac that throws at load is reported with its own source line; native addons go unpacked and are verified', { timeout: 60_000 }, async () => {
  const src = tempDir('tacd-tac-');
  const dir = tempDir('tacd-bundle-test-');
  try {
    writeFileSync(path.join(src, 'addon.node'), 'not really a shared object');
    writeFileSync(
      path.join(src, 'app.tac.ts'),
      [
        "import { Application } from 'tacd';",
        "export const application = new Application('boom');",
        'if (process.env.TACD_TEST_ADDON) require("./addon.node");',
        "throw new Error('boom at line 4');",
        '',
      ].join('\n'),
    );
    const result = await bundleApp({ kind: 'tac', file: path.join(src, 'app.tac.ts') }, 'boom', createRenderer());
    const unpacked = result.files.filter((f) => f.rel.startsWith('app.asar.unpacked/'));
    assert.equal(unpacked.length, 1);
    assert.match(unpacked[0]!.rel, /^app\.asar\.unpacked\/native\/[0-9a-f]{12}-addon\.node$/);
    install(result, dir);
    const r = await run(process.execPath, ['--enable-source-maps', path.join(dir, 'launcher.cjs')], { allowFailure: true });
    assert.equal(r.exitCode, 65);
    assert.match(r.stderr, /the bundled application failed to load: Error: boom at line 4/);
    assert.match(r.stderr, /app\.tac\.ts:4:\d+/, r.stderr);
    writeFileSync(path.join(dir, unpacked[0]!.rel), 'changed');
    const t = await run(process.execPath, [path.join(dir, 'launcher.cjs')], { allowFailure: true });
    assert.equal(t.exitCode, 66);
    assert.match(t.stderr, /addon\.node in .*app\.asar failed its integrity check/);
    rmSync(path.join(dir, unpacked[0]!.rel));
    const m = await run(process.execPath, [path.join(dir, 'launcher.cjs')], { allowFailure: true });
    assert.equal(m.exitCode, 66);
    assert.match(m.stderr, /^boom: cannot read .*addon\.node: ENOENT[^\n]*; reinstall the package\n$/);
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
