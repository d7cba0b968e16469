/**
 * ts2deb: build a .deb that installs a tacd app or plugin as a systemd
 * service (see package-cli.ts for the command line).
 */
import { xzCompressor } from '../core/xz.js';
import { gzipCompressor } from '../formats/archive/gzip.js';
import { debFileName, writeDeb } from '../formats/deb/deb.js';
import { runMain } from './report.js';
import { verifyCommand } from './verify.js';
import { processIO, runPackageCli, type CliIO, type FormatAdapter } from './package-cli.js';

/** The .deb adapter of the package CLI. */
export const debAdapter: FormatAdapter = {
  family: 'deb',
  prog: 'ts2deb',
  fileName: (plan) => debFileName(plan.meta),
  write: (plan, compression) => writeDeb(plan, { compression }),
  compressor: (name) => (name === 'xz' ? xzCompressor() : gzipCompressor(9)),
};

/** Runs ts2deb in process; resolves with the exit status (errors are thrown). */
export function ts2deb(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  if (argv[0] === 'verify') return verifyCommand(argv.slice(1), 'deb', io);
  return runPackageCli(debAdapter, argv, io);
}

/** The entry point of bin/ts2deb.js. */
export function main(argv: readonly string[]): void {
  runMain('ts2deb', argv, () => ts2deb(argv));
}
