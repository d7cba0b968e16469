import { ExitCode } from './exit-codes.js';

/**
 * The base of every error tacd reports to a person. `code` is a stable,
 * machine-readable identifier (public API: `<command or tacd>.<area>.<what>`);
 * `exitCode` is the sysexits status the CLI exits with, 70 (EX_SOFTWARE, an
 * internal error) unless a subclass or the thrower says otherwise; `message`
 * is one line that names the file, field or option at fault and what was
 * expected. The original error, if any, is attached as `cause` and only
 * shown with `--debug`. Status 1 is never an error's: it is reserved for
 * "a verify check failed" and "the daemon failed to start" (twistd's 1).
 */
export class TacError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.SOFTWARE;
  }
}
TacError.prototype.name = 'TacError';

/** A command-line usage error (EX_USAGE, 64). */
export class UsageError extends TacError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'tacd.usage', message, { exitCode: ExitCode.USAGE, cause: options.cause });
  }
}
UsageError.prototype.name = 'UsageError';

/** Bad input data (EX_DATAERR, 65): names the field and what was expected. */
export class DataError extends TacError {
  readonly field: string | undefined;
  constructor(code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { exitCode: ExitCode.DATAERR, cause: options.cause });
    this.field = options.field;
  }
}
DataError.prototype.name = 'DataError';

/** A missing input file (EX_NOINPUT, 66). */
export class NoInputError extends TacError {
  readonly path: string;
  constructor(path: string, message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'tacd.noinput', message, { exitCode: ExitCode.NOINPUT, cause: options.cause });
    this.path = path;
  }
}
NoInputError.prototype.name = 'NoInputError';

/** An output that cannot be created (EX_CANTCREAT, 73). */
export class CantCreateError extends TacError {
  readonly path: string;
  constructor(path: string, message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'tacd.cantcreat', message, { exitCode: ExitCode.CANTCREAT, cause: options.cause });
    this.path = path;
  }
}
CantCreateError.prototype.name = 'CantCreateError';

/** The constructor of an error class whose status is fixed: (code, message, { cause }). */
export type StatusErrorClass = new (code: string, message: string, options?: { readonly cause?: unknown }) => TacError;

function statusError(name: string, exitCode: ExitCode): StatusErrorClass {
  const C = class extends TacError {
    constructor(code: string, message: string, options: { readonly cause?: unknown } = {}) {
      super(code, message, { exitCode, cause: options.cause });
    }
  };
  Object.defineProperty(C.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

/** An unknown user or group (EX_NOUSER, 67). */
export const NoUserError = statusError('NoUserError', ExitCode.NOUSER);
/** A program or service tacd needs is missing or did not do its job (EX_UNAVAILABLE, 69). */
export const UnavailableError = statusError('UnavailableError', ExitCode.UNAVAILABLE);
/** The operating system refused (EX_OSERR, 71): cannot bind, fork, ... */
export const OsError = statusError('OsError', ExitCode.OSERR);
/** Reading or writing a file failed midway (EX_IOERR, 74). */
export const IoError = statusError('IoError', ExitCode.IOERR);
/** A temporary failure, worth retrying (EX_TEMPFAIL, 75): a timeout, a lock held by another run. */
export const TempFailError = statusError('TempFailError', ExitCode.TEMPFAIL);
/** Not permitted (EX_NOPERM, 77): needs root, a file of another user. */
export const NoPermissionError = statusError('NoPermissionError', ExitCode.NOPERM);
/** Something is configured wrongly (EX_CONFIG, 78): a gpg key that cannot sign. */
export const ConfigError = statusError('ConfigError', ExitCode.CONFIG);

/** True when `e` is one of ours (carries a stable code and exit status). */
export function isTacError(e: unknown): e is TacError {
  return e instanceof TacError;
}

/** The exit status for any thrown value: ours carry one; anything else is a bug (70). */
export function exitCodeOf(e: unknown): ExitCode {
  return isTacError(e) ? e.exitCode : ExitCode.SOFTWARE;
}

/** One line for a person: the message, without stack, with the cause's message when it adds something. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.message;
  return String(e);
}

/**
 * commander's error message as one line: its "error: " prefix dropped and the
 * hint it puts on a second line folded in ("unknown option '--prob'; did you
 * mean --probe?"), since only a message's first line is shown.
 */
export function commanderMessage(e: { readonly message: string }): string {
  return e.message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.replace(/^\(Did you mean (.*)\)$/, 'did you mean $1'))
    .join('; ');
}
