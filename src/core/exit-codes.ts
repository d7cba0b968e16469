/**
 * sysexits(3) exit statuses used by every tacd command. The mapping from
 * error to status lives here and only here.
 */
export const ExitCode = {
  OK: 0,
  /** Generic failure (a daemon that failed to start, a failed verify). */
  FAILURE: 1,
  /** EX_USAGE: the command was used incorrectly (bad option, unknown plugin). */
  USAGE: 64,
  /** EX_DATAERR: the input data was incorrect (bad tac file, bad package field). */
  DATAERR: 65,
  /** EX_NOINPUT: an input file did not exist or was not readable. */
  NOINPUT: 66,
  /** EX_NOUSER: an addressee (user or group) is unknown. */
  NOUSER: 67,
  /** EX_UNAVAILABLE: a required service or tool is unavailable. */
  UNAVAILABLE: 69,
  /** EX_SOFTWARE: an internal software error (a bug). */
  SOFTWARE: 70,
  /** EX_OSERR: an operating-system error (cannot fork, bind, ...). */
  OSERR: 71,
  /** EX_CANTCREAT: an output file cannot be created. */
  CANTCREAT: 73,
  /** EX_IOERR: an error occurred while doing I/O on a file. */
  IOERR: 74,
  /** EX_TEMPFAIL: temporary failure; the user may retry. */
  TEMPFAIL: 75,
  /** EX_NOPERM: insufficient permission. */
  NOPERM: 77,
  /** EX_CONFIG: something was found in an unconfigured or misconfigured state. */
  CONFIG: 78,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The signals a tacd command turns into an orderly stop. */
export type StopSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// Their numbers, the same on every Linux architecture (and in POSIX's XSI list).
const SIGNAL_NUMBER: Readonly<Record<StopSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * The status a command that stopped because of `signal` exits with: 128 + the
 * signal's number, as a shell reports a process the signal ended (SIGINT 130,
 * SIGTERM 143, SIGHUP 129).
 */
export function signalExitStatus(signal: StopSignal): number {
  return 128 + SIGNAL_NUMBER[signal];
}
