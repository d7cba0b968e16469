/**
 * The command line of ts2deb and ts2rpm (commander): its options, and their
 * parsing into the spec input and the build's settings.
 */
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { commanderMessage, UsageError } from '../../core/errors.js';
import type { SpecInput } from '../../plan/spec.js';
import type { Family } from '../../render/locals.js';
import type { CliIO, Emit, FormatAdapter } from './types.js';

export interface Parsed {
  readonly spec: SpecInput;
  readonly tac: string | undefined;
  readonly plugin: string | undefined;
  readonly pluginArgs: readonly string[];
  readonly compression: 'gzip' | 'xz';
  readonly output: string;
  readonly templates: string | undefined;
  readonly json: boolean;
  /** False with --no-cache: neither read nor fill the compressed-payload cache. */
  readonly cache: boolean;
  readonly emit: Emit;
  readonly signKey: string | undefined;
  /** The command ('ts2deb' or 'ts2rpm'): the prefix of its own error codes. */
  readonly prog: 'ts2deb' | 'ts2rpm';
  /** False with --no-load-check. */
  readonly loadCheck: boolean;
}

function program(prog: string, family: Family, sourceHelp: string): Command {
  const ext = family === 'deb' ? '.deb' : '.rpm';
  return new Command(prog)
    .usage(`[options] APP.tac.ts\n       ${prog} [options] --plugin NAME [-- plugin options]\n       ${prog} init [DIR] [--force]
       ${prog} verify PKG${ext} [--probe tcp:PORT|http://...|unix:PATH|cmd:...] [--upgrade-from OLD${ext}] [--keep] [--json]`)
    .description(`Build a ${ext} that installs a tacd application or plugin as a systemd service, with its runtime bundled.`)
    .argument('[tac]', 'the .tac.ts / .tac.js file defining `application`')
    .option('--plugin <name>', 'package a built-in tacd plugin instead of a tac file')
    .option('--name <name>', 'package name (default: package.json name)')
    .option('-V, --set-version <version>', 'upstream version (default: package.json version)')
    .option('--release <release>', `${family === 'deb' ? 'Debian revision' : 'RPM release'} (default 1)`)
    .option('-m, --maintainer <who>', "'Name <email>' (default: package.json author)")
    .option('--description <text>', 'one-line summary (default: package.json description)')
    .option('--long-description <text>', 'extended description')
    .option('--license <spdx>', 'license (default: package.json license)')
    .option('--homepage <url>', 'homepage (default: package.json homepage)')
    .option('--arch <arch>', 'architecture (default: from the node binary, or all with --runtime system)')
    .option('--depends <list>', "extra dependencies: 'a (>= 1), b | c'")
    .option('--recommends <list>', 'recommended packages')
    .option('--suggests <list>', 'suggested packages')
    .option('--conflicts <list>', 'conflicting packages')
    .option('--replaces <list>', 'replaced packages')
    .option('--provides <list>', 'provided virtual packages')
    .option('--user <user>', 'system user the service runs as (default: the package name)')
    .option('--group <group>', "the service's group (default: the user's name)")
    .addOption(new Option('--runtime <runtime>', 'bundle node, or depend on nodejs (>= 20)').choices(['bundled', 'system']))
    .option('--node <path>', 'node binary to bundle (default: this node)')
    .option('--node-version <range>', "bundle node-linux-<arch> from the npm registry: 22, 24.1, ^22.11, lts (default: package.json engines.node)")
    .addOption(new Option('--compression <name>', 'payload compression').choices(['gzip', 'xz']).default('gzip'))
    .option('--output <dir>', 'folder to write the package to (created if missing)', '.')
    .addOption(new Option('--binary', `build the ${ext} (the default)`).conflicts(['source', 'both']))
    .addOption(new Option('--source', `build ${sourceHelp} instead`).conflicts(['binary', 'both']))
    .addOption(new Option('--both', `build the ${ext} and ${sourceHelp}`).conflicts(['binary', 'source']))
    .option('--sign-key <key>', `gpg key (id, fingerprint or user id) to sign ${family === 'rpm' ? `the .rpm and ${sourceHelp}` : sourceHelp} with; unsigned by default`)
    .option('--templates <dir>', 'folder of .ejs files overriding built-in templates by name')
    .option('--socket-activation', 'ship a .socket unit so systemd binds the port')
    .option('--env <NAME=VALUE>', "a variable of the service's environment, in /etc/default/NAME (repeatable; over package.json's tacd.env)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--json', 'print a JSON report of what was built')
    .option('--no-load-check', 'do not load the staged app from a scratch folder before writing the package')
    .option('--no-cache', 'neither use nor fill the build cache ($TACD_CACHE_DIR or ~/.cache/tacd; also TACD_NO_CACHE=1)')
    .option('--debug', 'show stack traces')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

type Raw = Record<string, string | boolean | undefined>;

export function parse(adapter: FormatAdapter, argv: readonly string[], io: CliIO): Parsed | { help: string } {
  const { prog, family } = adapter;
  const dd = argv.indexOf('--');
  const own = dd >= 0 ? argv.slice(0, dd) : [...argv];
  const pluginArgs = dd >= 0 ? argv.slice(dd + 1) : [];
  const cmd = program(prog, family, adapter.sourceHelp);
  if (own.includes('-h') || own.includes('--help')) return { help: cmd.helpInformation() };
  try {
    cmd.parse([...own], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(commanderMessage(e), { code: `${prog}.${e.code}`, cause: e });
    throw e;
  }
  const o = cmd.opts<Raw>();
  const tac = cmd.args[0];
  const plugin = o['plugin'] as string | undefined;
  if ((tac === undefined) === (plugin === undefined)) throw new UsageError(`give either a tac file or --plugin NAME (see ${prog} --help)`, { code: `${prog}.usage.app` });
  if (tac !== undefined && pluginArgs.length > 0) throw new UsageError("options after '--' are for --plugin; a tac file takes none", { code: `${prog}.usage.pluginArgs` });
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const emit: Emit = o['source'] === true ? 'source' : o['both'] === true ? 'both' : 'binary';
  const signKey = s('signKey');
  if (signKey !== undefined && emit === 'binary' && !adapter.signsBinary) {
    throw new UsageError(`--sign-key signs ${adapter.sourceHelp} (a .deb is signed by its repository: ${prog} repo --sign-key): add --source or --both`, { code: `${prog}.usage.signKey` });
  }
  const spec: SpecInput = Object.fromEntries(
    Object.entries({
      name: s('name'), version: s('setVersion'), release: s('release'), maintainer: s('maintainer'), description: s('description'),
      longDescription: s('longDescription'), license: s('license'), homepage: s('homepage'), arch: s('arch'), depends: s('depends'),
      recommends: s('recommends'), suggests: s('suggests'), conflicts: s('conflicts'), replaces: s('replaces'), provides: s('provides'),
      user: s('user'), group: s('group'), runtime: s('runtime'), node: s('node'), nodeVersion: s('nodeVersion'), socketActivation: o['socketActivation'] === true ? true : undefined,
      env: (o['env'] as unknown as string[]).length > 0 ? (o['env'] as unknown as string[]) : undefined,
    }).filter(([, v]) => v !== undefined),
  );
  return {
    spec,
    tac: tac === undefined ? undefined : path.resolve(io.cwd, tac),
    plugin,
    pluginArgs,
    compression: s('compression') as 'gzip' | 'xz',
    output: path.resolve(io.cwd, s('output')!),
    templates: s('templates') === undefined ? undefined : path.resolve(io.cwd, s('templates')!),
    json: o['json'] === true,
    cache: o['cache'] !== false,
    loadCheck: o['loadCheck'] !== false,
    emit,
    signKey,
    prog,
  };
}
