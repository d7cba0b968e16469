// ts2deb/ts2rpm and Ctrl-C: a SIGINT that arrives while the package is being
// written (the real bin script, a ~100 MB .deb with the bundled node) waits
// until the write is finished: no hidden `.NAME.*.tmp` is left in --output,
// the package is complete, and the command ends with 130 (128 + SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync, watch } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { tempDir } from '../packaging/helpers.js';

test('SIGINT while ts2deb writes --output: the write finishes, no temp file is left, exit 130', { timeout: 120_000 }, async () => {
  const out = tempDir('tacd-sig-out-');
  try {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), '--plugin', 'echo', '--output', out], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SOURCE_DATE_EPOCH: '1790000000' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // the first temp file appears when the write starts: interrupt right then
    let sent = false;
    const watcher = watch(out, (_event, name) => {
      if (!sent && name?.endsWith('.tmp')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    watcher.close();
    assert.ok(sent, `the write started (a temp file appeared); stderr: ${stderr}`);
    assert.deepEqual(readdirSync(out), ['echo_0.1.0-1_amd64.deb'], `no temp file left (exit ${code ?? signal}; stderr: ${stderr})`);
    assert.equal(signal, null, 'not ended by the signal in the middle of the write');
    assert.equal(code, 130, stderr);
    assert.equal(stderr, 'ts2deb: interrupted by SIGINT while writing to --output; the write was finished first\n');
    assert.equal(stdout, `${path.join(out, 'echo_0.1.0-1_amd64.deb')}\n`);
    const info = spawnSync('dpkg-deb', ['--fsys-tarfile', path.join(out, 'echo_0.1.0-1_amd64.deb')], { maxBuffer: 1 << 30 });
    if (!info.error) assert.equal(info.status, 0, `the package is complete: ${String(info.stderr)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
