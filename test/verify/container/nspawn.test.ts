// src/verify/container/nspawn.ts: the systemd-nspawn command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nspawnArgs } from '../../../src/verify/container/nspawn.js';

test('nspawnArgs: boot without machined, console to a pipe; then network, binds and extra arguments in order', () => {
  const base = ['-D', '/s/m', '-M', 'tacd-1', '-b', '--register=no', '--keep-unit', '--console=pipe'];
  assert.deepEqual(nspawnArgs('/s/m', 'tacd-1', {}), base);
  assert.deepEqual(nspawnArgs('/s/m', 'tacd-1', { privateNetwork: true, bindReadOnly: ['/a', '/b:/c'], bind: ['/d'], nspawnArgs: ['--capability=all'] }), [
    ...base,
    '--private-network',
    '--bind-ro=/a',
    '--bind-ro=/b:/c',
    '--bind=/d',
    '--capability=all',
  ]);
  assert.deepEqual(nspawnArgs('/s/m', 'tacd-1', { privateNetwork: false }), base);
});
