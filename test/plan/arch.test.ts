import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debianArch } from '../../src/plan/arch.js';
import { DataError } from '../../src/core/errors.js';

test("Debian names stay, rpm's are mapped", () => {
  assert.equal(debianArch('arm64', '--arch'), 'arm64');
  assert.equal(debianArch('x86_64', '--arch'), 'amd64');
  assert.equal(debianArch('aarch64', '--arch'), 'arm64');
  assert.equal(debianArch('armv7hl', '--arch'), 'armhf');
  assert.equal(debianArch('noarch', '--arch'), 'all');
  assert.equal(debianArch(undefined, '--arch'), undefined);
});

test('an unknown arch is one line naming what is accepted (65)', () => {
  assert.throws(() => debianArch('sparc', '--arch'), (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.message === "--arch 'sparc': unknown architecture; expected amd64, arm64 or armhf (or rpm's x86_64, aarch64, armv7hl), i386, ppc64el, s390x, riscv64 or all");
});
