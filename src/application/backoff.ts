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

/**
 * An exponential back-off policy: `min(initialDelay * factor ** min(100, attempt), maxDelay) + jitter()` seconds.
 * With jitter 1 and the defaults: attempt 0 → 2, 1 → 2.5, 10 → 58.665…, 20 and beyond → 61.
 */
export function backoffPolicy(options: BackoffOptions = {}): RetryPolicy {
  const { initialDelay = 1, maxDelay = 60, factor = 1.5, jitter = Math.random } = options;
  return (attempt: number): number => {
    const raw = initialDelay * factor ** Math.min(100, attempt);
    const delay = Number.isFinite(raw) ? Math.min(raw, maxDelay) : maxDelay;
    return delay + jitter();
  };
}
