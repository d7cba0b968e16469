/**
 * Retry delays for ClientService (twisted.application.internet.backoffPolicy).
 * Delays are in seconds, as in Twisted.
 */

/** Given the number of consecutive failed attempts (≥ 1), the seconds to wait before the next one. */
export type RetryPolicy = (failedAttempts: number) => number;

/** The parameters of `backoffPolicy` (seconds), with their defaults. */
export interface BackoffOptions {
  /** Seconds before the first retry, before the factor is applied (default 1). */
  readonly initialDelay?: number;
  /** The largest delay in seconds, before jitter (default 60). */
  readonly maxDelay?: number;
  /** The delay grows by this factor per failed attempt (default 1.5). */
  readonly factor?: number;
  /** Extra seconds added to every delay (default Math.random: 0 ≤ jitter < 1). */
  readonly jitter?: () => number;
}

const OPTION_KEYS = new Set(['initialDelay', 'maxDelay', 'factor', 'jitter']);

function checkNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`backoffPolicy: ${name} must be a number of seconds, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/**
 * An exponential back-off policy: `min(initialDelay * factor ** min(100, attempt), maxDelay) + jitter()` seconds.
 * With jitter 1 and the defaults: attempt 0 → 2, 1 → 2.5, 10 → 58.665…, 20 and beyond → 61.
 *
 * Takes Twisted's positional form, `backoffPolicy(1, 60, 1.5, () => 1)`
 * (initialDelay, maxDelay, factor, jitter; null or undefined keeps a
 * default), or an options object, `backoffPolicy({ maxDelay: 30 })`.
 * @throws TypeError for an argument of the wrong type (naming it).
 */
export function backoffPolicy(options?: BackoffOptions): RetryPolicy;
export function backoffPolicy(initialDelay?: number | null, maxDelay?: number | null, factor?: number | null, jitter?: (() => number) | null): RetryPolicy;
export function backoffPolicy(first?: BackoffOptions | number | null, ...rest: unknown[]): RetryPolicy {
  let o: BackoffOptions;
  if (typeof first === 'object' && first !== null) {
    if (rest.length > 0) throw new TypeError('backoffPolicy: give either an options object or positional arguments (initialDelay, maxDelay, factor, jitter), not both');
    for (const k of Object.keys(first)) if (!OPTION_KEYS.has(k)) throw new TypeError(`backoffPolicy: unknown option '${k}' (expected initialDelay, maxDelay, factor, jitter)`);
    o = first;
  } else {
    if (rest.length > 3) throw new TypeError(`backoffPolicy: expected at most 4 arguments (initialDelay, maxDelay, factor, jitter), got ${rest.length + 1}`);
    o = { initialDelay: first as number | undefined, maxDelay: rest[0] as number | undefined, factor: rest[1] as number | undefined, jitter: rest[2] as (() => number) | undefined };
  }
  const initialDelay = checkNumber(o.initialDelay, 'initialDelay') ?? 1;
  const maxDelay = checkNumber(o.maxDelay, 'maxDelay') ?? 60;
  const factor = checkNumber(o.factor, 'factor') ?? 1.5;
  const jitter = o.jitter ?? Math.random;
  if (typeof jitter !== 'function') throw new TypeError(`backoffPolicy: jitter must be a function returning seconds, got ${describe(jitter)}`);
  return (attempt: number): number => {
    const raw = initialDelay * factor ** Math.min(100, attempt);
    const delay = Number.isFinite(raw) ? Math.min(raw, maxDelay) : maxDelay;
    return delay + jitter();
  };
}
