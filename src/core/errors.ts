import { ExitCode } from './exit-codes.js';

/**
 * The base of every error tacd reports to a person. `code` is a stable,
 * machine-readable identifier (public API); `exitCode` is the sysexits status
 * the CLI exits with; `message` is one line that names the file, field or
 * option at fault and what was expected. The original error, if any, is
 * attached as `cause` and only shown with `--debug`.
 */
export class TacError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.FAILURE;
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
