/**
 * ts2rpm: build an .rpm that installs a tacd app or plugin as a systemd
 * service, and/or its .src.rpm (see package-cli.ts for the command line).
 */
import { describeError, isTacError, TacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import { gpgSigner } from '../core/gpg.js';
import { xzCompressor } from '../core/xz.js';
import { gzipCompressor } from '../formats/archive/gzip.js';
import type { Signer } from '../formats/plan.js';
import { rpmFileName, writeRpm } from '../formats/rpm/rpm.js';
import { sourceRpmFileName, writeSourceRpm } from '../formats/srcrpm/srpm.js';
import { exitOnInterrupt, runMain } from './report.js';
import { verifyCommand } from './verify.js';
import { processIO, runPackageCli, type CliIO, type FormatAdapter } from './package-cli.js';

/** gpg --detach-sign with `keyId`; a failure is one line with gpg's last complaint. */
function detachSigner(keyId: string, homedir: string | undefined): Signer {
  const sign = gpgSigner({ keyId, ...(homedir !== undefined ? { homedir } : {}) });
  return async (data) => {
    try {
      return await sign(data);
    } catch (e) {
      if (isTacError(e) && e.code === 'tacd.exec.missing') throw e;
      const stderr = String((e as { cause?: { stderr?: unknown } }).cause?.stderr ?? '');
      const why = stderr.trim().split('\n').filter((l) => l.trim() !== '').pop()?.replace(/^gpg: /, '') ?? describeError(e);
      throw new TacError('tacd.gpg.sign', `gpg --detach-sign with key '${keyId}' failed: ${why}`, { exitCode: ExitCode.CONFIG, cause: e });
    }
  };
}

/** The .rpm adapter of the package CLI. */
export const rpmAdapter: FormatAdapter = {
  family: 'rpm',
  prog: 'ts2rpm',
  fileName: (plan) => rpmFileName(plan.meta),
  write: (plan, compression) => writeRpm(plan, { compression }),
  sourceHelp: 'the .src.rpm',
  // The .src.rpm carries the spec and the prebuilt payload (Source0); the app's
  // own sources are not part of it (o.sources is for the Debian orig tarball).
  writeSource: async (plan, o) => {
    const signer = o.signKey !== undefined ? detachSigner(o.signKey, o.gnupgHome) : undefined;
    const chunks = await writeSourceRpm(plan, { compression: o.compression, ...(signer ? { signer } : {}) });
    return [{ name: sourceRpmFileName(plan.meta), chunks }];
  },
  compressor: (name) => (name === 'xz' ? xzCompressor() : gzipCompressor(9)),
};

/** Runs ts2rpm in process; resolves with the exit status (errors are thrown). */
export function ts2rpm(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  if (argv[0] === 'verify') return verifyCommand(argv.slice(1), 'rpm', io);
  return runPackageCli(rpmAdapter, argv, io);
}

/** The entry point of bin/ts2rpm.js. */
export function main(argv: readonly string[]): void {
  // verify turns signals into an orderly container shutdown of its own (src/cli/verify.ts).
  if (argv[0] !== 'verify') exitOnInterrupt('ts2rpm');
  runMain('ts2rpm', argv, () => ts2rpm(argv));
}
