// src/verify/unit-state.ts: the pure readings of systemd's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJournalJson, reasonLine, settledWord } from '../../src/verify/unit-state.js';

test('reasonLine: the last line that looks like an error, not systemd\'s own chatter', () => {
  assert.equal(reasonLine(['Started x.', 'listening on 80', 'Error: cannot bind', 'x.service: Main process exited, code=exited', 'Stopped x.']), 'Error: cannot bind');
  assert.equal(reasonLine(['Started x.', 'hello', 'Stopped x.']), 'hello');
  assert.equal(reasonLine(['Started x.']), 'Started x.');
  assert.equal(reasonLine([]), undefined);
});

test('settledWord: active and failed at once, auto-restart, inactive after 2 s, anything at the timeout', () => {
  assert.equal(settledWord('active', 'running', 0, 15_000), 'active');
  assert.equal(settledWord('failed', 'failed', 0, 15_000), 'failed');
  assert.equal(settledWord('activating', 'auto-restart', 0, 15_000), 'auto-restart');
  assert.equal(settledWord('inactive', 'dead', 1_000, 15_000), undefined);
  assert.equal(settledWord('inactive', 'dead', 2_001, 15_000), 'inactive');
  assert.equal(settledWord('activating', 'start', 5_000, 15_000), undefined);
  assert.equal(settledWord('activating', 'start', 15_001, 15_000), 'activating');
});

test('parseJournalJson: one entry per JSON line, {} for a broken one, other lines ignored', () => {
  assert.deepEqual(parseJournalJson('{"MESSAGE":"Started x.","JOB_TYPE":"start"}\n-- No entries --\n{broken\n'), [{ MESSAGE: 'Started x.', JOB_TYPE: 'start' }, {}]);
});
