// src/verify/interrupt.ts: the interrupted error and waiting for an abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TacError } from '../../src/core/errors.js';
import { interruptedError, throwIfAborted, whenAborted } from '../../src/verify/interrupt.js';

test('interruptedError names the signal given as the reason, else "an abort"', () => {
  const a = new AbortController();
  a.abort('SIGINT');
  const e = interruptedError(a.signal);
  assert.ok(e instanceof TacError);
  assert.equal(e.code, 'tacd.verify.interrupted');
  assert.equal(e.message, 'interrupted by SIGINT');
  const b = new AbortController();
  b.abort(new Error('x'));
  assert.equal(interruptedError(b.signal).message, 'interrupted by an abort');
});

test('throwIfAborted: nothing before the abort, interruptedError after', () => {
  const a = new AbortController();
  throwIfAborted(undefined);
  throwIfAborted(a.signal);
  a.abort('SIGTERM');
  assert.throws(() => throwIfAborted(a.signal), /^TempFailError: interrupted by SIGTERM$/);
});

test('whenAborted rejects on the abort (also one that already happened), and never without a signal', async () => {
  const a = new AbortController();
  const w = whenAborted(a.signal);
  setTimeout(() => a.abort('SIGHUP'), 10);
  await assert.rejects(w.promise, /interrupted by SIGHUP/);
  w.dispose();
  await assert.rejects(whenAborted(a.signal).promise, /interrupted by SIGHUP/);
  const none = whenAborted(undefined);
  const raced = await Promise.race([none.promise.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 20))]);
  assert.equal(raced, 'pending');
});
