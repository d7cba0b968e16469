// src/verify/rootfs/lock.ts: flock(1) serialises holders, also across a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFileLock } from '../../../src/verify/rootfs/lock.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('withFileLock: a second holder waits for the first (and is told so); a throwing holder releases the lock', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-lock-'));
  const lock = path.join(dir, 'sub', '.lock');
  const events: string[] = [];
  const waits: string[] = [];
  try {
    const first = withFileLock(lock, async () => {
      events.push('first in');
      await sleep(1300);
      events.push('first out');
      throw new Error('first failed');
    });
    await sleep(200);
    const second = withFileLock(lock, async () => {
      events.push('second in');
      return 42;
    }, (l) => waits.push(l));
    await assert.rejects(first, /first failed/);
    assert.equal(await second, 42);
    assert.deepEqual(events, ['first in', 'first out', 'second in']);
    assert.deepEqual(waits, [`waiting for lock ${lock} (another build is running)`]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
