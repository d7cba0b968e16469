/**
 * The startup sequence, after twistd's UnixApplicationRunner (reference
 * §1.6, checklist items 50–60):
 *
 *   [daemonizing parent: check the pidfile, --uid/--gid, that the pidfile
 *    and the log file can be written, re-exec detached, wait for "0" or
 *    "1 …", exit 0, 1, or the daemon's own status for a failure before
 *    starting (65 for a bad tac file, …)] →
 *   check pidfile → build the application (only here: a tac file's
 *   top-level code runs once) → resolve --uid/--gid → load --logger →
 *   umask → start logging → chdir rundir → write pidfile →
 *   privilegedStartService (bind) → chown the open log file to --uid →
 *   initgroups/setgid/setuid →
 *   startService → "0" on the status pipe, READY=1 → wait for a signal →
 *   stop the tree → remove pidfile → "Server Shut Down."
 *
 * Deliberate deviations: the umask is applied before the log file is
 * opened (twistd opens it first, so its log ignores --umask and only
 * rotated files get 0600), and the default log file is tacd.log in
 * --rundir (twistd: twistd.log in the starting directory).
 *
 * Under a supervisor (INVOCATION_ID, NOTIFY_SOCKET, JOURNAL_STREAM or
 * LISTEN_PID in the environment) the runner never daemonizes and never
 * applies the 0077 default umask.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OsError, TacError, isTacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { Logger, type LogObserver } from '../application/logger/logger.js';
import { describeLoggedError } from '../application/logger/format.js';
import type { Application } from '../application/application.js';
import type { RunnerOptions } from './options.js';
import { checkPid, removePid, writePid, type PidProcess } from './pidfile.js';
import { dropPrivileges, resolveIdentity, systemAccountFiles, type AccountFiles, type Identity, type PrivilegedProcess } from './privileges.js';
import { assertWritable, chooseLogTarget, loadLogger, startLogging, streamId, type LogSetup } from './log-setup.js';
import { openStatusPipe, spawnDaemon } from './daemonize.js';
import { createNotifier, systemdNotifyBinary, type NotifySender } from './sd-notify.js';
import { installSignalHandlers, type Outcome, type SignalHandlers, type SignalProcess } from './signals.js';

/** The environment variables that reveal a supervisor (systemd and friends). */
export const SUPERVISOR_VARS = ['INVOCATION_ID', 'NOTIFY_SOCKET', 'JOURNAL_STREAM', 'LISTEN_PID'] as const;

/** The first supervisor variable set in `env`, or null. */
export function detectSupervisor(env: NodeJS.ProcessEnv): string | null {
  return SUPERVISOR_VARS.find((v) => env[v] !== undefined && env[v] !== '') ?? null;
}

export type RunnerProcess = PidProcess &
  PrivilegedProcess &
  SignalProcess & {
    umask(mask: number): number;
    chdir(dir: string): void;
    title: string;
  };

/** Everything the runner touches, injected (defaults: the real process). */
export interface RunDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** What the daemon re-exec runs after node: execArgv, the script, the runner's argv. */
  readonly reexecCommand: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly proc: RunnerProcess;
  readonly accounts?: AccountFiles;
  readonly notifySender?: NotifySender;
}

// Defined by src/bundle (esbuild `define`) in packaged apps, where tacd's package.json is not installed.
declare const __TACD_VERSION__: string | undefined;

/** tacd's version: the one baked into a packaged app, else from tacd's package.json. */
export function tacdVersion(): string {
  if (typeof __TACD_VERSION__ === 'string') return __TACD_VERSION__;
  try {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Turns what a service threw while starting into a one-line TacError with a status. */
export function startupError(e: unknown): TacError {
  if (isTacError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err instanceof Error && typeof err.code === 'string' && typeof err.syscall === 'string') {
    // EADDRINUSE, EACCES on bind, …: the operating system said no (EX_OSERR).
    return new OsError(`tacd.start.${err.code}`, err.message, { cause: e });
  }
  const text = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(e);
  return new TacError('tacd.start.failed', `the application failed to start: ${text}`, { exitCode: ExitCode.FAILURE, cause: e });
}

/**
 * An exception nobody caught (or a rejection nobody handled) ends the
 * daemon, as it would end any Node program, but first it is logged at
 * critical level with its stack, so a daemon whose stderr is /dev/null
 * does not vanish without a word; the runner then exits 70 (EX_SOFTWARE).
 */
function watchForCrash(log: Logger): { crashed: Promise<never>; dispose(): void } {
  let fail!: (e: unknown) => void;
  const crashed = new Promise<never>((_resolve, reject) => (fail = reject));
  crashed.catch(() => undefined);
  const onCrash = (e: unknown, origin: string): void => {
    log.critical('Unhandled {origin}; exiting: {error}', { origin, error: describeLoggedError(e, true) });
    fail(e);
  };
  process.on('uncaughtException', onCrash);
  return { crashed, dispose: () => process.off('uncaughtException', onCrash) };
}

/**
 * Before switching to another user, gives it the log file the daemon holds
 * open (created by root under a 0077 umask), so that a SIGHUP reopen and the
 * size rotation still work afterwards (reference §6.2 step 8).
 */
function handOverLogFile(logSetup: LogSetup, id: Identity, proc: PrivilegedProcess, log: Logger): void {
  if (!logSetup.logFile || id.uid === null || id.uid === proc.getuid()) return;
  try {
    logSetup.logFile.chown(id.uid, id.gid ?? -1);
  } catch (e) {
    log.warn('cannot give log file {file} to uid {uid}: {error}; it may not reopen after the privilege drop', {
      file: logSetup.logFile.path,
      uid: id.uid,
      error: (e as Error).message,
    });
  }
}

type LogChoice = Omit<Parameters<typeof chooseLogTarget>[0], 'appObserver'>;

/** What one run holds while it starts, runs and stops. */
interface Run {
  readonly opts: RunnerOptions;
  readonly deps: RunDeps;
  readonly log: Logger;
  readonly statusPipe: ReturnType<typeof openStatusPipe>;
  readonly supervisor: ReturnType<typeof detectSupervisor>;
  readonly daemon: boolean;
  readonly accounts: NonNullable<RunDeps['accounts']>;
  readonly logChoice: LogChoice;
}

function runOf(opts: RunnerOptions, deps: RunDeps): Run {
  const statusPipe = openStatusPipe(deps.env);
  const supervisor = detectSupervisor(deps.env);
  const daemon = statusPipe !== null || (!opts.nodaemon && supervisor === null);
  const logChoice = { syslog: opts.syslog, logfile: opts.logfile, daemon, rundir: opts.rundir, env: deps.env, stdoutId: streamId(1) };
  return { opts, deps, log: new Logger('tacd'), statusPipe, supervisor, daemon, accounts: deps.accounts ?? systemAccountFiles, logChoice };
}

// The daemonizing parent checks what it can without running the application (the
// daemon builds it, once: a tac file's top-level code must not run twice), so these
// errors reach the terminal with their own status; the daemon reports the rest.
async function daemonize(r: Run): Promise<Outcome> {
  const { opts, deps } = r;
  checkPid(opts.pidfile, deps.proc, r.log, { removeStale: false }); // the daemon removes a stale file and logs that
  resolveIdentity(opts.uid, opts.gid, r.accounts);
  if (opts.logger === null) {
    // The log file the daemon will open (the default tacd.log too), unless an observer replaces it.
    const { file } = chooseLogTarget({ ...r.logChoice, appObserver: null });
    if (file) assertWritable(file, 'log file');
  }
  if (opts.pidfile) assertWritable(opts.pidfile, 'pidfile');
  return { status: await spawnDaemon({ command: deps.reexecCommand, cwd: deps.cwd, env: deps.env, stderr: deps.stderr }) };
}

interface Built {
  readonly app: Application;
  readonly identity: ReturnType<typeof resolveIdentity>;
  readonly logger: LogObserver | null;
}

// The application, the account to run as and a --logger observer; a failure is told to the parent first.
async function build(r: Run, buildApp: () => Promise<Application>): Promise<Built> {
  try {
    checkPid(r.opts.pidfile, r.deps.proc, r.log);
    const app = await buildApp();
    const identity = resolveIdentity(r.opts.uid ?? app.process.uid, r.opts.gid ?? app.process.gid, r.accounts);
    const logger = r.opts.logger === null ? null : await loadLogger(r.opts.logger, r.deps.cwd);
    return { app, identity, logger };
  } catch (e) {
    // The daemon tells its parent why, and the parent exits with the same status.
    r.statusPipe?.failure(e);
    throw e;
  }
}

/** What a started run has set up, for undoing after a failed start or a stop. */
interface Started {
  logSetup: LogSetup | null;
  handlers: SignalHandlers | null;
  pidWritten: boolean;
}

// umask, logging, signal handlers, chdir, pidfile, privileged start, privilege drop, start: twistd's order.
async function startUp(r: Run, b: Built, notifier: ReturnType<typeof createNotifier>, crashed: Promise<never>, st: Started): Promise<void> {
  const { opts, deps, log } = r;
  const { proc } = deps;
  const mask = opts.umask ?? (r.daemon ? 0o077 : null);
  if (mask !== null) proc.umask(mask);
  st.logSetup = startLogging({ ...r.logChoice, appObserver: b.logger ?? b.app.logObserver, format: opts.logFormat, level: opts.logLevel, debug: opts.debug, rotateLength: opts.logRotateLength, maxRotatedFiles: opts.logMaxFiles, prefix: opts.prefix, stdout: deps.stdout, stderr: deps.stderr });
  log.info('tacd {version} (node {node}) starting up.', { version: tacdVersion(), node: process.version });
  st.handlers = installSignalHandlers({ root: b.app, log, notifier, logSetup: st.logSetup, timeoutMs: opts.shutdownTimeoutMs, proc });
  if (r.supervisor && !opts.nodaemon) log.info('{var} is set: running under a supervisor, not daemonizing', { var: r.supervisor });
  if (b.app.process.processName) proc.title = b.app.process.processName;
  proc.chdir(opts.rundir);
  writePid(opts.pidfile, proc, log);
  st.pidWritten = true;
  await Promise.race([b.app.privilegedStartService(), crashed]);
  handOverLogFile(st.logSetup, b.identity, proc, log);
  dropPrivileges(b.identity, proc, log);
  await Promise.race([b.app.startService(), crashed]);
}

// Undoes a failed start and says why; the error to throw.
async function failedStart(r: Run, b: Built, notifier: ReturnType<typeof createNotifier>, st: Started, e: unknown): Promise<TacError> {
  const err = startupError(e);
  r.statusPipe?.failure(e);
  if (st.pidWritten) removePid(r.opts.pidfile, r.log);
  if (st.logSetup && st.logSetup.target !== 'stdout') r.log.critical('{app} failed to start: {error}', { app: b.app.name ?? 'application', error: err.message });
  await notifier.status(`Failed to start: ${err.message}`);
  st.handlers?.dispose();
  st.logSetup?.stop();
  // A daemon that fails while starting ends with 1, and so does its parent, as twistd's;
  // what failed before starting (a bad tac file, an unknown user) keeps its own status.
  return r.statusPipe ? new TacError(err.code, err.message, { exitCode: ExitCode.FAILURE, cause: e }) : err;
}

// Running: ready, the watchdog, until a stop signal or a crash; then the stop's bookkeeping.
async function runUntilStopped(r: Run, b: Built, notifier: ReturnType<typeof createNotifier>, crash: ReturnType<typeof watchForCrash>, st: Started): Promise<Outcome> {
  const { proc } = r.deps;
  r.statusPipe?.success();
  r.log.info('{app} started (pid {pid}).', { app: b.app.name ?? 'application', pid: proc.pid });
  await notifier.ready(`Running (pid ${proc.pid})`);
  notifier.startWatchdog();
  st.handlers!.arm();
  // Like a reactor, the runner runs until told to stop, even when no service holds a handle open.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  const outcome = await Promise.race([st.handlers!.done, crash.crashed.then(() => ({ status: 1 }), () => ({ status: ExitCode.SOFTWARE }))]);
  clearInterval(keepAlive);
  crash.dispose();
  st.handlers!.dispose();
  notifier.stopWatchdog();
  removePid(r.opts.pidfile, r.log);
  r.log.info('Server Shut Down.');
  st.logSetup!.stop();
  return outcome;
}

/**
 * Runs the application until it is stopped. Returns the Outcome (a status
 * to exit with, or the stop signal to re-raise); throws a TacError when
 * startup fails.
 */
export async function runApplication(opts: RunnerOptions, buildApp: () => Promise<Application>, deps: RunDeps): Promise<Outcome> {
  const r = runOf(opts, deps);
  if (r.daemon && r.statusPipe === null) return daemonize(r);
  const b = await build(r, buildApp);
  const notifier = createNotifier(deps.env, r.log, deps.notifySender ?? systemdNotifyBinary, deps.proc.pid);
  const crash = watchForCrash(r.log);
  const st: Started = { logSetup: null, handlers: null, pidWritten: false };
  try {
    await startUp(r, b, notifier, crash.crashed, st);
  } catch (e) {
    crash.dispose();
    throw await failedStart(r, b, notifier, st, e);
  }
  return runUntilStopped(r, b, notifier, crash, st);
}
