// The interrupt cleanups: registered, unregistered, run newest first, each once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onInterrupt, removeOnInterrupt, runInterruptCleanups } from '../../src/core/interrupt.js';

test('cleanups run newest first, once; an unregistered one does not run; a failing one does not stop the others', () => {
  runInterruptCleanups();
  const ran: string[] = [];
  onInterrupt(() => ran.push('first'));
  const release = onInterrupt(() => ran.push('released'));
  onInterrupt(() => {
    throw new Error('boom');
  });
  onInterrupt(() => ran.push('last'));
  release();
  assert.equal(runInterruptCleanups(), 3);
  assert.deepEqual(ran, ['last', 'first']);
  assert.equal(runInterruptCleanups(), 0, 'each runs once');
});

test('removeOnInterrupt removes a file or a whole folder; released, it leaves them', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tacd-int-'));
  try {
    const tree = path.join(dir, 'tree');
    mkdirSync(path.join(tree, 'a'), { recursive: true });
    writeFileSync(path.join(tree, 'a', 'f'), 'x');
    const kept = path.join(dir, 'kept');
    writeFileSync(kept, 'y');
    removeOnInterrupt(tree);
    removeOnInterrupt(kept)();
    runInterruptCleanups();
    assert.equal(existsSync(tree), false);
    assert.equal(existsSync(kept), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
