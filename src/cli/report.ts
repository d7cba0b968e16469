/**
 * The one place where a tacd command ends the process. Each CLI entry runs
 * its body through `runMain`, which maps thrown errors to one readable line
 * on stderr and a sysexits status. Stack traces appear only with --debug
 * (or TACD_DEBUG=1).
 */
import { describeError, exitCodeOf, isTacError } from '../core/errors.js';
import { ExitCode, signalExitStatus, STOP_SIGNALS } from '../core/exit-codes.js';
import { runInterruptCleanups } from '../core/interrupt.js';

export interface MainIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * What a command prints and exits with for a thrown value: the one place
 * every command (tacd, ts2deb, ts2rpm, verify) maps an error to its status
 * (exitCodeOf: ours carry one, anything else is a bug, 70) and its text.
 */
export function failure(prog: string, e: unknown, debug: boolean): { readonly status: number; readonly text: string; readonly json: string } {
  const status = exitCodeOf(e);
  const error = { code: isTacError(e) ? e.code : 'tacd.internal', message: describeError(e), status };
  return { status, text: formatFailure(prog, e, debug), json: JSON.stringify({ error }, null, 2) + '\n' };
}

/** Formats a failure for a person: "prog: message" (+ stack and causes with debug). */
function formatFailure(prog: string, e: unknown, debug: boolean): string {
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
 * Makes SIGINT, SIGTERM and SIGHUP end the command at once: the cleanups
 * registered in src/core/interrupt.ts run (temp files and folders of the
 * build are removed), one line names the signal, and the process exits with
 * 128 + its number. The handler runs between two steps of the event loop, so
 * a synchronous step (the final renames of the outputs) is never cut in half.
 * A second signal while exiting gets the default action.
 */
export function exitOnInterrupt(prog: string): void {
  for (const s of STOP_SIGNALS) {
    process.once(s, () => {
      const removed = runInterruptCleanups();
      process.stderr.write(`${prog}: interrupted by ${s}${removed > 0 ? '; its temporary files were removed' : ''}\n`);
      exitAfterFlush(signalExitStatus(s));
    });
  }
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
      const f = failure(prog, e, debug);
      process.stderr.write(f.text);
      // With --json a script reads the failure too: {"error": {code, message, status}} on stdout.
      if (argv.includes('--json')) process.stdout.write(f.json);
      exitAfterFlush(f.status);
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
