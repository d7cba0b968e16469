import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '../../../src/core/errors.js';
import { arChunks, arHeader } from '../../../src/formats/archive/ar.js';
import { have } from './tar-walk.js';

const enc = new TextEncoder();

test('member headers are exactly dpkg\'s "%-16s%-12d%-6d%-6d%-8o%-10d`\\n"', () => {
  const h = Buffer.from(arHeader('debian-binary', 4, 1700000000)).toString('latin1');
  assert.equal(h, 'debian-binary   1700000000  0     0     100644  4         `\n');
  assert.equal(h.length, 60);
});

test('the archive starts with !<arch>, keeps member order and pads odd members with one newline', () => {
  const bytes = Buffer.concat(
    arChunks([
      { name: 'debian-binary', data: enc.encode('2.0\n'), mtime: 0 },
      { name: 'odd', data: enc.encode('abc'), mtime: 0 },
      { name: 'even', data: enc.encode('ab'), mtime: 0 },
    ]),
  );
  assert.equal(bytes.subarray(0, 8).toString(), '!<arch>\n');
  assert.equal(bytes.length, 8 + 60 + 4 + 60 + 3 + 1 + 60 + 2);
  assert.equal(bytes.subarray(8 + 64 + 60, 8 + 64 + 64).toString(), 'abc\n');
  assert.equal(bytes.subarray(8 + 64 + 48, 8 + 64 + 58).toString(), '3         ', 'the pad is not counted in the size');
});

test('binutils ar lists and extracts our members', (t) => {
  if (!have('ar')) return t.skip('binutils ar not installed: cannot cross-check the ar container');
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-ar-'));
  try {
    const file = path.join(dir, 'x.a');
    writeFileSync(file, Buffer.concat(arChunks([{ name: 'one', data: enc.encode('1'), mtime: 5 }, { name: 'control.tar.xz', data: enc.encode('two\n'), mtime: 5 }])));
    assert.equal(spawnSync('ar', ['t', file]).stdout.toString(), 'one\ncontrol.tar.xz\n');
    assert.equal(spawnSync('ar', ['p', file, 'control.tar.xz']).stdout.toString(), 'two\n');
    assert.equal(spawnSync('ar', ['p', file, 'one']).stdout.toString(), '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('names over 15 characters, with a slash or empty, and oversized members are DataErrors', () => {
  assert.throws(() => arHeader('a-very-long-member', 1, 0), DataError);
  assert.throws(() => arHeader('a/b', 1, 0), /ar member name/);
  assert.throws(() => arHeader('', 1, 0), DataError);
  assert.throws(() => arHeader('x', 10_000_000_000, 0), /size/);
  assert.throws(() => arHeader('x', 1, -5), /mtime/);
});

test('our member headers equal the ones dpkg-deb --build writes, byte for byte', (t) => {
  if (!have('dpkg-deb')) return t.skip('dpkg-deb not installed: cannot compare ar headers with dpkg');
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-ar-dpkg-'));
  try {
    const stage = path.join(dir, 'stage');
    mkdirSync(path.join(stage, 'DEBIAN'), { recursive: true });
    writeFileSync(path.join(stage, 'DEBIAN/control'), 'Package: archeck\nVersion: 1.0\nArchitecture: all\nMaintainer: A B <a@example.org>\nDescription: x\n y\n');
    const out = path.join(dir, 'a.deb');
    const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, out], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const deb = readFileSync(out);
    let at = 8;
    const names: string[] = [];
    while (at < deb.length) {
      const theirs = deb.subarray(at, at + 60);
      const name = theirs.subarray(0, 16).toString().trim();
      const size = Number(theirs.subarray(48, 58).toString().trim());
      names.push(name);
      assert.equal(Buffer.from(arHeader(name, size, 1700000000)).toString('latin1'), theirs.toString('latin1'), `header of ${name}`);
      at += 60 + size + (size % 2);
    }
    assert.deepEqual(names, ['debian-binary', 'control.tar.xz', 'data.tar.xz']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
