// TimerService: checklist items 27-31 of twisted-runtime.md §5 (after
// application/test/test_internet.py TimerServiceTests and test_application.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/application/clock.js';
import { TimerService } from '../../src/application/timer-service.js';
import { MultiService } from '../../src/application/multi-service.js';
import { ServiceError } from '../../src/application/service.js';
import { captureLogs, deferred, settle } from './helpers.js';

function timer(step: number, fn: (...a: unknown[]) => unknown, ...args: unknown[]): { t: TimerService; clock: FakeClock } {
  const t = new TimerService(step, fn, ...args);
  const clock = new FakeClock();
  t.clock = clock;
  return { t, clock };
}

test('#27 TimerService calls at once on start (with its arguments), then every step', () => {
  const calls: Array<[number, unknown[]]> = [];
  const { t, clock } = timer(
    1,
    (...a: unknown[]) => {
      calls.push([clock.seconds(), a]);
    },
    'x',
    2,
  );
  t.startService();
  assert.equal(t.running, true);
  assert.deepEqual(calls, [[0, ['x', 2]]], 'the first call happens inside startService');
  clock.advance(0.999);
  assert.equal(calls.length, 1);
  clock.advance(0.001);
  clock.advance(1);
  assert.deepEqual(
    calls.map(([at]) => at),
    [0, 1, 2],
  );
  void t.stopService();
  clock.advance(5);
  assert.equal(calls.length, 3);
});

test('#27 TimerService inside a started MultiService loops until the tree stops', async () => {
  const ms = new MultiService();
  let n = 0;
  const { t, clock } = timer(2, () => void n++);
  t.setServiceParent(ms);
  await ms.startService();
  clock.pump([2, 2, 2]);
  assert.equal(n, 4);
  await ms.stopService();
  assert.equal(t.running, false);
  clock.advance(10);
  assert.equal(n, 4);
});

test('TimerService stays aligned to the start time and skips missed intervals after a slow call', async () => {
  const { t, clock } = timer(1, () => {
    const at = clock.seconds();
    starts.push(at);
    if (at === 1) return slow.promise;
    return undefined;
  });
  const starts: number[] = [];
  const slow = deferred();
  t.startService();
  clock.advance(1); // second call starts at 1 s and takes 2.5 s
  clock.advance(2.5);
  slow.resolve();
  await settle();
  // Settled at 3.5 s: the calls due at 2 and 3 are skipped; the next is at 4, not 4.5.
  assert.deepEqual(clock.pending.map((p) => p.time), [4]);
  clock.advance(0.5);
  assert.deepEqual(starts, [0, 1, 4]);
  await t.stopService();
});

test('TimerService waits for a returned Promise before scheduling the next call', async () => {
  const gate = deferred();
  let n = 0;
  const { t, clock } = timer(1, () => {
    n++;
    return n === 1 ? gate.promise : undefined;
  });
  t.startService();
  clock.advance(5);
  assert.equal(n, 1, 'no call while the first is in flight');
  assert.equal(clock.pending.length, 0);
  gate.resolve();
  await settle();
  assert.equal(clock.pending.length, 1);
  await t.stopService();
});

test('#28 stopService waits for an in-flight call; running stays true until it settles', async () => {
  const gate = deferred();
  const { t, clock } = timer(1, () => gate.promise);
  t.startService();
  let stopped = false;
  const stopping = t.stopService().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false);
  assert.equal(t.running, true);
  gate.resolve();
  await stopping;
  assert.equal(t.running, false);
  clock.advance(10);
  assert.equal(clock.pending.length, 0, 'no call is scheduled after the stop');
});

test('#29 stopService with no call in flight resolves at once; before any start too (fix of Twisted #6202)', async () => {
  const never = new TimerService(1, () => {});
  never.clock = new FakeClock();
  let done = false;
  void never.stopService().then(() => (done = true));
  await Promise.resolve();
  assert.equal(done, true, 'stop before start resolves without error');

  const { t, clock } = timer(1, () => {});
  t.startService();
  assert.equal(clock.pending.length, 1);
  let stopped = false;
  void t.stopService().then(() => (stopped = true));
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(stopped, true);
  assert.equal(t.running, false);
  assert.equal(clock.pending.length, 0, 'the pending call was cancelled');
});

test('#30 a failing call is logged exactly once, the loop stops, and stopService still resolves', async () => {
  const logs = captureLogs();
  try {
    const boom = new Error('timer boom');
    let n = 0;
    const { t, clock } = timer(1, function brokenTick() {
      n++;
      if (n === 2) throw boom;
    });
    t.startService();
    clock.advance(1);
    assert.equal(n, 2);
    clock.advance(5);
    assert.equal(n, 2, 'the loop stopped');
    const failures = logs.events.filter((e) => e.level === 'error' && e.error === boom);
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.message, /brokenTick/);
    assert.equal(t.running, true, 'as in Twisted, the service stays running until stopped');
    await t.stopService();
    assert.equal(t.running, false);

    // A rejected Promise counts the same.
    const rejected = timer(1, () => Promise.reject(new Error('async boom')));
    rejected.t.startService();
    await settle();
    rejected.clock.advance(5);
    assert.equal(logs.events.filter((e) => (e.error as Error | undefined)?.message === 'async boom').length, 1);
    await rejected.t.stopService();
  } finally {
    logs.stop();
  }
});

test('#31 TimerService can be stopped and started again', async () => {
  let n = 0;
  const { t, clock } = timer(1, () => void n++);
  t.startService();
  clock.advance(1);
  assert.equal(n, 2);
  await t.stopService();
  clock.advance(3);
  assert.equal(n, 2);
  t.startService();
  assert.equal(n, 3, 'a restart calls at once again');
  clock.advance(1);
  assert.equal(n, 4);
  assert.equal(t.running, true);
  await t.stopService();
});

test('TimerService rejects a negative or non-numeric step with a ServiceError', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => new TimerService(bad, () => {}),
      (e: unknown) => e instanceof ServiceError && e.code === 'tacd.timer.badStep',
    );
  }
});

test('TimerService with the real clock ticks', async () => {
  let n = 0;
  const t = new TimerService(0.01, () => void n++);
  t.startService();
  await new Promise((r) => setTimeout(r, 55));
  await t.stopService();
  assert.ok(n >= 3, `expected several calls in 55 ms, got ${n}`);
});

test('a duplicate startService logs a warning and does not start a second loop', async () => {
  const logs = captureLogs();
  try {
    let n = 0;
    const { t, clock } = timer(1, () => void n++);
    t.startService();
    t.startService();
    assert.equal(n, 1);
    clock.advance(1);
    assert.equal(n, 2, 'one loop only');
    assert.equal(logs.events.filter((e) => e.level === 'warn' && /Duplicate TimerService\.startService/.test(e.message)).length, 1);
    await t.stopService();
  } finally {
    logs.stop();
  }
});

test('a start while a stop waits for the in-flight call begins a new loop that the old stop does not end', async () => {
  const gate = deferred();
  let n = 0;
  const { t, clock } = timer(1, () => {
    n++;
    return n === 1 ? gate.promise : undefined;
  });
  t.startService();
  const stopping = t.stopService();
  t.startService();
  assert.equal(n, 2, 'the new loop calls at once');
  gate.resolve();
  await stopping;
  assert.equal(t.running, true);
  clock.advance(1);
  assert.equal(n, 3);
  await t.stopService();
  assert.equal(t.running, false);
});
