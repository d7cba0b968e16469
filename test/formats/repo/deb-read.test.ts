// Reading a .deb's control from its bytes: ours (gzip), dpkg-deb's with xz
// and zstd control members, and the inputs that are not packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '../../../src/core/errors.js';
import { haveProgram, run } from '../../../src/core/exec.js';
import { readDebControl } from '../../../src/formats/repo/deb-read.js';
import { fieldValue } from '../../../src/formats/repo/deb822.js';
import { hostDecompress } from '../../../src/repo/decompress.js';
import { smallDeb } from './packages.js';

test('our .deb: the control fields, as dpkg-deb -f prints them', async () => {
  const bytes = await smallDeb('echo', '1.2.3');
  const fields = await readDebControl(bytes, 'echo.deb', hostDecompress);
  assert.equal(fieldValue(fields, 'package'), 'echo');
  assert.equal(fieldValue(fields, 'Version'), '1.2.3-1');
  assert.equal(fieldValue(fields, 'Depends'), 'adduser, libc6 (>= 2.36)');
  assert.match(fieldValue(fields, 'Description')!, /^the echo test package\n A package/);
});

for (const z of ['xz', 'zstd', 'none']) {
  test(`dpkg-deb -Z${z}: the control member is read`, async (t) => {
    if (!(await haveProgram('dpkg-deb'))) return t.skip('dpkg-deb is missing');
    const dir = mkdtempSync(path.join(tmpdir(), 'tacd-debread-'));
    try {
      mkdirSync(path.join(dir, 'p/DEBIAN'), { recursive: true });
      writeFileSync(path.join(dir, 'p/DEBIAN/control'), 'Package: zz\nVersion: 2:3.4-5\nArchitecture: amd64\nMaintainer: A <a@b.c>\nDescription: x\n y\n');
      await run('dpkg-deb', [`-Z${z}`, '--root-owner-group', '--build', 'p', 'zz.deb'], { cwd: dir });
      const fields = await readDebControl(new Uint8Array(readFileSync(path.join(dir, 'zz.deb'))), 'zz.deb', hostDecompress);
      assert.deepEqual(fields.map(([n]) => n), ['Package', 'Version', 'Architecture', 'Maintainer', 'Description']);
      assert.equal(fieldValue(fields, 'Version'), '2:3.4-5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('not a package: one DataError naming the file and what is wrong', async () => {
  const deb = await smallDeb('echo', '1.0');
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode('hello, world\n'), /x\.deb: not a Debian package \(no ar magic/],
    [deb.subarray(0, 200), /x\.deb: not a Debian package \(ar member at byte \d+ runs past the end\)/],
    [new TextEncoder().encode('!<arch>\n'), /x\.deb: not a Debian package \(its first member is not 'debian-binary'/],
  ];
  for (const [bytes, message] of cases) {
    await assert.rejects(readDebControl(bytes, 'x.deb', hostDecompress), (e: unknown) => e instanceof DataError && e.code.startsWith('repo.deb') && message.test(e.message));
  }
});
