// src/verify/leftovers.ts: where a purged package may have left something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedCandidates, leftoverList } from '../../src/verify/leftovers.js';

test('fixedCandidates: unit files, drop-ins, defaults, state and log dirs of the package', () => {
  const c = fixedCandidates('echo', 'echo.service');
  for (const p of ['/lib/systemd/system/echo.service', '/etc/systemd/system/echo.service.d', '/etc/default/echo', '/etc/sysconfig/echo', '/var/lib/echo', '/var/log/echo']) assert.ok(c.includes(p), p);
  assert.equal(c.length, 11);
});

test('leftoverList: deduplicated and sorted; .rpmsave is kept on purpose by rpm only', () => {
  const out = '/var/lib/echo\n/etc/default/echo\n/var/lib/echo\n/etc/sysconfig/echo.rpmsave\n';
  assert.deepEqual(leftoverList(out, 'deb'), ['/etc/default/echo', '/etc/sysconfig/echo.rpmsave', '/var/lib/echo']);
  assert.deepEqual(leftoverList(out, 'rpm'), ['/etc/default/echo', '/var/lib/echo']);
  assert.deepEqual(leftoverList('', 'deb'), []);
});
