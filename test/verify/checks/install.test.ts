// src/verify/checks/install.ts: reading the upgrade from systemd's journal entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upgradeEventProblems } from '../../../src/verify/checks/install.js';

test('upgradeEventProblems: one restart is fine; a stop job or a start count other than one is named', () => {
  const restart = [{ MESSAGE: 'Stopping x...', JOB_TYPE: 'restart' }, { MESSAGE: 'Stopped x.', JOB_TYPE: 'restart' }, { MESSAGE: 'Started x.', JOB_TYPE: 'restart' }];
  assert.deepEqual(upgradeEventProblems(restart, 'x.service'), []);
  assert.deepEqual(upgradeEventProblems([{ MESSAGE: 'Stopped x.', JOB_TYPE: 'stop' }, { MESSAGE: 'Started x.', JOB_TYPE: 'start' }], 'x.service'), [
    'x.service was stopped during the upgrade (a stop and a start, not one restart)',
  ]);
  assert.deepEqual(upgradeEventProblems([], 'x.service'), ['x.service was started 0 times during the upgrade (expected exactly one restart)']);
});
