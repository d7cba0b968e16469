/**
 * `ts2deb verify PKG.deb` / `ts2rpm verify PKG.rpm` (src/verify/verify.ts):
 *
 *   ts2deb verify PKG [--probe X] [--upgrade-from OLD] [--keep] [--json] [--settle SECONDS] [--debug]
 *
 * Exit status: 0 every check passed, 1 a check failed, 64 usage, 65 not a
 * .deb/.rpm, 66 package file missing, 77 not root, 69 systemd-nspawn (or a
 * rootfs builder) missing. The table goes to stdout (JSON with --json),
 * progress to stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import { exitCodeOf, UsageError } from '../core/errors.js';
import type { Container } from '../verify/container.js';
import { parseProbe, type Probe } from '../verify/probe.js';
import { formatJson, formatTable } from '../verify/report.js';
import { requirePackageFile, verifyPackage, type PackageFormat, type VerifyOptions } from '../verify/verify.js';
import { commanderMessage, formatFailure, wantsDebug } from './report.js';

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
    .option('--upgrade-from <old>', `install this older .${format} first, edit its conffile, then upgrade`)
    .option('--keep', 'keep the container (package installed) after the checks until Ctrl-C, and skip the removal checks')
    .addOption(new Option('--settle <seconds>', 'how long the service must stay up without restarting').default('3'))
    .option('--json', 'print the result as JSON')
    .option('--debug', 'show stack traces')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.removeListener('SIGINT', done);
      process.removeListener('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
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
    const o = cmd.opts<{ probe?: string; upgradeFrom?: string; keep?: boolean; settle: string; json?: boolean }>();
    const probe: Probe | undefined = o.probe === undefined ? undefined : parseProbe(o.probe);
    if (!/^\d+(\.\d+)?$/.test(o.settle)) throw new UsageError(`--settle: expected a number of seconds, got '${o.settle}'`, { code: 'verify.settle' });
    const pkg = requirePackageFile(cmd.args[0]!, 'package');
    const json = o.json === true;
    const keep = o.keep
      ? async (c: Container): Promise<void> => {
          io.stderr.write(
            `${prog}: container ${c.name} kept (systemd pid ${c.leaderPid}); enter it with: nsenter -t ${c.leaderPid} -a bash\n` +
              `${prog}: press Ctrl-C to tear it down\n`,
          );
          await (io.waitForRelease ?? waitForSignal)();
        }
      : undefined;
    const result = await verifyPackage({
      ...io.options,
      pkg,
      format,
      settleMs: Number(o.settle) * 1000,
      ...(probe ? { probe } : {}),
      ...(o.upgradeFrom !== undefined ? { upgradeFrom: o.upgradeFrom } : {}),
      ...(keep ? { keep } : {}),
      onProgress: (line) => {
        if (!json) io.stderr.write(`${prog}: ${line}\n`);
      },
    });
    io.stdout.write(json ? formatJson(result) : formatTable(result, prog));
    return result.ok ? 0 : 1;
  } catch (e) {
    io.stderr.write(formatFailure(prog, e, debug));
    return exitCodeOf(e);
  }
}
