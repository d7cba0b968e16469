// src/verify/container/live.ts: this process's containers get SIGTERM from stopLiveContainers().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { addLive, deleteLive, stopLiveContainers } from '../../../src/verify/container/live.js';
import { processStart } from '../../../src/verify/container/procs.js';

test('stopLiveContainers signals the recorded nspawn of each live container; a deleted one is left alone', async () => {
  const a = spawn('sleep', ['30'], { stdio: 'ignore' });
  const b = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const rec = (pid: number) => ({ ownerPid: process.pid, ownerStart: processStart(process.pid)!, nspawnPid: pid, nspawnStart: processStart(pid)!, merged: '/none' });
    const ra = rec(a.pid!);
    const rb = rec(b.pid!);
    addLive(ra);
    addLive(rb);
    deleteLive(rb);
    const ended = new Promise<NodeJS.Signals | null>((r) => a.once('exit', (_, sig) => r(sig)));
    stopLiveContainers();
    assert.equal(await ended, 'SIGTERM');
    assert.equal(b.exitCode, null);
    assert.equal(b.signalCode, null);
    deleteLive(ra);
  } finally {
    a.kill('SIGKILL');
    b.kill('SIGKILL');
  }
});
