// Which existing file a new output may replace: only our own previous output of that kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isPackage, refuseForeign, replaceableOutput, sameBytes } from '../../../src/cli/package/replace.js';
import { tempDir } from '../../packaging/helpers.js';

const DEB = Buffer.from('!<arch>\ndebian-binary   ');
const RPM = Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]);

test('isPackage knows a .deb and an .rpm by their first bytes', () => {
  assert.equal(isPackage(DEB), true);
  assert.equal(isPackage(RPM), true);
  assert.equal(isPackage(Buffer.from('my notes')), false);
});

test('replaceableOutput: tarballs by magic, .dsc/.changes by their first line, an orig tarball only by the same bytes', () => {
  const gz = Buffer.from([0x1f, 0x8b, 8]);
  const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  assert.equal(replaceableOutput('x_1.debian.tar.gz')(gz, '', []), true);
  assert.equal(replaceableOutput('x_1.debian.tar.gz')(xz, '', []), false);
  assert.equal(replaceableOutput('x_1.debian.tar.xz')(xz, '', []), true);
  assert.equal(replaceableOutput('x_1.dsc')(Buffer.from('Format: 3.0 (quilt)'), '', []), true);
  assert.equal(replaceableOutput('x_1_source.changes')(Buffer.from('-----BEGIN PGP SIGNED MESSAGE-----'), '', []), true);
  assert.equal(replaceableOutput('x_1.dsc')(Buffer.from('notes'), '', []), false);
  const dir = tempDir('tacd-replace-');
  try {
    const orig = path.join(dir, 'x_1.orig.tar.gz');
    writeFileSync(orig, Buffer.concat([gz, Buffer.from('upstream')]));
    assert.equal(replaceableOutput('x_1.orig.tar.gz')(gz, orig, [gz, Buffer.from('upstream')]), true, 'the same bytes');
    assert.equal(replaceableOutput('x_1.orig.tar.gz')(gz, orig, [gz, Buffer.from('ours')]), false, "upstream's own tarball");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sameBytes compares across chunk and block boundaries; a missing file is not the same', () => {
  const dir = tempDir('tacd-replace-');
  try {
    const f = path.join(dir, 'f');
    const data = Buffer.alloc((1 << 20) + 17, 7);
    writeFileSync(f, data);
    assert.equal(sameBytes(f, [data.subarray(0, 5), data.subarray(5)]), true);
    const other = Buffer.from(data);
    other[(1 << 20) + 3] = 8;
    assert.equal(sameBytes(f, [other]), false);
    assert.equal(sameBytes(f, [data.subarray(1)]), false, 'another size');
    assert.equal(sameBytes(path.join(dir, 'none'), [data]), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("refuseForeign: a missing file is fine, ours is replaced, the user's is refused with 73", () => {
  const dir = tempDir('tacd-replace-');
  try {
    const final = path.join(dir, 'x.deb');
    refuseForeign(final, isPackage, []);
    writeFileSync(final, DEB);
    refuseForeign(final, isPackage, []);
    writeFileSync(final, 'my notes');
    assert.throws(() => refuseForeign(final, isPackage, []), (e: unknown) => (e as { exitCode?: number }).exitCode === 73 && /refusing to replace .*x\.deb: it exists and is not a package/.test((e as Error).message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
