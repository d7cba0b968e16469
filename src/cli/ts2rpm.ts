/**
 * ts2rpm: build an .rpm that installs a tacd app or plugin as a systemd
 * service (see package-cli.ts for the command line).
 */
import { xzCompressor } from '../core/xz.js';
import { gzipCompressor } from '../formats/archive/gzip.js';
import { rpmFileName, writeRpm } from '../formats/rpm/rpm.js';
import { runMain } from './report.js';
import { verifyCommand } from './verify.js';
import { processIO, runPackageCli, type CliIO, type FormatAdapter } from './package-cli.js';

/** The .rpm adapter of the package CLI. */
export const rpmAdapter: FormatAdapter = {
  family: 'rpm',
  prog: 'ts2rpm',
  fileName: (plan) => rpmFileName(plan.meta),
  write: (plan, compression) => writeRpm(plan, { compression }),
  compressor: (name) => (name === 'xz' ? xzCompressor() : gzipCompressor(9)),
};

/** Runs ts2rpm in process; resolves with the exit status (errors are thrown). */
export function ts2rpm(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  if (argv[0] === 'verify') return verifyCommand(argv.slice(1), 'rpm', io);
  return runPackageCli(rpmAdapter, argv, io);
}

/** The entry point of bin/ts2rpm.js. */
export function main(argv: readonly string[]): void {
  runMain('ts2rpm', argv, () => ts2rpm(argv));
}
