/**
 * Time as a dependency (Twisted's IReactorTime and twisted.internet.task.Clock).
 * Services that wait (TimerService, ClientService) take an `IClock`, so tests
 * drive them with a fake clock (`Clock`, also named `FakeClock`) instead of
 * sleeping.
 *
 * Every time in this API is in **seconds** (a float), as in Twisted:
 * `seconds()`, `callLater(delay, fn)`, `advance(amount)`, like
 * TimerService's step and ClientService's retry delays. So the Twisted test
 * idiom works unchanged:
 *
 * ```ts
 * const clock = new Clock();
 * const t = new TimerService(1, tick);
 * t.clock = clock;
 * t.startService();   // first call at once
 * clock.advance(1);   // second call
 * ```
 */
import { performance } from 'node:perf_hooks';
import type { IClock } from './interfaces.js';

/** A scheduled call, as returned by `IClock.callLater`. */
export interface DelayedCall {
  /** Cancels the call; does nothing if it already ran or was cancelled. */
  cancel(): void;
  /** True until the call runs or is cancelled. */
  readonly active: boolean;
}

/** The largest delay setTimeout accepts (2^31 - 1 ms, about 24.8 days); longer delays are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function checkSeconds(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what}: expected a number of seconds, got ${typeof value}`);
  if (Number.isNaN(value)) throw new RangeError(`${what}: the number of seconds is NaN`);
  return value;
}

function checkCallable(fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`callLater: expected a function to call, got ${typeof fn}`);
}

/**
 * The real clock. `seconds()` is monotonic (performance.now in seconds since
 * the process started, immune to wall-clock changes; Twisted's
 * reactor.seconds() is the wall clock, which a TimerService must not
 * follow across a clock change). `callLater(delaySeconds, fn, ...args)`
 * uses setTimeout and keeps the process alive while a call is pending;
 * delays longer than setTimeout's limit are chained, so a daily timer works.
 */
export const realClock: IClock = {
  seconds: () => performance.now() / 1000,
  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => void, ...args: A): DelayedCall {
    const delay = checkSeconds(delaySeconds, 'callLater');
    checkCallable(fn);
    const due = performance.now() + Math.max(0, delay) * 1000;
    let active = true;
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const left = due - performance.now();
      handle = setTimeout(() => {
        if (due - performance.now() > 1) return arm();
        active = false;
        fn(...args);
      }, Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
    };
    arm();
    return {
      cancel(): void {
        if (!active) return;
        active = false;
        clearTimeout(handle);
      },
      get active(): boolean {
        return active;
      },
    };
  },
};

interface FakeCall {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
  active: boolean;
}

/**
 * A deterministic clock for tests (Twisted's task.Clock, exported as both
 * `Clock` and `FakeClock`): time, in seconds, stands still until `advance`
 * moves it; due calls then run in time order (ties in the order they were
 * scheduled), each seeing `seconds()` equal to its own due time. Calls
 * scheduled while advancing run too if they fall due before the end.
 *
 * Promise continuations do not run inside `advance`; await a macrotask
 * (e.g. `setImmediate`) afterwards to let async code settle.
 */
export class FakeClock implements IClock {
  private time: number;
  private seq = 0;
  private calls: FakeCall[] = [];

  /** @param start the initial `seconds()` (default 0). */
  constructor(start = 0) {
    this.time = checkSeconds(start, 'Clock');
  }

  /** The current fake time, in seconds. */
  seconds(): number {
    return this.time;
  }

  /** Runs `fn(...args)` once `delaySeconds` have passed on this clock (a negative delay counts as 0). */
  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => void, ...args: A): DelayedCall {
    const delay = checkSeconds(delaySeconds, 'callLater');
    checkCallable(fn);
    const call: FakeCall = { time: this.time + Math.max(0, delay), seq: this.seq++, run: () => fn(...args), active: true };
    this.calls.push(call);
    this.calls.sort((a, b) => a.time - b.time || a.seq - b.seq);
    return {
      cancel: () => {
        if (!call.active) return;
        call.active = false;
        this.calls = this.calls.filter((c) => c !== call);
      },
      get active(): boolean {
        return call.active;
      },
    };
  }

  /**
   * Moves time forward by `amount` seconds (≥ 0), running every call that falls due, in order.
   * @throws RangeError for a negative or NaN amount, TypeError for a non-number.
   */
  advance(amount: number): void {
    checkSeconds(amount, 'Clock.advance');
    if (amount < 0) throw new RangeError(`Clock.advance: expected seconds >= 0, got ${amount}`);
    const end = this.time + amount;
    for (;;) {
      const next = this.calls[0];
      if (next === undefined || next.time > end) break;
      this.calls.shift();
      this.time = Math.max(this.time, next.time);
      next.active = false;
      next.run();
    }
    this.time = end;
  }

  /** Advances by each amount (seconds) in turn (Twisted's Clock.pump). */
  pump(amounts: Iterable<number>): void {
    for (const s of amounts) this.advance(s);
  }

  /** The pending calls, soonest first, with their due times and the delays left (seconds). */
  get pending(): ReadonlyArray<{ readonly time: number; readonly delay: number }> {
    return this.calls.map((c) => ({ time: c.time, delay: c.time - this.time }));
  }
}

/** Twisted's name for the fake clock (twisted.internet.task.Clock). */
export const Clock = FakeClock;
/** Twisted's name for the fake clock (twisted.internet.task.Clock). */
export type Clock = FakeClock;
