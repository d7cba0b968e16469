// FakeClock and realClock (the IClock implementations of src/application/clock.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, realClock } from '../../src/application/clock.js';

test('FakeClock runs due calls in time order, each seeing its own due time', () => {
  const clock = new FakeClock();
  const seen: string[] = [];
  clock.callLater(30, () => seen.push(`c@${clock.now()}`));
  clock.callLater(10, () => seen.push(`a@${clock.now()}`));
  clock.callLater(10, () => seen.push(`b@${clock.now()}`));
  clock.advance(9);
  assert.deepEqual(seen, []);
  assert.deepEqual(clock.pending.map((p) => p.delay), [1, 1, 21]);
  clock.advance(25);
  assert.deepEqual(seen, ['a@10', 'b@10', 'c@30']);
  assert.equal(clock.now(), 34);
  assert.equal(clock.pending.length, 0);
});

test('FakeClock runs calls scheduled during advance when they fall due before the end', () => {
  const clock = new FakeClock(100);
  const seen: number[] = [];
  const tick = (): void => {
    seen.push(clock.now());
    clock.callLater(10, tick);
  };
  clock.callLater(10, tick);
  clock.advance(35);
  assert.deepEqual(seen, [110, 120, 130]);
  assert.equal(clock.pending[0]?.time, 140);
});

test('FakeClock cancel removes the call and clears active; advance rejects negative time', () => {
  const clock = new FakeClock();
  let ran = false;
  const call = clock.callLater(5, () => (ran = true));
  assert.equal(call.active, true);
  call.cancel();
  call.cancel();
  assert.equal(call.active, false);
  clock.advance(10);
  assert.equal(ran, false);
  const done = clock.callLater(0, () => {});
  clock.advance(0);
  assert.equal(done.active, false);
  assert.throws(() => clock.advance(-1), RangeError);
});

test('realClock: monotonic now, callLater fires, cancel prevents it', async () => {
  const t0 = realClock.now();
  let cancelledRan = false;
  const cancelled = realClock.callLater(5, () => (cancelledRan = true));
  cancelled.cancel();
  assert.equal(cancelled.active, false);
  const fired = await new Promise<number>((resolve) => {
    const call = realClock.callLater(20, () => resolve(realClock.now()));
    assert.equal(call.active, true);
  });
  assert.ok(fired - t0 >= 19, `fired after ${fired - t0} ms`);
  assert.equal(cancelledRan, false);
});
