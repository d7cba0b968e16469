// src/verify/container/procs.ts: telling a live process from a gone or reused pid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { alive, childrenOf, comm, processStart, signalIfAlive, waitGone } from '../../../src/verify/container/procs.js';

test('this process: alive with its start time, not with another; a pid that cannot exist is gone', () => {
  const start = processStart(process.pid);
  assert.match(start ?? '', /^\d+$/);
  assert.equal(alive(process.pid, start), true);
  assert.equal(alive(process.pid, `${start}1`), false);
  assert.equal(alive(undefined, start), false);
  assert.equal(processStart(2 ** 30), undefined);
  assert.equal(alive(2 ** 30, '1'), false);
});

test('a child: found by childrenOf and comm, signalled while alive, then gone', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const pid = child.pid!;
    const start = processStart(pid);
    assert.ok(childrenOf(process.pid).includes(pid));
    assert.equal(comm(pid), 'sleep');
    const exited = new Promise((r) => child.once('exit', r));
    signalIfAlive(pid, start, 'SIGTERM');
    await exited;
    assert.equal(await waitGone(pid, start, 2_000), true);
    signalIfAlive(pid, start, 'SIGKILL'); // gone: nothing happens
    assert.equal(comm(pid), '');
  } finally {
    child.kill('SIGKILL');
  }
});

test('waitGone: false when the process outlives the wait', async () => {
  assert.equal(await waitGone(process.pid, processStart(process.pid), 150), false);
});
