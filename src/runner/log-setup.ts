/**
 * Chooses where the daemon's log goes, after twistd's UnixAppLogger, in this
 * order: `--logger`'s observer › the application's own `logObserver` ›
 * `--syslog` or journald
 * (JOURNAL_STREAM names our stdout) › `--logfile PATH` › stdout.
 *
 * - journald: one line per event line on stdout with a "<N>" priority
 *   prefix and no timestamp (journald stamps lines itself). Chosen
 *   automatically when $JOURNAL_STREAM equals "dev:ino" of fd 1, unless a
 *   log file is given.
 * - `--syslog` outside the journal: RFC 3164 datagrams to 127.0.0.1:514.
 * - file: a rotating LogFile (default tacd.log in --rundir when daemonizing).
 * - stdout: only in the foreground; a daemon asking for '-' is refused
 *   ("Daemons cannot log to stdout, exiting!", 64).
 */
import fs from 'node:fs';
import path from 'node:path';
import type dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CantCreateError, UsageError } from '../core/errors.js';
import { filteringObserver, globalLogPublisher, type LogEvent, type LogLevel, type LogObserver } from '../application/logger/logger.js';
import { formatEventAsJSON, formatEventAsText, formatEventForJournal, syslogPriority } from '../application/logger/format.js';
import { LogFile } from './logfile.js';
import type { LogFormat } from './options.js';

export type LogTarget = 'app' | 'journald' | 'syslog' | 'file' | 'stdout';

export interface LogChoiceInput {
  readonly appObserver: LogObserver | null;
  readonly syslog: boolean;
  /** '-' (stdout), an absolute path, or null. */
  readonly logfile: string | null;
  readonly daemon: boolean;
  readonly rundir: string;
  readonly env: NodeJS.ProcessEnv;
  /** dev:ino of fd 1, or null when it cannot be stat'ed. */
  readonly stdoutId: string | null;
}

/** Which target (and file) the rules pick. Pure. @throws UsageError for '-' when daemonizing. */
export function chooseLogTarget(i: LogChoiceInput): { target: LogTarget; file: string | null } {
  if (i.appObserver) return { target: 'app', file: null };
  const journal = i.env['JOURNAL_STREAM'] !== undefined && i.env['JOURNAL_STREAM'] === i.stdoutId;
  if (i.syslog) return { target: journal ? 'journald' : 'syslog', file: null };
  if (i.logfile === '-') {
    if (i.daemon) throw new UsageError('Daemons cannot log to stdout, exiting!', { code: 'tacd.log.daemonStdout' });
    return { target: journal ? 'journald' : 'stdout', file: null };
  }
  if (i.logfile !== null) return { target: 'file', file: i.logfile };
  if (!i.daemon) return { target: journal ? 'journald' : 'stdout', file: null };
  return { target: 'file', file: path.join(i.rundir, 'tacd.log') };
}

/** "dev:ino" of a file descriptor, the form of $JOURNAL_STREAM. */
export function streamId(fd: number): string | null {
  try {
    const st = fs.fstatSync(fd);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

/**
 * Checks, without creating anything, that `file` could be opened for
 * appending (the daemonizing parent's check: the daemon creates the file
 * itself, under its own umask). @throws CantCreateError (73).
 */
export function assertWritable(file: string, what: string): void {
  const target = fs.existsSync(file) ? file : path.dirname(file);
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (e) {
    throw new CantCreateError(file, `cannot write ${what} ${file}: ${(e as Error).message}`, { code: 'tacd.log.cantCreate', cause: e });
  }
}

export interface LogSetupOptions extends LogChoiceInput {
  readonly format: LogFormat;
  readonly level: LogLevel;
  readonly debug: boolean;
  readonly rotateLength: number;
  readonly maxRotatedFiles: number | null;
  readonly prefix: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** The running log destination: SIGHUP reopens, SIGUSR1/SIGUSR2 rotate, stop closes. */
export interface LogSetup {
  readonly target: LogTarget;
  readonly logFile: LogFile | null;
  reopen(): void;
  /** Rotates the log file: true when done, false when its folder or file is not writable, null when there is no log file. */
  rotate(): boolean | null;
  stop(): void;
}

function render(format: LogFormat, e: LogEvent, debug: boolean): string {
  return format === 'json' ? formatEventAsJSON(e) : formatEventAsText(e, { stacks: debug });
}

function syslogObserver(prefix: string, debug: boolean): { observer: LogObserver; close(): void } {
  // dgram is loaded only for --syslog outside systemd.
  const sock = (createRequire(import.meta.url)('node:dgram') as typeof dgram).createSocket('udp4');
  sock.unref();
  sock.on('error', () => undefined);
  const observer: LogObserver = (e) => {
    // RFC 3164: <facility*8+severity>TAG[pid]: message (facility LOG_USER = 1).
    for (const line of formatEventAsText(e, { timestamps: false, stacks: debug }).split('\n')) {
      sock.send(`<${8 + syslogPriority(e.level)}>${prefix}[${process.pid}]: ${line}`, 514, '127.0.0.1');
    }
  };
  let open = true;
  return {
    observer,
    close: () => {
      if (open) sock.close();
      open = false;
    },
  };
}

/**
 * Opens the chosen destination and starts delivering the global log
 * (including the events buffered so far) to it, filtered by level.
 * @throws CantCreateError (73) when the log file cannot be opened.
 */
/**
 * Writes log lines to a stream until the stream fails (EPIPE when the reader
 * of `tacd -n | head` goes away, a closed terminal, ...). The first failure
 * is reported once on `stderr` and later lines are dropped: a daemon must
 * keep serving, and an unhandled stream 'error' would otherwise become an
 * uncaught exception whose report is written to the same broken stream.
 */
export function streamWriter(stream: NodeJS.WritableStream, what: string, stderr: NodeJS.WritableStream): (line: string) => void {
  let broken = false;
  stream.on('error', (err: Error) => {
    if (broken) return;
    broken = true;
    if (stderr === stream) return;
    stderr.on('error', () => undefined);
    try {
      stderr.write(`tacd: cannot write log lines to ${what}: ${err.message}; dropping them from now on\n`);
    } catch {
      // stderr is gone too: nothing left to tell.
    }
  });
  return (line) => {
    if (!broken) stream.write(line);
  };
}

export function startLogging(o: LogSetupOptions): LogSetup {
  const { target, file } = chooseLogTarget(o);
  let logFile: LogFile | null = null;
  let close = (): void => undefined;
  let observer: LogObserver;
  switch (target) {
    case 'app':
      observer = o.appObserver!;
      break;
    case 'journald': {
      const write = streamWriter(o.stdout, 'standard output (the journal)', o.stderr);
      observer = (e) => write(formatEventForJournal(e, { stacks: o.debug }) + '\n');
      break;
    }
    case 'syslog': {
      const s = syslogObserver(o.prefix, o.debug);
      observer = s.observer;
      close = s.close;
      break;
    }
    case 'file':
      try {
        logFile = new LogFile(file!, {
          rotateLength: o.rotateLength,
          maxRotatedFiles: o.maxRotatedFiles,
          onError: (err) => o.stderr.write(`tacd: cannot write log file ${file}: ${err.message}; dropping lines until it works again\n`),
        });
      } catch (e) {
        throw new CantCreateError(file!, `cannot open log file ${file}: ${(e as Error).message}`, { code: 'tacd.log.cantCreate', cause: e });
      }
      observer = (e) => logFile!.write(render(o.format, e, o.debug) + '\n');
      close = () => logFile!.close();
      break;
    case 'stdout': {
      const write = streamWriter(o.stdout, 'standard output', o.stderr);
      observer = (e) => write(render(o.format, e, o.debug) + '\n');
      break;
    }
  }
  const filtered = filteringObserver(o.level, observer);
  globalLogPublisher.beginLoggingTo([filtered]);
  return {
    target,
    logFile,
    reopen: () => logFile?.reopen(),
    rotate: () => logFile?.rotate() ?? null,
    stop: () => {
      globalLogPublisher.removeObserver(filtered);
      close();
    },
  };
}

/**
 * `--logger MODULE[#EXPORT]`, twistd's "fully-qualified name of a log
 * observer factory": MODULE is a file (absolute, or relative to the starting
 * directory; .ts/.mts compiled as tac files are) or a package resolved from
 * that directory; EXPORT (default: the default export) is called with no
 * arguments and returns the observer, a function given every LogEvent.
 * @throws UsageError (64) naming --logger and what went wrong.
 */
export async function loadLogger(spec: string, cwd: string): Promise<LogObserver> {
  const hash = spec.lastIndexOf('#');
  const moduleSpec = hash > 0 ? spec.slice(0, hash) : spec;
  const exportName = hash > 0 ? spec.slice(hash + 1) : 'default';
  const fail = (why: string, cause?: unknown): UsageError => new UsageError(`--logger: '${spec}' ${why}`, { code: 'tacd.options.logger', cause });
  let ns: Record<string, unknown>;
  try {
    if (moduleSpec.startsWith('.') || path.isAbsolute(moduleSpec)) {
      const file = path.resolve(cwd, moduleSpec);
      if (!fs.existsSync(file)) throw fail(`could not be imported: ${file} not found`);
      ns = /\.m?ts$/.test(file) ? await (await import('./tac-loader.js')).importTac(file) : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
    } else {
      const resolved = createRequire(path.join(cwd, 'package.json')).resolve(moduleSpec);
      ns = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw fail(`could not be imported: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, e);
  }
  const factory = ns[exportName];
  if (typeof factory !== 'function') throw fail(`has no function export '${exportName}'`);
  let observer: unknown;
  try {
    observer = await (factory as () => unknown)();
  } catch (e) {
    throw fail(`${exportName}() threw: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, e);
  }
  if (typeof observer !== 'function') throw fail(`${exportName}() returned ${observer === null ? 'null' : typeof observer}, not a log observer function`);
  return observer as LogObserver;
}
