// Clock/FakeClock and realClock (the IClock implementations of src/application/clock.ts).
// Every time is in seconds, as Twisted's IReactorTime and task.Clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock, FakeClock, realClock } from '../../src/application/clock.js';
import { TimerService } from '../../src/application/timer-service.js';

test('FakeClock runs due calls in time order, each seeing its own due time (seconds)', () => {
  const clock = new FakeClock();
  const seen: string[] = [];
  clock.callLater(3, () => seen.push(`c@${clock.seconds()}`));
  clock.callLater(1, () => seen.push(`a@${clock.seconds()}`));
  clock.callLater(1, () => seen.push(`b@${clock.seconds()}`));
  clock.advance(0.5);
  assert.deepEqual(seen, []);
  assert.deepEqual(clock.pending.map((p) => p.delay), [0.5, 0.5, 2.5]);
  clock.advance(3);
  assert.deepEqual(seen, ['a@1', 'b@1', 'c@3']);
  assert.equal(clock.seconds(), 3.5);
  assert.equal(clock.pending.length, 0);
});

test('FakeClock runs calls scheduled during advance when they fall due before the end; callLater passes extra arguments', () => {
  const clock = new FakeClock(100);
  const seen: Array<[number, string]> = [];
  const tick = (tag: string): void => {
    seen.push([clock.seconds(), tag]);
    clock.callLater(10, tick, tag);
  };
  clock.callLater(10, tick, 'x');
  clock.advance(35);
  assert.deepEqual(seen, [
    [110, 'x'],
    [120, 'x'],
    [130, 'x'],
  ]);
  assert.equal(clock.pending[0]?.time, 140);
});

test('FakeClock cancel removes the call and clears active; advance rejects negative time and non-numbers', () => {
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
  assert.throws(() => clock.advance('1' as never), TypeError);
  assert.throws(() => clock.callLater(1, 'f' as never), TypeError);
});

test('Clock is Twisted\'s name for the fake clock: TimerService(1, fn) + clock.advance(1) makes the second call', () => {
  assert.equal(Clock, FakeClock);
  const clock = new Clock();
  const calls: number[] = [];
  const t = new TimerService(1, () => void calls.push(clock.seconds()));
  t.clock = clock;
  t.startService();
  clock.advance(1);
  clock.advance(1);
  assert.deepEqual(calls, [0, 1, 2]);
  void t.stopService();
});

test('TimerService with a fractional step stays on its grid despite float seconds', () => {
  const clock = new Clock();
  let n = 0;
  const t = new TimerService(0.1, () => {
    if (++n > 1000) throw new Error('runaway timer: calls without time passing'); // fails the count instead of hanging
  });
  t.clock = clock;
  t.startService();
  for (let i = 0; i < 30; i++) clock.advance(0.1);
  assert.equal(n, 31, 'one call at start, then one per 0.1 s, never two at once');
  void t.stopService();
});

test('realClock: monotonic seconds, callLater(seconds) fires, cancel prevents it', async () => {
  const t0 = realClock.seconds();
  let cancelledRan = false;
  const cancelled = realClock.callLater(0.005, () => (cancelledRan = true));
  cancelled.cancel();
  assert.equal(cancelled.active, false);
  const fired = await new Promise<number>((resolve) => {
    const call = realClock.callLater(0.02, () => resolve(realClock.seconds()));
    assert.equal(call.active, true);
  });
  assert.ok(fired - t0 >= 0.019, `fired after ${fired - t0} s`);
  assert.ok(fired - t0 < 5, `seconds, not milliseconds: ${fired - t0}`);
  assert.equal(cancelledRan, false);
});
