/**
 * The runner's command line, after twistd's ServerOptions: `tacd [runner
 * options] -y app.tac.ts` or `tacd [runner options] PLUGIN [plugin options]`.
 * Parsing is pure (argv and cwd in, a fully defaulted RunnerOptions out);
 * every bad value becomes a UsageError (EX_USAGE, 64) naming the option.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { commanderMessage, UsageError } from '../core/errors.js';
import { parseLogLevel, type LogLevel } from '../application/logger/logger.js';

export type LogFormat = 'text' | 'json';

/** Everything the runner needs from the command line, defaults applied, paths absolute. */
export interface RunnerOptions {
  readonly nodaemon: boolean;
  /** Absolute pidfile path, or null when disabled with `--pidfile=`. */
  readonly pidfile: string | null;
  /** '-' for stdout, an absolute path, or null (the default for the mode). */
  readonly logfile: string | null;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  /** Rotate the log file when it reaches this many bytes (0: never). */
  readonly logRotateLength: number;
  /** Keep at most this many rotated files (null: unlimited, like twistd). */
  readonly logMaxFiles: number | null;
  /** Absolute run directory. */
  readonly rundir: string;
  readonly uid: string | null;
  readonly gid: string | null;
  /** Octal umask, or null for "0077 when daemonizing, unchanged otherwise". */
  readonly umask: number | null;
  readonly syslog: boolean;
  /** `--logger MODULE[#EXPORT]`: a log observer factory that takes precedence over every other destination. */
  readonly logger: string | null;
  /** The syslog identifier (twistd's --prefix). */
  readonly prefix: string;
  readonly debug: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** Absolute path of the tac file (-y), or null when a plugin is named. */
  readonly tacFile: string | null;
  readonly plugin: string | null;
  readonly pluginArgs: readonly string[];
  /** Milliseconds to wait for the tree to stop before forcing the exit. */
  readonly shutdownTimeoutMs: number;
  /** `--env-args VAR`: more words from that environment variable (src/runner/env-args.ts), or null. */
  readonly envArgs: string | null;
}

/** twistd's umask parsing: octal, "123" and "0123" both mean 0o123. */
export function parseUmask(text: string): number {
  if (!/^0?[0-7]{1,4}$/.test(text) || parseInt(text, 8) > 0o777) {
    throw new UsageError(`--umask: expected an octal mode such as 022 or 0077, got '${text}'`, { code: 'tacd.options.umask' });
  }
  return parseInt(text, 8);
}

function parseNonNegativeInt(option: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option}: expected a non-negative integer, got '${text}'`);
  return Number(text);
}

function parseSeconds(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) throw new UsageError(`${option}: expected a number of seconds, got '${text}'`);
  return Math.round(n * 1000);
}

// commander (and the child_process, events… it requires) costs ~5 MB of RSS and
// several ms at every daemon start: it is loaded only for --help and for
// command lines the fast path below leaves to it.
// In a CommonJS bundle (a packaged app's main.cjs, the runner's dist/tacd.cjs)
// `require` exists and esbuild sees require('commander'): the packaged app
// carries commander (it has no node_modules). The tsc output is ESM and has no
// `require`, so it makes one.
let commanderModule: typeof import('commander') | undefined;
function commander(): typeof import('commander') {
  return (commanderModule ??= (typeof require === 'function' ? require('commander') : createRequire(import.meta.url)('commander')) as typeof import('commander'));
}

/** The commander program describing the runner options (also used to render --help). */
export function runnerCommand(): Command {
  const { Command, Option } = commander();
  const cmd = new Command('tacd')
    .usage('[options] (-y FILE | PLUGIN [plugin options])')
    .description('Run a tacd application (.tac.ts / .tac.js) or a plugin as a daemon.')
    .helpOption(false)
    .enablePositionalOptions()
    .passThroughOptions()
    .allowExcessArguments(true)
    .argument('[plugin]', 'plugin name (see the list below)')
    .argument('[args...]', 'plugin options')
    .option('-n, --nodaemon', "don't daemonize, don't use the default umask of 0077")
    .option('--pidfile <path>', "pid file (default: tacd.pid in --rundir; '--pidfile=' disables it)")
    .option('-l, --logfile <path>', "log to this file ('-' for stdout; default: stdout with -n, tacd.log otherwise)")
    .addOption(new Option('--log-format <format>', 'log line format').choices(['text', 'json']).default('text'))
    .option('--log-level <level>', 'minimum level logged: debug, info, warn, error, critical', 'info')
    .option('--log-rotate-length <bytes>', 'rotate the log file at this size (0: never)', '1000000')
    .option('--log-max-files <n>', 'keep at most this many rotated log files (default: unlimited)')
    .option('-d, --rundir <dir>', 'change to this directory before running', '.')
    .option('-u, --uid <user>', 'drop to this user (name or number) after binding')
    .option('-g, --gid <group>', "drop to this group (default: the user's primary group)")
    .option('--umask <octal>', 'umask for the process (default 0077 when daemonizing)')
    .option('--syslog', 'log to the journal (or syslog on 127.0.0.1:514 outside systemd)')
    .option('--logger <module>', "MODULE[#EXPORT]: a function returning a log observer, used instead of every other log destination (a path, or a package name)")
    .option('--prefix <ident>', 'syslog identifier', 'tacd')
    .option('-y, --python <file>', 'load the application from this .tac.ts/.tac.js/.mts/.mjs file')
    .option('--env-args <var>', 'append the words of this environment variable, written as shell words (quotes, no expansion)')
    .option('--shutdown-timeout <seconds>', 'force the exit when stopping takes longer (0: wait forever)', '30')
    .option('--debug', 'show stack traces')
    .option('--version', 'print the version and exit')
    .option('-h, --help', 'show this help and the available plugins');
  cmd.exitOverride();
  cmd.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  return cmd;
}

interface RawOptions {
  nodaemon?: boolean;
  pidfile?: string;
  logfile?: string;
  logFormat: LogFormat;
  logLevel: string;
  logRotateLength: string;
  logMaxFiles?: string;
  rundir: string;
  uid?: string;
  gid?: string;
  umask?: string;
  syslog?: boolean;
  logger?: string;
  prefix: string;
  python?: string;
  shutdownTimeout: string;
  envArgs?: string;
  debug?: boolean;
  version?: boolean;
  help?: boolean;
}

/**
 * Parses the runner's argv (without node and script). Relative paths are
 * resolved against `cwd` now, before any chdir, as twistd does.
 * @throws UsageError for unknown options and bad values.
 */
export function parseRunnerArgs(argv: readonly string[], cwd: string): RunnerOptions {
  const parsed = parseCommonArgs(argv) ?? parseWithCommander(argv);
  const o = parsed.opts;
  const [plugin, ...rest] = parsed.args;
  const logLevel = parseLogLevel(o.logLevel);
  if (logLevel === undefined) throw new UsageError(`--log-level: expected one of debug, info, warn, error, critical, got '${o.logLevel}'`);
  const rundir = path.resolve(cwd, o.rundir);
  if (o.python !== undefined && plugin !== undefined) {
    throw new UsageError(`give either -y FILE or a plugin name, not both (got -y ${o.python} and '${plugin}')`);
  }
  return {
    nodaemon: o.nodaemon ?? false,
    pidfile: o.pidfile === undefined ? path.join(rundir, 'tacd.pid') : o.pidfile === '' ? null : path.resolve(cwd, o.pidfile),
    logfile: o.logfile === undefined || o.logfile === '' ? null : o.logfile === '-' ? '-' : path.resolve(cwd, o.logfile),
    logFormat: o.logFormat,
    logLevel,
    logRotateLength: parseNonNegativeInt('--log-rotate-length', o.logRotateLength),
    logMaxFiles: o.logMaxFiles === undefined ? null : parseNonNegativeInt('--log-max-files', o.logMaxFiles),
    rundir,
    uid: o.uid ?? null,
    gid: o.gid ?? null,
    umask: o.umask === undefined ? null : parseUmask(o.umask),
    syslog: o.syslog ?? false,
    logger: o.logger === undefined || o.logger === '' ? null : o.logger,
    prefix: o.prefix,
    debug: o.debug ?? false,
    help: o.help ?? false,
    version: o.version ?? false,
    tacFile: o.python === undefined ? null : path.resolve(cwd, o.python),
    plugin: plugin ?? null,
    pluginArgs: rest,
    shutdownTimeoutMs: parseSeconds('--shutdown-timeout', o.shutdownTimeout),
    envArgs: parseEnvArgsName(o.envArgs),
  };
}

function parseEnvArgsName(name: string | undefined): string | null {
  if (name === undefined) return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--env-args: expected an environment variable name, got '${name}'`, { code: 'tacd.options.envArgs' });
  return name;
}

const RAW_DEFAULTS = { logFormat: 'text', logLevel: 'info', logRotateLength: '1000000', rundir: '.', prefix: 'tacd', shutdownTimeout: '30' } as const;
const FAST_FLAGS = new Map<string, 'nodaemon' | 'syslog' | 'debug'>([['-n', 'nodaemon'], ['--nodaemon', 'nodaemon'], ['--syslog', 'syslog'], ['--debug', 'debug']]);
type ValueKey = 'pidfile' | 'logfile' | 'logFormat' | 'logLevel' | 'logRotateLength' | 'logMaxFiles' | 'rundir' | 'uid' | 'gid' | 'umask' | 'logger' | 'prefix' | 'python' | 'shutdownTimeout' | 'envArgs';
const FAST_VALUES = new Map<string, ValueKey>([
  ['--pidfile', 'pidfile'], ['-l', 'logfile'], ['--logfile', 'logfile'], ['--log-format', 'logFormat'], ['--log-level', 'logLevel'],
  ['--log-rotate-length', 'logRotateLength'], ['--log-max-files', 'logMaxFiles'], ['-d', 'rundir'], ['--rundir', 'rundir'],
  ['-u', 'uid'], ['--uid', 'uid'], ['-g', 'gid'], ['--gid', 'gid'], ['--umask', 'umask'], ['--logger', 'logger'], ['--prefix', 'prefix'],
  ['-y', 'python'], ['--python', 'python'], ['--shutdown-timeout', 'shutdownTimeout'], ['--env-args', 'envArgs'],
]);

/**
 * The common command lines (`-n --pidfile= echo --port 8000`, `-y app.tac.ts`),
 * parsed exactly as commander parses them, without loading commander. Returns
 * undefined for anything else (help, --version, grouped short flags, `-lFILE`,
 * `--`, unknown options, a bad --log-format, a missing value), which commander
 * then parses and reports.
 */
export function parseCommonArgs(argv: readonly string[]): { opts: RawOptions; args: string[] } | undefined {
  const o: RawOptions = { ...RAW_DEFAULTS };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg[0] !== '-') break; // the plugin name: it and everything after it are the plugin's
    const flag = FAST_FLAGS.get(arg);
    if (flag !== undefined) {
      o[flag] = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = FAST_VALUES.get(eq > 2 ? arg.slice(0, eq) : arg);
    if (key === undefined) return undefined;
    let value: string | undefined;
    if (eq > 2) value = arg.slice(eq + 1);
    else if (++i < argv.length) value = argv[i];
    if (value === undefined) return undefined;
    if (key === 'logFormat') {
      if (value !== 'text' && value !== 'json') return undefined;
      o.logFormat = value;
    } else o[key] = value;
  }
  return { opts: o, args: argv.slice(i) };
}

function parseWithCommander(argv: readonly string[]): { opts: RawOptions; args: string[] } {
  const cmd = runnerCommand();
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof commander().CommanderError) throw new UsageError(commanderMessage(e), { code: `tacd.options.${e.code}` });
    throw e;
  }
  return { opts: cmd.opts<RawOptions>(), args: cmd.args };
}

/** The runner's option help (commander's rendering), without the plugin list. */
export function runnerHelp(): string {
  return runnerCommand().helpInformation();
}
