/**
 * A Promise with a canceller (the Node shape of a Twisted Deferred with a
 * canceller), implementing the `Cancellable` contract of interfaces.ts.
 */
import type { Cancellable } from '../interfaces.js';
import { CancelledError } from './errors.js';

/**
 * Builds a Cancellable. `executor` starts the work and returns the canceller
 * to run on `cancel()`. Cancelling a pending operation runs the canceller and
 * rejects with CancelledError('<what> was cancelled'); cancelling a
 * settled one does nothing.
 */
export function cancellable<T>(
  what: string,
  executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => (() => void) | void,
): Cancellable<T> {
  let settled = false;
  let canceller: (() => void) | void = undefined;
  let rejectFn!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    rejectFn = (reason) => {
      if (settled) return;
      settled = true;
      reject(reason);
    };
    const resolveFn = (value: T): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    try {
      canceller = executor(resolveFn, rejectFn);
    } catch (e) {
      rejectFn(e);
    }
  }) as Cancellable<T>;
  promise.cancel = () => {
    if (settled) return;
    // Reject first, so that a canceller which fails the operation does not replace the reason.
    rejectFn(new CancelledError(`${what} was cancelled`, 'tacd.net.cancelled'));
    if (typeof canceller === 'function') canceller();
  };
  return promise;
}
