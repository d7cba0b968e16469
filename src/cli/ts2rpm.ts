/**
 * ts2rpm: build an .rpm that installs a tacd app or plugin as a systemd
 * service, and/or its .src.rpm (see package-cli.ts for the command line).
 */
import { gpgSigner } from '../tools/gpg.js';
import { xzCompressor } from '../tools/xz.js';
import { gzipCompressor } from '../formats/archive/gzip.js';
import { rpmFileName, writeRpm } from '../formats/rpm/rpm.js';
import { sourceRpmFileName, writeSourceRpm } from '../formats/srcrpm/srpm.js';
import { exitOnInterrupt, runMain } from './report.js';
import { processIO, runPackageCli, type CliIO, type FormatAdapter } from './package-cli.js';
import type { Signing } from './package/types.js';
import type { Signer } from '../formats/plan.js';

/** gpg --detach-sign with --sign-key, for the .rpm's and the .src.rpm's header signatures. */
function signerOf(s: Signing): Signer {
  return gpgSigner({ keyId: s.signKey!, ...(s.gnupgHome !== undefined ? { homedir: s.gnupgHome } : {}) });
}

/** The .rpm adapter of the package CLI. */
export const rpmAdapter: FormatAdapter = {
  family: 'rpm',
  prog: 'ts2rpm',
  fileName: (plan) => rpmFileName(plan.meta),
  write: (plan, compression, s) => writeRpm(plan, { compression, ...(s.signKey !== undefined ? { signer: signerOf(s) } : {}) }),
  signsBinary: true,
  sourceHelp: 'the .src.rpm',
  // The .src.rpm carries the spec and the prebuilt payload (Source0); the app's
  // own sources are not part of it (o.sources is for the Debian orig tarball).
  writeSource: async (plan, o) => {
    const signer = o.signKey !== undefined ? signerOf(o) : undefined;
    const chunks = await writeSourceRpm(plan, { compression: o.compression, ...(signer ? { signer } : {}) });
    return [{ name: sourceRpmFileName(plan.meta), chunks }];
  },
  compressor: (name) => (name === 'xz' ? xzCompressor() : gzipCompressor(9)),
};

/** Runs ts2rpm in process; resolves with the exit status (errors are thrown). */
export function ts2rpm(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  // The subcommands load their modules (verify's containers, the repository writers) only when asked for.
  if (argv[0] === 'verify') return import('./verify.js').then((m) => m.verifyCommand(argv.slice(1), 'rpm', io));
  if (argv[0] === 'init') return import('./init.js').then((m) => m.initCommand('ts2rpm', argv.slice(1), io));
  if (argv[0] === 'repo') return import('./repo.js').then((m) => m.repoCommand(argv.slice(1), 'rpm', io));
  return runPackageCli(rpmAdapter, argv, io);
}

/** The entry point of bin/ts2rpm.js. */
export function main(argv: readonly string[]): void {
  // verify turns signals into an orderly container shutdown of its own (src/cli/verify.ts).
  if (argv[0] !== 'verify') exitOnInterrupt('ts2rpm');
  runMain('ts2rpm', argv, () => ts2rpm(argv));
}
