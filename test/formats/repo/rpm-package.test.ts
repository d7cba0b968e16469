// Reading an .rpm's headers: what rpm -qp says, and the inputs that are not binary packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import { readRpmPackage } from '../../../src/formats/repo/rpm-package.js';
import { smallRpm } from './packages.js';

test('identity, sizes and dependencies of our .rpm', async () => {
  const p = readRpmPackage(await smallRpm('echo', '1.2.3', 'amd64'), 'echo.rpm');
  assert.deepEqual([p.name, p.epoch, p.version, p.release, p.arch], ['echo', '0', '1.2.3', '1', 'x86_64']);
  assert.deepEqual(p.deps.requires, [{ name: 'adduser' }, { name: 'libc6', flags: 'GE', epoch: '0', ver: '2.36' }]);
  assert.ok(p.files.some((f) => f.path === '/usr/lib/echo' && f.type === 'dir'));
  assert.ok(p.headerEnd > p.headerStart && p.headerStart > 96);
});

test('not a binary rpm: one DataError naming the file', async () => {
  const rpm = await smallRpm('echo', '1.0');
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode('#!/bin/sh\n'.repeat(20)), /^x\.rpm: not an RPM package \(no rpm lead magic at its start\)$/],
    [rpm.subarray(0, 300), /^x\.rpm: not an RPM package \(the (signature|main) header runs past the end\)$/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => readRpmPackage(bytes, 'x.rpm'), (e: unknown) => e instanceof DataError && e.code.startsWith('repo.rpm') && message.test(e.message));
  }
});
