/**
 * Aborts: a boot or a verify run stopped by an AbortSignal (the verify CLI
 * aborts on SIGINT/SIGTERM/SIGHUP with the signal's name as the reason).
 */
import { TacError, TempFailError } from '../core/errors.js';

/** The error an aborted boot (or verify) ends with: "interrupted by SIGINT" when the abort's reason is the signal's name. */
export function interruptedError(signal: AbortSignal): TacError {
  const why = typeof signal.reason === 'string' ? signal.reason : 'an abort';
  return new TempFailError('tacd.verify.interrupted', `interrupted by ${why}`, { cause: signal.reason });
}

/** Throws interruptedError() once `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interruptedError(signal);
}

/** A promise that rejects with interruptedError() when `signal` aborts (never without one); dispose() stops listening. */
export function whenAborted(signal: AbortSignal | undefined): { readonly promise: Promise<never>; dispose(): void } {
  if (!signal) return { promise: new Promise<never>(() => undefined), dispose: () => undefined };
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(interruptedError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
