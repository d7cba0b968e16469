/**
 * The shared command line of ts2deb and ts2rpm:
 *
 *   ts2deb [options] APP.tac.ts
 *   ts2deb [options] --plugin NAME [-- plugin options]
 *
 * It parses options (commander), normalizes the spec, builds the plan,
 * runs the format writer and writes the package atomically: a temp file in
 * the output folder renamed over the final name, so a failed build leaves
 * no file behind. An existing file of the same name is replaced only when
 * it is itself a package of that format (normally our own previous build of
 * that exact version, which dpkg-deb --build and rpmbuild also replace);
 * anything else is refused with EX_CANTCREAT. Nothing else in the folder
 * is touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, createReadStream, renameSync, statSync, unlinkSync, openSync, closeSync, readSync, writeSync, fsyncSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CantCreateError, NoInputError, UsageError } from '../core/errors.js';
import { sourceDateEpoch } from '../core/source-date-epoch.js';
import type { Compressor, PackagePlan } from '../formats/plan.js';
import { bundleApp } from '../bundle/bundle.js';
import { readElfArch } from '../bundle/elf.js';
import { buildPlan } from '../plan/build-plan.js';
import { normalizeSpec, type AppSource, type SpecInput } from '../plan/spec.js';
import { createRenderer } from '../render/render.js';
import type { Family } from '../render/locals.js';
import { discoverPlugins, findPlugin } from '../plugins/registry.js';

/** What a format contributes: its writer, file name and compressors. */
export interface FormatAdapter {
  readonly family: Family;
  readonly prog: 'ts2deb' | 'ts2rpm';
  fileName(plan: PackagePlan): string;
  write(plan: PackagePlan, compression: Compressor): Promise<Uint8Array[]>;
  compressor(name: 'gzip' | 'xz'): Compressor;
}

/** Where the CLI reads and writes; process values in production, fakes in tests. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly execPath: string;
  /** Seconds since the epoch when SOURCE_DATE_EPOCH is unset. */
  readonly now: () => number;
}

interface Parsed {
  readonly spec: SpecInput;
  readonly tac: string | undefined;
  readonly plugin: string | undefined;
  readonly pluginArgs: readonly string[];
  readonly compression: 'gzip' | 'xz';
  readonly output: string;
  readonly templates: string | undefined;
  readonly json: boolean;
}

function program(prog: string, family: Family): Command {
  const ext = family === 'deb' ? '.deb' : '.rpm';
  return new Command(prog)
    .usage(`[options] APP.tac.ts\n       ${prog} [options] --plugin NAME [-- plugin options]`)
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
    .addOption(new Option('--compression <name>', 'payload compression').choices(['gzip', 'xz']).default('gzip'))
    .option('--output <dir>', 'folder to write the package to', '.')
    .option('--templates <dir>', 'folder of .ejs files overriding built-in templates by name')
    .option('--socket-activation', 'ship a .socket unit so systemd binds the port')
    .option('--json', 'print a JSON report of what was built')
    .option('--debug', 'show stack traces')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

type Raw = Record<string, string | boolean | undefined>;

function parse(prog: string, family: Family, argv: readonly string[], io: CliIO): Parsed | { help: string } {
  const dd = argv.indexOf('--');
  const own = dd >= 0 ? argv.slice(0, dd) : [...argv];
  const pluginArgs = dd >= 0 ? argv.slice(dd + 1) : [];
  const cmd = program(prog, family);
  if (own.includes('-h') || own.includes('--help')) return { help: cmd.helpInformation() };
  try {
    cmd.parse([...own], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(e.message.replace(/^error: /, ''), { code: `ts2deb.${e.code}`, cause: e });
    throw e;
  }
  const o = cmd.opts<Raw>();
  const tac = cmd.args[0];
  const plugin = o['plugin'] as string | undefined;
  if ((tac === undefined) === (plugin === undefined)) throw new UsageError(`give either a tac file or --plugin NAME (see ${prog} --help)`, { code: 'ts2deb.usage.app' });
  if (tac !== undefined && pluginArgs.length > 0) throw new UsageError("options after '--' are for --plugin; a tac file takes none", { code: 'ts2deb.usage.pluginArgs' });
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const spec: SpecInput = Object.fromEntries(
    Object.entries({
      name: s('name'), version: s('setVersion'), release: s('release'), maintainer: s('maintainer'), description: s('description'),
      longDescription: s('longDescription'), license: s('license'), homepage: s('homepage'), arch: s('arch'), depends: s('depends'),
      recommends: s('recommends'), suggests: s('suggests'), conflicts: s('conflicts'), replaces: s('replaces'), provides: s('provides'),
      user: s('user'), group: s('group'), runtime: s('runtime'), node: s('node'), socketActivation: o['socketActivation'] === true ? true : undefined,
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
  };
}

/** Fails with EX_CANTCREAT (73) unless `dir` is an existing, writable folder. */
export function checkOutputDir(dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new CantCreateError(dir, `--output ${dir}: not an existing folder`, { code: 'ts2deb.output.missing' });
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new CantCreateError(dir, `--output ${dir}: folder is not writable`, { code: 'ts2deb.output.readonly', cause: e });
  }
}

/**
 * Writes `chunks` to `dir/name` atomically: a hidden temp file in `dir`,
 * fsync, rename. The temp file is removed on any failure. Returns the path.
 */
export function writeAtomically(dir: string, name: string, chunks: readonly Uint8Array[], replaceable: (head: Buffer) => boolean = isPackage): string {
  const final = path.join(dir, name);
  refuseForeign(final, replaceable);
  const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, final);
    return final;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new CantCreateError(final, `cannot write ${final}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { code: 'ts2deb.output.write', cause: e });
  }
}

const DEB_MAGIC = Buffer.from('!<arch>\ndebian-binary');
const RPM_MAGIC = Buffer.from([0xed, 0xab, 0xee, 0xdb]);

/** True for the first bytes of a .deb or an .rpm. */
export function isPackage(head: Buffer): boolean {
  return head.subarray(0, DEB_MAGIC.length).equals(DEB_MAGIC) || head.subarray(0, 4).equals(RPM_MAGIC);
}

// An existing file at `final` that is not a package is the user's: never replace it.
function refuseForeign(final: string, replaceable: (head: Buffer) => boolean): void {
  let head: Buffer;
  try {
    const fd = openSync(final, 'r');
    try {
      head = Buffer.alloc(32);
      head = head.subarray(0, readSync(fd, head, 0, 32, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CantCreateError(final, `cannot replace ${final}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { code: 'ts2deb.output.exists', cause: e });
  }
  if (!replaceable(head)) {
    throw new CantCreateError(final, `refusing to replace ${final}: it exists and is not a package`, { code: 'ts2deb.output.exists' });
  }
}

function appSource(p: Parsed, io: CliIO): { source: AppSource; pluginDescription?: string } {
  if (p.tac !== undefined) {
    let isFile = false;
    try {
      isFile = statSync(p.tac).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) throw new NoInputError(p.tac, `tac file not found: ${p.tac}`, { code: 'ts2deb.tac.missing' });
    return { source: { kind: 'tac', file: p.tac } };
  }
  const ref = findPlugin(discoverPlugins(io.cwd, io.env), p.plugin!);
  if (ref.source !== 'built-in') {
    throw new UsageError(`plugin '${ref.name}' (from ${ref.source}) is not built in: package a tac file that uses it instead`, { code: 'ts2deb.plugin.notBuiltIn' });
  }
  return { source: { kind: 'plugin', plugin: ref.name, args: p.pluginArgs }, pluginDescription: ref.description };
}

function readNode(file: string): { arch: string; data: { size: number; open(): AsyncIterable<Uint8Array> } } {
  const arch = readElfArch(file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new NoInputError(file, `--node ${file}: cannot read`, { cause: e });
  }
  return { arch, data: { size, open: () => createReadStream(file) } };
}

/** Runs ts2deb/ts2rpm with `argv`; resolves with the exit status. */
export async function runPackageCli(adapter: FormatAdapter, argv: readonly string[], io: CliIO): Promise<number> {
  const p = parse(adapter.prog, adapter.family, argv, io);
  if ('help' in p) {
    io.stdout.write(p.help);
    return 0;
  }
  checkOutputDir(p.output);
  const render = createRenderer(p.templates);
  const { source, pluginDescription } = appSource(p, io);
  const spec = normalizeSpec({ cli: p.spec, source, cwd: io.cwd, execPath: io.execPath, ...(pluginDescription !== undefined ? { pluginDescription } : {}) });
  const mtime = sourceDateEpoch(io.env, io.now);
  const built = await buildPlan(spec, adapter.family, { render, bundle: bundleApp, readNode, mtime });
  const chunks = await adapter.write(built.plan, adapter.compressor(p.compression));
  const name = adapter.fileName(built.plan);
  const file = writeAtomically(p.output, name, chunks);
  if (p.json) {
    const sha = createHash('sha256');
    let size = 0;
    for (const c of chunks) {
      sha.update(c);
      size += c.length;
    }
    const report = {
      file,
      format: adapter.family,
      name: spec.name,
      version: spec.version,
      release: spec.release,
      arch: built.plan.meta.arch,
      runtime: spec.runtime,
      size,
      sha256: sha.digest('hex'),
      archiveSha256: built.archiveSha256,
      packageJson: spec.packageJson ?? null,
      files: built.plan.payload.map((e) => ({ path: e.path, kind: e.kind, mode: `0${e.mode.toString(8)}`, ...(e.kind === 'file' && e.config ? { config: true } : {}) })),
    };
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.stdout.write(`${file}\n`);
  }
  return 0;
}

/** The process's own IO. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, execPath: process.execPath, now: () => Math.floor(Date.now() / 1000) };
}

