/**
 * `tacd`: the daemon runner's command line (bin/tacd.js calls `main`).
 *
 *   tacd [runner options] -y app.tac.ts
 *   tacd [runner options] PLUGIN [plugin options]
 *   tacd | tacd --help         options and the plugins, sorted, with where each comes from
 *   tacd --env-args VAR …      more words from $VAR, as shell words (a packaged service's TACD_ARGS)
 *   tacd PLUGIN --help         the plugin's options
 *
 * Exit statuses: 0 after a normal run or help; a daemon stopped by
 * SIGTERM/SIGINT dies by that same signal (shell 143/130, systemd
 * "status=15/TERM", a clean stop); 1 when the daemon failed to start or
 * the stop had to be forced; 70 after an uncaught exception (logged with
 * its stack first); sysexits for bad input (64 usage, 65 bad tac file or
 * pidfile content, 66 missing tac, 67 unknown user/group, 71 cannot bind,
 * 73 cannot create pidfile/log file, 75 already running, 77 cannot check
 * the pid in the pidfile).
 */
import path from 'node:path';
import { runMain, exitAfterFlush } from './report.js';
import { Application } from '../application/application.js';
import { formatPluginHelp, parsePluginOptions, type ServiceMaker } from '../application/service-maker.js';
import { parseRunnerArgs, runnerHelp, type RunnerOptions } from '../runner/options.js';
import { runApplication, tacdVersion, type RunDeps } from '../runner/run.js';
import type { Outcome } from '../runner/signals.js';
import { getBundledApplication, getBundledPlugin } from '../runner/bundled-app.js';
import { envArgs } from '../runner/env-args.js';
// Built-ins without discovery: that scan reads every package.json under node_modules.
import { builtinPlugin } from '../plugins/builtins.js';


/** What the body needs from the process, so tests can run it in-process. */
export interface TacdIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

function deps(io: TacdIO, argv: readonly string[]): RunDeps {
  return {
    env: io.env,
    cwd: io.cwd,
    reexecCommand: [...process.execArgv, process.argv[1]!, ...argv],
    stdout: io.stdout,
    stderr: io.stderr,
    proc: process as unknown as RunDeps['proc'],
  };
}

/**
 * The application builder for the options: a tac file, a plugin under
 * Application(tapname), or (in a packaged app, given neither) the bundled
 * tac's application. Null when help was printed.
 */
async function applicationBuilder(opts: RunnerOptions, io: TacdIO): Promise<(() => Promise<Application>) | null> {
  if (opts.tacFile === null && opts.plugin === null) {
    const bundled = getBundledApplication();
    return async () => (await import('../runner/tac-module.js')).asApplication(bundled, 'the bundled application');
  }
  if (opts.tacFile !== null) {
    const file = opts.tacFile;
    // Checked here, so a daemonizing parent (which never runs the tac) reports a missing file itself.
    (await import('../runner/tac-module.js')).checkTacFile(file);
    // The loader pulls in esbuild: import it only for -y.
    return async () => (await import('../runner/tac-loader.js')).loadApplication(file);
  }
  const maker = await pluginMaker(opts.plugin!, io);
  const parsed = parsePluginOptions(maker, opts.pluginArgs);
  if (parsed.help) {
    io.stdout.write(formatPluginHelp(maker));
    return null;
  }
  return async () => {
    const app = new Application(maker.tapname);
    const service = await maker.makeService(parsed.values);
    await service.setServiceParent(app);
    return app;
  };
}

/**
 * The plugin's service maker: the one bundled into a packaged plugin, a
 * built-in (no discovery scan), or a discovered one, whose module is loaded
 * as a tac file is (TypeScript compiled, source maps on).
 */
async function pluginMaker(name: string, io: TacdIO): Promise<ServiceMaker> {
  const known = getBundledPlugin(name) ?? (await builtinPlugin(name)?.load());
  if (known) return known;
  const { discoverPlugins, findPlugin } = await import('../plugins/registry.js');
  const { importModule } = await import('../runner/tac-loader.js');
  return findPlugin(discoverPlugins(io.cwd, io.env), name).load(importModule);
}

// The runner options, with the words of --env-args VAR appended to argv.
function parseArgs(argv: readonly string[], io: TacdIO): RunnerOptions {
  const opts = parseRunnerArgs(argv, io.cwd);
  return opts.envArgs === null ? opts : parseRunnerArgs([...argv, ...envArgs(io.env, opts.envArgs)], io.cwd);
}

/** Runs tacd; resolves with an exit status, or the stop signal to die by. */
export async function tacd(argv: readonly string[], io: TacdIO): Promise<number | Outcome> {
  const opts = parseArgs(argv, io);
  if (opts.version) {
    io.stdout.write(`tacd (the tacd daemon) ${tacdVersion()}\nnode ${process.version}\n`);
    return 0;
  }
  const bundled = getBundledApplication() !== undefined;
  if (opts.help || (opts.tacFile === null && opts.plugin === null && !bundled)) {
    const { discoverPlugins, formatPluginList, nearestPackageJson } = await import('../plugins/registry.js');
    const project = nearestPackageJson(io.cwd);
    io.stdout.write(runnerHelp() + '\n' + formatPluginList(discoverPlugins(io.cwd, io.env), project ? path.dirname(project) : io.cwd));
    return 0;
  }
  const build = await applicationBuilder(opts, io);
  if (build === null) return 0;
  return runApplication(opts, build, deps(io, argv));
}

// twistd's _exitWithSignal: restore the default action and send the signal to ourselves.
function dieBySignal(signal: NodeJS.Signals): void {
  let pending = 2;
  const kill = (): void => {
    if (--pending > 0) return;
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    // Should the signal be ignored (SIG_IGN inherited), still end with the shell's convention.
    setTimeout(() => exitAfterFlush(128 + (signal === 'SIGINT' ? 2 : 15)), 1000);
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.writableNeedDrain) s.once('drain', kill);
    else kill();
  }
}

/** The entry point of bin/tacd.js. */
export function main(argv: readonly string[]): void {
  // Until the runner's own handlers are in place, a SIGUSR1 must not open Node's inspector (see runner/signals.ts).
  process.on('SIGUSR1', () => undefined);
  const io: TacdIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
  runMain('tacd', argv, async () => {
    const r = await tacd(argv, io);
    if (typeof r === 'number') return r;
    if ('status' in r) return r.status;
    dieBySignal(r.signal);
    return undefined;
  });
}
