/**
 * TimerService: call a function every `step` seconds while the service runs
 * (twisted.application.internet.TimerService over task.LoopingCall).
 *
 * Semantics kept from Twisted:
 * - the first call happens at once, inside `startService`;
 * - calls stay aligned to the start time: after a call settles, the next one
 *   is scheduled at the next multiple of `step` after the start, so a slow
 *   call skips the intervals it overran instead of bunching calls up;
 * - a call returning a Promise is awaited before the next one is scheduled;
 * - a call that throws or rejects is logged once (log.failure) and stops the
 *   loop; the service stays `running` until `stopService`, which resolves;
 * - `stopService` waits for a call in flight, and `running` stays true until
 *   that call has settled;
 * - every start creates a fresh loop, so the service can be restarted.
 *
 * Deviations:
 * - `stopService` before `startService` resolves at once (Twisted raises
 *   AttributeError, issue #6202).
 * - A `startService` issued while a previous stop is still waiting for its
 *   in-flight call is not undone when that stop completes (`running` stays
 *   true for the new loop).
 * - A second `startService` while the loop is going logs "Duplicate
 *   TimerService.startService" and does nothing (Twisted starts a second
 *   LoopingCall and leaks the first).
 */
import { realClock, type DelayedCall } from './clock.js';
import type { IClock } from './interfaces.js';
import type { Logger } from './logger/logger.js';
import { Service, ServiceError, isPromiseLike } from './service.js';

/** One run of the loop, from a start to its stop or failure. */
class Loop {
  /** True until stopped or failed. */
  private live = true;
  private inFlight = false;
  private call: DelayedCall | null = null;
  private startTime = 0;
  private resolveFinished!: () => void;
  /** Resolves when the loop is stopped (or failed) and no call is in flight. */
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  /** Seconds between calls. */
  private readonly interval: number;
  private readonly clock: IClock;
  private readonly run: () => unknown;
  private readonly onFailure: (e: unknown) => void;

  constructor(interval: number, clock: IClock, run: () => unknown, onFailure: (e: unknown) => void) {
    this.interval = interval;
    this.clock = clock;
    this.run = run;
    this.onFailure = onFailure;
  }

  /** True from start until stopped or failed. */
  get isLive(): boolean {
    return this.live;
  }

  start(): void {
    this.startTime = this.clock.seconds();
    this.tick();
  }

  stop(): void {
    if (!this.live) return;
    this.live = false;
    this.call?.cancel();
    this.call = null;
    if (!this.inFlight) this.resolveFinished();
  }

  // Makes one call and, once it settles, schedules the next.
  private tick(): void {
    this.call = null;
    this.inFlight = true;
    let result: unknown;
    try {
      result = this.run();
    } catch (e) {
      return this.failed(e);
    }
    if (isPromiseLike(result)) {
      Promise.resolve(result).then(
        () => this.settled(),
        (e: unknown) => this.failed(e),
      );
    } else {
      this.settled();
    }
  }

  private settled(): void {
    this.inFlight = false;
    if (!this.live) return this.resolveFinished();
    this.call = this.clock.callLater(this.untilNextInterval(), () => this.tick());
  }

  private failed(e: unknown): void {
    this.inFlight = false;
    this.live = false;
    this.onFailure(e);
    this.resolveFinished();
  }

  // LoopingCall._scheduleFrom: the seconds to the next multiple of the interval after the start.
  private untilNextInterval(): number {
    if (this.interval === 0) return 0;
    const runningFor = this.clock.seconds() - this.startTime;
    const left = this.interval - (runningFor % this.interval);
    // Seconds are floats: a call that ran a rounding error before its multiple must not be followed at once by another.
    return left < this.interval * 1e-9 ? left + this.interval : left;
  }
}

/**
 * Calls `fn(...args)` at once on start, then every `step` seconds until stopped.
 *
 * ```ts
 * new TimerService(60, () => cache.purge()).setServiceParent(application);
 * ```
 */
export class TimerService<A extends unknown[] = unknown[]> extends Service {
  /** The interval, in seconds. */
  readonly step: number;
  readonly fn: (...args: A) => unknown;
  readonly args: A;
  /** The clock that schedules the calls (seconds); replace it (e.g. with a `Clock`) before starting. */
  clock: IClock = realClock;
  private loop: Loop | null = null;

  /**
   * @param step seconds between calls (≥ 0; 0 means "as soon as the previous call settled").
   * @param fn the function to call; may return a Promise, which is awaited.
   * @throws ServiceError ('tacd.timer.badStep') when `step` is negative or not a finite number.
   */
  constructor(step: number, fn: (...args: A) => unknown, ...args: A) {
    super();
    if (!Number.isFinite(step) || step < 0) {
      throw new ServiceError('tacd.timer.badStep', `TimerService: step must be a number of seconds >= 0, got ${String(step)}`);
    }
    this.step = step;
    this.fn = fn;
    this.args = args;
  }

  /**
   * Sets running and makes the first call at once; later calls follow every
   * `step` seconds. A start while the loop is already going logs a warning
   * and does nothing.
   */
  override startService(): void {
    if (this.loop?.isLive) {
      this.log.warn('Duplicate TimerService.startService {service}', { service: this.name ?? (this.fn.name || 'TimerService') });
      return;
    }
    super.startService();
    const log: Logger = this.log;
    const name = this.fn.name || 'anonymous function';
    const loop = new Loop(this.step, this.clock, () => this.fn(...this.args), (e) => {
      log.failure('TimerService call to {callable} failed; the timer is stopped', e, { callable: name });
    });
    this.loop = loop;
    loop.start();
  }

  /**
   * Stops the loop. Resolves (never rejects) once a call in flight has
   * settled; `running` becomes false only then. Resolves at once when
   * the service was never started.
   */
  override stopService(): Promise<void> {
    const loop = this.loop;
    if (loop === null) {
      super.stopService();
      return Promise.resolve();
    }
    loop.stop();
    return loop.finished.then(() => {
      if (this.loop !== loop) return;
      this.loop = null;
      super.stopService();
    });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), step: this.step };
  }
}
