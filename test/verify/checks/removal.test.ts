// src/verify/checks/removal.ts: what counts as a failed removal command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolProblems } from '../../../src/verify/checks/removal.js';

test('toolProblems: a non-zero exit with its reason, a timeout, rpm\'s scriptlet warning; nothing for a clean run', () => {
  assert.deepEqual(toolProblems('dpkg -r', { exitCode: 0, stdout: 'Removing x\n', stderr: '' }), []);
  assert.deepEqual(toolProblems('dpkg -P', { exitCode: 1, stdout: '', stderr: 'dpkg: error processing x\n' }), ['dpkg -P exited 1: dpkg: error processing x']);
  assert.deepEqual(toolProblems('rpm -e', { exitCode: 0, stdout: '', stderr: 'warning: %preun(x) scriptlet failed, exit status 1\n' }), [
    'rpm -e: warning: %preun(x) scriptlet failed, exit status 1',
  ]);
  assert.match(toolProblems('rpm -e', { exitCode: 124, stdout: '', stderr: '', timedOut: true })[0]!, /^rpm -e did not finish within 120 s/);
});
