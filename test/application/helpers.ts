// Shared test helpers for the application tests: log capture and letting promises settle.
import { globalLogPublisher, type LogEvent } from '../../src/application/logger/logger.js';

/** Collects every event published on the global log publisher until `stop()`. */
export function captureLogs(): { readonly events: LogEvent[]; stop(): void } {
  const events: LogEvent[] = [];
  const observer = (e: LogEvent): void => {
    events.push(e);
  };
  globalLogPublisher.addObserver(observer);
  return { events, stop: () => globalLogPublisher.removeObserver(observer) };
}

/** Lets pending promise callbacks run (one macrotask turn, repeated `turns` times). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
