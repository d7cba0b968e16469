// src/verify/preflight.ts: package files are checked before any container (no root needed up to the host check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TacError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { checkPackageFiles, hasPackageMagic, requirePackageFile } from '../../src/verify/preflight.js';
import { tempDir } from '../packaging/helpers.js';

const failsWith = (exitCode: number, message: RegExp) => (e: unknown) => e instanceof TacError && e.exitCode === exitCode && message.test(e.message);

test('requirePackageFile: an absolute path for a file; 66 for a missing one or a directory', () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'a.deb'), 'x');
    assert.equal(requirePackageFile(path.relative(process.cwd(), path.join(dir, 'a.deb')), 'package'), path.join(dir, 'a.deb'));
    assert.throws(() => requirePackageFile(path.join(dir, 'b.deb'), 'package'), failsWith(ExitCode.NOINPUT, /^package not found: .*b\.deb$/));
    assert.throws(() => requirePackageFile(dir, '--upgrade-from package'), failsWith(ExitCode.NOINPUT, /^--upgrade-from package not found: /));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hasPackageMagic: an ar archive starting with debian-binary, an RPM lead; nothing else', () => {
  const dir = tempDir();
  try {
    const f = (name: string, data: string | Buffer): string => (writeFileSync(path.join(dir, name), data), path.join(dir, name));
    assert.equal(hasPackageMagic(f('ok.deb', '!<arch>\ndebian-binary   1'), 'deb'), true);
    assert.equal(hasPackageMagic(f('ok.rpm', Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0])), 'rpm'), true);
    assert.equal(hasPackageMagic(f('ar.deb', '!<arch>\ncontrol.tar'), 'deb'), false);
    assert.equal(hasPackageMagic(f('short.rpm', Buffer.from([0xed])), 'rpm'), false);
    assert.equal(hasPackageMagic(path.join(dir, 'ok.rpm'), 'deb'), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkPackageFiles: a missing file (66) and a wrong extension (65) are found before the host is checked', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'a.deb'), 'x');
    await assert.rejects(checkPackageFiles({ pkg: path.join(dir, 'a.deb'), upgradeFrom: path.join(dir, 'old.deb'), format: 'deb' }), failsWith(ExitCode.NOINPUT, /old\.deb$/));
    await assert.rejects(checkPackageFiles({ pkg: path.join(dir, 'a.deb'), format: 'rpm' }), failsWith(ExitCode.DATAERR, /a\.deb: expected a \.rpm file$/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
