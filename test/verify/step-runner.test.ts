// src/verify/step-runner.ts: pass, fail, skip after a failure, always, abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fail } from '../../src/verify/checks/check.js';
import { StepRunner } from '../../src/verify/step-runner.js';
import type { VerifyResult } from '../../src/verify/verify.js';

function runner(signal?: AbortSignal): { steps: StepRunner; result: VerifyResult; progress: string[] } {
  const result: VerifyResult = { ok: true, pkg: '/x.deb', format: 'deb', steps: [], totalMs: 0 };
  const progress: string[] = [];
  return { steps: new StepRunner(result, (l) => progress.push(l), signal), result, progress };
}

const view = (r: VerifyResult) => r.steps.map((s) => [s.name, s.ok, s.skipped ?? false, s.detail]);

test('a failed check (fail() or any error) fails the result; later checks are skipped unless they always run', async () => {
  const { steps, result, progress } = runner();
  assert.equal(await steps.run('a', async () => 'fine'), true);
  assert.equal(await steps.run('b', async () => fail('b is broken')), false);
  assert.equal(await steps.run('c', async () => 'never runs'), false);
  assert.equal(await steps.run('d', async () => 'runs anyway', { always: true }), true);
  assert.equal(await steps.run('e', async () => { throw new Error('boom\nsecond line'); }, { always: true }), false);
  steps.skip('f', 'skipped: --keep');
  assert.equal(result.ok, false);
  assert.deepEqual(view(result), [
    ['a', true, false, 'fine'],
    ['b', false, false, 'b is broken'],
    ['c', true, true, 'skipped: an earlier check failed'],
    ['d', true, false, 'runs anyway'],
    ['e', false, false, 'error: boom'],
    ['f', true, true, 'skipped: --keep'],
  ]);
  assert.deepEqual(progress, ['a...', 'b...', 'd...', 'e...']);
});

test('once aborted, run() throws interruptedError instead of recording a step', async () => {
  const a = new AbortController();
  const { steps, result } = runner(a.signal);
  await assert.rejects(
    steps.run('a', async () => {
      a.abort('SIGINT');
      throw new Error('killed by the interrupt');
    }),
    /interrupted by SIGINT/,
  );
  await assert.rejects(steps.run('b', async () => 'x'), /interrupted by SIGINT/);
  assert.deepEqual(result.steps, []);
  assert.equal(result.ok, true);
});
