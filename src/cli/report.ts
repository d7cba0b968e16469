/**
 * The one place where a tacd command ends the process. Each CLI entry runs
 * its body through `runMain`, which maps thrown errors to one readable line
 * on stderr and a sysexits status. Stack traces appear only with --debug
 * (or TACD_DEBUG=1).
 */
import { describeError, exitCodeOf, isTacError } from '../core/errors.js';
import { ExitCode, STOP_SIGNALS, type StopSignal } from '../core/exit-codes.js';

export interface MainIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Formats a failure for a person: "prog: message" (+ stack and causes with debug). */
export function formatFailure(prog: string, e: unknown, debug: boolean): string {
  const lines = [`${prog}: ${describeError(e)}`];
  if (debug) {
    let cur: unknown = e;
    while (cur instanceof Error) {
      if (cur.stack) lines.push(cur.stack);
      cur = cur.cause;
      if (cur !== undefined) lines.push('caused by:');
    }
  } else if (!isTacError(e)) {
    lines.push(`${prog}: this is a bug; run again with --debug for the stack trace`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Runs the synchronous `fn` with SIGINT, SIGTERM and SIGHUP held: a handler is
 * installed for its duration, so such a signal no longer ends the process in
 * the middle of `fn` (the default action would) but is delivered once `fn`
 * has returned or thrown; it is then reported in `signal` for the caller to
 * end with signalExitStatus(). An error of `fn` is rethrown as is.
 */
export async function withSignalsHeld<T>(fn: () => T): Promise<{ readonly value: T; readonly signal: StopSignal | undefined }> {
  let signal: StopSignal | undefined;
  const hold = (s: NodeJS.Signals): void => {
    signal ??= s as StopSignal;
  };
  for (const s of STOP_SIGNALS) process.on(s, hold);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: fn() };
  } catch (e) {
    outcome = { error: e };
  }
  try {
    // A signal that came during fn waits in libuv's signal pipe; it reaches the
    // handler in the poll phase of the loop. The first immediate may run in the
    // check phase of the current iteration, the second in the next one, after
    // its poll phase: so after two, a pending signal has been delivered.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    for (const s of STOP_SIGNALS) process.removeListener(s, hold);
  }
  if ('error' in outcome) throw outcome.error;
  return { value: outcome.value, signal };
}

/** True when argv or the environment asks for debug output. */
export function wantsDebug(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--debug') || env['TACD_DEBUG'] === '1';
}

/**
 * Runs `body` and exits with its status (a number) or with the status of the
 * error it throws. A body that returns `undefined` keeps the process alive
 * (a daemon in the foreground) and exits later by itself.
 */
export function runMain(prog: string, argv: readonly string[], body: () => Promise<number | undefined>): void {
  const debug = wantsDebug(argv);
  body().then(
    (status) => {
      if (status !== undefined) exitAfterFlush(status);
    },
    (e: unknown) => {
      process.stderr.write(formatFailure(prog, e, debug));
      exitAfterFlush(exitCodeOf(e));
    },
  );
}

/** Exits once stdout and stderr have drained (process.exit can truncate piped output). */
export function exitAfterFlush(status: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(status);
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.writableNeedDrain) s.once('drain', done);
    else done();
  }
}

export { ExitCode };
