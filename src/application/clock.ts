/**
 * Time as a dependency (Twisted's IReactorTime and twisted.internet.task.Clock).
 * Services that wait (TimerService, ClientService) take an `IClock`, so tests
 * drive them with a `FakeClock` instead of sleeping. All times are in
 * milliseconds.
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

function checkDelay(delayMs: number): number {
  if (Number.isNaN(delayMs)) throw new RangeError('callLater: delay is NaN');
  return Math.max(0, delayMs);
}

/**
 * The real clock: `now()` is monotonic (performance.now, ms since process
 * start, immune to wall-clock changes), `callLater` uses setTimeout and
 * keeps the process alive while a call is pending. Delays longer than
 * setTimeout's limit are chained, so a daily timer works.
 */
export const realClock: IClock = {
  now: () => performance.now(),
  callLater(delayMs: number, fn: () => void): DelayedCall {
    const due = performance.now() + checkDelay(delayMs);
    let active = true;
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const left = due - performance.now();
      handle = setTimeout(() => {
        if (due - performance.now() > 1) return arm();
        active = false;
        fn();
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
  readonly fn: () => void;
  active: boolean;
}

/**
 * A deterministic clock for tests (Twisted's task.Clock): time stands still
 * until `advance` moves it; due calls then run in time order (ties in the
 * order they were scheduled), each seeing `now()` equal to its own due time.
 * Calls scheduled while advancing run too if they fall due before the end.
 *
 * Promise continuations do not run inside `advance`; await a macrotask
 * (e.g. `setImmediate`) afterwards to let async code settle.
 */
export class FakeClock implements IClock {
  private time: number;
  private seq = 0;
  private calls: FakeCall[] = [];

  /** @param start the initial `now()` in ms (default 0). */
  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  callLater(delayMs: number, fn: () => void): DelayedCall {
    const call: FakeCall = { time: this.time + checkDelay(delayMs), seq: this.seq++, fn, active: true };
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
   * Moves time forward by `ms` (≥ 0), running every call that falls due, in order.
   * @throws RangeError for a negative or NaN amount.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: expected ms >= 0, got ${ms}`);
    const end = this.time + ms;
    for (;;) {
      const next = this.calls[0];
      if (next === undefined || next.time > end) break;
      this.calls.shift();
      this.time = Math.max(this.time, next.time);
      next.active = false;
      next.fn();
    }
    this.time = end;
  }

  /** Advances by each amount in turn (Twisted's Clock.pump). */
  pump(amounts: Iterable<number>): void {
    for (const ms of amounts) this.advance(ms);
  }

  /** The pending calls, soonest first, with their due times (ms). */
  get pending(): ReadonlyArray<{ readonly time: number; readonly delay: number }> {
    return this.calls.map((c) => ({ time: c.time, delay: c.time - this.time }));
  }
}
