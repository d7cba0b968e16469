/**
 * `ts2deb repo DIR PKG.deb...` / `ts2rpm repo DIR PKG.rpm...`: create or
 * update a signed apt or dnf repository in DIR (src/repo):
 *
 *   ts2deb repo DIR PKG.deb... [--suite stable] [--component main] [--arch amd64,arm64] [--sign-key ID] [--keep N] [--url URL] [--name NAME]
 *   ts2rpm repo DIR PKG.rpm... [--sign-key ID] [--keep N] [--url URL] [--name NAME]
 *
 * Exit status: 0 done, 64 usage, 65 a file that is not a package or a
 * version already there with other bytes, 66 a package file missing, 73 DIR
 * not ours, 75 another update running, 78 a key gpg cannot use; nothing in
 * DIR changes on any of these. Errors are thrown (runMain prints them).
 */
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { commanderMessage, UsageError } from '../core/errors.js';
import { fileUrl, updateAptRepository, type RepoUpdate } from '../repo/apt.js';
import { updateRpmRepository } from '../repo/rpm.js';
import type { CliIO } from './package-cli.js';

type RepoFormat = 'deb' | 'rpm';

interface RepoOpts {
  suite: string;
  component: string;
  arch: string;
  keep: string;
  signKey?: string;
  url?: string;
  name?: string;
}

function program(format: RepoFormat): Command {
  const prog = format === 'deb' ? 'ts2deb' : 'ts2rpm';
  const cmd = new Command(`${prog} repo`)
    .usage(`[options] DIR PKG.${format}...`)
    .description(`Create or update the ${format === 'deb' ? 'apt' : 'dnf/yum'} repository DIR with the packages given, atomically (DIR is a link to its current generation).`)
    .argument('<dir>', 'the repository folder (created when missing)')
    .argument('<packages...>', `the .${format} files to add`)
    .addOption(new Option('--keep <n>', 'versions kept per package and architecture').default('3'))
    .option('--sign-key <key>', 'gpg key (id, fingerprint or user id) to sign the repository with; unsigned by default')
    .option('--url <url>', 'where clients reach DIR, for the snippets (default: file:// and its absolute path)')
    .option('--name <name>', 'the repository name on clients: keyring, .sources/.repo file (default: the folder name)')
    .option('--debug', 'show stack traces');
  if (format === 'deb') {
    cmd.addOption(new Option('--suite <suite>', 'the suite (dists/SUITE)').default('stable'));
    cmd.addOption(new Option('--component <component>', 'the component').default('main'));
    cmd.addOption(new Option('--arch <list>', 'architectures listed for `all` packages, comma-separated').default('amd64,arm64'));
  }
  return cmd.allowExcessArguments(false).exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

function parse(argv: readonly string[], format: RepoFormat): { args: string[]; o: RepoOpts } {
  const cmd = program(format);
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(`${commanderMessage(e)} (see ts2${format} repo --help)`, { code: `repo.${e.code}`, cause: e });
    throw e;
  }
  return { args: cmd.args, o: cmd.opts<RepoOpts>() };
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

function checked(o: RepoOpts, dir: string): { keep: number; name: string } {
  if (!/^[1-9]\d*$/.test(o.keep)) throw new UsageError(`--keep: expected a whole number of versions, 1 or more, got '${o.keep}'`, { code: 'repo.keep' });
  for (const [opt, v] of [['--suite', o.suite], ['--component', o.component]] as const) {
    if (v !== undefined && !NAME.test(v)) throw new UsageError(`${opt}: expected lower-case letters, digits, '.', '_' or '-', got '${v}'`, { code: 'repo.name' });
  }
  const name = o.name ?? path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  if (!NAME.test(name)) throw new UsageError(`--name: expected lower-case letters, digits, '.', '_' or '-', got '${name}'`, { code: 'repo.name' });
  return { keep: Number(o.keep), name };
}

function report(io: CliIO, prog: string, dir: string, r: RepoUpdate): void {
  const lines = [`${prog}: ${dir}: generation ${r.generation}`];
  for (const [verb, list] of [['added', r.added], ['already there', r.unchanged], ['removed (--keep)', r.removed]] as const) {
    for (const p of list) lines.push(`  ${verb}: ${p}`);
  }
  lines.push('install on a client:', `  ${r.installLine}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs `repo` with `argv` (the words after "repo"); resolves with the exit status. */
export async function repoCommand(argv: readonly string[], format: RepoFormat, io: CliIO): Promise<number> {
  const prog = `ts2${format} repo`;
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout.write(program(format).helpInformation());
    return 0;
  }
  const { args, o } = parse(argv, format);
  const dir = path.resolve(io.cwd, args[0]!);
  const { keep, name } = checked(o, dir);
  const common = {
    dir, packages: args.slice(1).map((p) => path.resolve(io.cwd, p)), keep, name, url: o.url ?? fileUrl(dir),
    ...(o.signKey !== undefined ? { signKey: o.signKey } : {}), ...(io.env['GNUPGHOME'] ? { gnupgHome: io.env['GNUPGHOME'] } : {}), now: Math.floor(io.now()),
  };
  const r = format === 'deb'
    ? await updateAptRepository({ ...common, suite: o.suite, component: o.component, architectures: o.arch.split(',').map((a) => a.trim()).filter(Boolean) })
    : await updateRpmRepository(common);
  report(io, prog, args[0]!, r);
  return 0;
}
