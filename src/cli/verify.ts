/**
 * `ts2deb verify PKG.deb` / `ts2rpm verify PKG.rpm` (src/verify/verify.ts):
 *
 *   ts2deb verify PKG [--probe X] [--upgrade-from OLD] [--keep] [--json] [--settle SECONDS] [--debug]
 *
 * Exit status: 0 every check passed, 1 a check failed, 64 usage, 65 not a
 * .deb/.rpm, 66 package file missing, 77 not root, 69 systemd-nspawn (or a
 * rootfs builder, when the rootfs must be built) missing; 130/143/129 when
 * SIGINT/SIGTERM/SIGHUP stopped it, after the container was shut down. The
 * table goes to stdout (JSON with --json), progress to stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import { commanderMessage, UsageError } from '../core/errors.js';
import { signalExitStatus, STOP_SIGNALS, type StopSignal } from '../core/exit-codes.js';
import type { Container } from '../verify/container.js';
import { parseProbe, type Probe } from '../verify/probe.js';
import { formatJson, formatTable } from '../verify/report.js';
import { distrosOf, formatMatrix, verifyMatrix } from '../verify/matrix.js';
import { requirePackageFile } from '../verify/preflight.js';
import { verifyPackage, type PackageFormat, type VerifyOptions } from '../verify/verify.js';
import { failure, wantsDebug } from './report.js';

export interface VerifyIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Resolves when the user wants a kept container gone (default: SIGINT/SIGTERM). */
  readonly waitForRelease?: () => Promise<void>;
  /** Extra options for verifyPackage (tests: rootfs cache, state root). */
  readonly options?: Partial<Pick<VerifyOptions, 'rootfs' | 'container'>>;
}

function program(prog: string, format: PackageFormat): Command {
  return new Command(`${prog} verify`)
    .usage(`[options] PKG.${format}`)
    .description(`Install PKG.${format} in a throwaway container running systemd and check the service: enabled, active, no restarts, probe, reload, restart, upgrade, removal leaves nothing.`)
    .argument('<pkg>', `the .${format} to verify`)
    .option('--probe <probe>', 'tcp:PORT, http://..., unix:PATH or cmd:COMMAND (default: the first TCP port the service listens on)')
    .option('--distro <suite>', 'bullseye, bookworm (default), trixie, a comma-separated list, or all: one table, a column per distro')
    .option('--upgrade-from <old>', `install this older .${format} first, edit its conffile, then upgrade`)
    .option('--keep', 'keep the container (package installed) after the checks until Ctrl-C, and skip the removal checks')
    .addOption(new Option('--settle <seconds>', 'how long the service must stay up without restarting').default('3'))
    .option('--json', 'print the result as JSON')
    .option('--debug', 'show stack traces')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

/** Runs `verify` with `argv` (the words after "verify"); resolves with the exit status. */
export async function verifyCommand(argv: readonly string[], format: PackageFormat, io: VerifyIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const prog = format === 'deb' ? 'ts2deb verify' : 'ts2rpm verify';
  const debug = wantsDebug(argv);
  try {
    const cmd = program(prog.split(' ')[0]!, format);
    if (argv.includes('-h') || argv.includes('--help')) {
      io.stdout.write(cmd.helpInformation());
      return 0;
    }
    try {
      cmd.parse([...argv], { from: 'user' });
    } catch (e) {
      if (e instanceof CommanderError) throw new UsageError(`${commanderMessage(e)} (see ${prog} --help)`, { code: `verify.${e.code}`, cause: e });
      throw e;
    }
    const o = cmd.opts<{ distro?: string; probe?: string; upgradeFrom?: string; keep?: boolean; settle: string; json?: boolean }>();
    const probe: Probe | undefined = o.probe === undefined ? undefined : parseProbe(o.probe);
    if (!/^\d+(\.\d+)?$/.test(o.settle)) throw new UsageError(`--settle: expected a number of seconds, got '${o.settle}'`, { code: 'verify.settle' });
    const suites = distrosOf(o.distro);
    const pkg = requirePackageFile(cmd.args[0]!, 'package');
    const json = o.json === true;
    // SIGINT/SIGTERM/SIGHUP: while --keep holds the container, the signal
    // releases it (the removal checks are skipped, the table printed); at
    // any other time it aborts the run, which shuts the container down, and
    // the command ends with the signal's status (130/143/129).
    const stop = new AbortController();
    let stoppedBy: StopSignal | undefined;
    let release: (() => void) | undefined;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (release) {
        const r = release;
        release = undefined;
        r();
        return;
      }
      if (stoppedBy) return; // already stopping: the teardown is under way
      stoppedBy = sig as StopSignal;
      if (!json) io.stderr.write(`${prog}: ${sig}: stopping, the container is shut down first...\n`);
      stop.abort(sig);
    };
    const keep = o.keep
      ? async (c: Container): Promise<void> => {
          io.stderr.write(
            `${prog}: container ${c.name} kept (systemd pid ${c.leaderPid}); enter it with: nsenter -t ${c.leaderPid} -a bash\n` +
              `${prog}: press Ctrl-C to tear it down\n`,
          );
          await (io.waitForRelease ?? (() => new Promise<void>((resolve) => (release = resolve))))();
        }
      : undefined;
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    try {
      const results = await verifyMatrix({
        ...io.options,
        pkg,
        format,
        settleMs: Number(o.settle) * 1000,
        ...(probe ? { probe } : {}),
        ...(o.upgradeFrom !== undefined ? { upgradeFrom: o.upgradeFrom } : {}),
        ...(keep ? { keep } : {}),
        signal: stop.signal,
        onProgress: (line) => {
          if (!json) io.stderr.write(`${prog}: ${line}\n`);
        },
      }, suites, verifyPackage);
      // (a signal that came only during the final teardown changes nothing: every check ran)
      io.stdout.write(results.length > 1 ? (json ? `${JSON.stringify(results, null, 2)}\n` : formatMatrix(results, prog)) : json ? formatJson(results[0]!) : formatTable(results[0]!, prog));
      return results.every((r) => r.ok) ? 0 : 1;
    } catch (e) {
      if (stoppedBy === undefined) throw e;
      io.stderr.write(failure(prog, e, debug).text);
      return signalExitStatus(stoppedBy);
    } finally {
      for (const sig of STOP_SIGNALS) process.removeListener(sig, onSignal);
    }
  } catch (e) {
    const f = failure(prog, e, debug);
    io.stderr.write(f.text);
    return f.status;
  }
}
