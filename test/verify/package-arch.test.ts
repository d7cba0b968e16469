// src/verify/package-arch.ts: the arch verify boots a root for, read from
// real packages with dpkg-deb and rpm (rpm's names mapped to Debian's), and
// the host's for a file neither tool can read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hostDebianArch } from '../../src/verify/binfmt.js';
import { packageArch } from '../../src/verify/package-arch.js';
import { buildPackage, tempDir } from '../packaging/helpers.js';

test('packageArch reads Architecture: and %{ARCH} (aarch64 is arm64); a damaged file is the host arch', async () => {
  const out = tempDir('tacd-pkgarch-');
  try {
    const args = ['--plugin', 'echo', '--runtime', 'system', '--arch', 'arm64', '--output', out, '--', '--port', '8125'];
    assert.equal(await packageArch(await buildPackage('ts2deb', args), 'deb'), 'arm64');
    assert.equal(await packageArch(await buildPackage('ts2rpm', args), 'rpm'), 'arm64');
    const bad = path.join(out, 'bad.deb');
    writeFileSync(bad, 'not a package');
    assert.equal(await packageArch(bad, 'deb'), hostDebianArch());
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
