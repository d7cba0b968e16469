/**
 * ts2deb: build a .deb that installs a tacd app or plugin as a systemd
 * service, and/or its Debian source package (see package-cli.ts for the
 * command line).
 */
import { gpgClearSigner } from '../tools/gpg.js';
import { xzCompressor } from '../tools/xz.js';
import { gzipCompressor } from '../formats/archive/gzip.js';
import { debFileName, writeDeb } from '../formats/deb/deb.js';
import { writeDebianSource } from '../formats/srcdeb/srcdeb.js';
import { exitOnInterrupt, runMain } from './report.js';
import { processIO, runPackageCli, type CliIO, type FormatAdapter } from './package-cli.js';

/** The .deb adapter of the package CLI. */
export const debAdapter: FormatAdapter = {
  family: 'deb',
  prog: 'ts2deb',
  fileName: (plan) => debFileName(plan.meta),
  write: (plan, compression) => writeDeb(plan, { compression }),
  signsBinary: false,
  sourceHelp: 'the Debian source package (.orig.tar, .debian.tar, .dsc, _source.changes)',
  writeSource: async (plan, o) => {
    const clearsign = o.signKey !== undefined ? gpgClearSigner({ keyId: o.signKey, ...(o.gnupgHome !== undefined ? { homedir: o.gnupgHome } : {}) }) : undefined;
    const { files } = await writeDebianSource({ plan, sources: o.sources }, { compression: o.compression, changes: true, ...(clearsign ? { clearsign } : {}) });
    return files.map((f) => ({ name: f.name, chunks: [f.bytes] }));
  },
  compressor: (name) => (name === 'xz' ? xzCompressor() : gzipCompressor(9)),
};

/** Runs ts2deb in process; resolves with the exit status (errors are thrown). */
export function ts2deb(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  // The subcommands load their modules (verify's containers, the repository writers) only when asked for.
  if (argv[0] === 'verify') return import('./verify.js').then((m) => m.verifyCommand(argv.slice(1), 'deb', io));
  if (argv[0] === 'init') return import('./init.js').then((m) => m.initCommand('ts2deb', argv.slice(1), io));
  if (argv[0] === 'repo') return import('./repo.js').then((m) => m.repoCommand(argv.slice(1), 'deb', io));
  return runPackageCli(debAdapter, argv, io);
}

/** The entry point of bin/ts2deb.js. */
export function main(argv: readonly string[]): void {
  // verify turns signals into an orderly container shutdown of its own (src/cli/verify.ts).
  if (argv[0] !== 'verify') exitOnInterrupt('ts2deb');
  runMain('ts2deb', argv, () => ts2deb(argv));
}
