/**
 * The shared command line of ts2deb and ts2rpm:
 *
 *   ts2deb [options] APP.tac.ts
 *   ts2deb [options] --plugin NAME [-- plugin options]
 *
 * It parses options (commander), normalizes the spec, builds the plan,
 * runs the format writers and writes their files atomically. --binary (the
 * default) writes the .deb/.rpm; --source the source package from the same
 * plan (Debian: .orig.tar, .debian.tar, .dsc and _source.changes; RPM: the
 * .src.rpm); --both all of them.
 *
 * Every file is produced in memory first, then staged as a temp file in the
 * output folder; only when all are staged are they renamed over their final
 * names, so a failed build leaves no file behind. An existing file of the
 * same name is replaced only when it looks like our own previous output of
 * that kind (a package, a gzip/xz tarball, a .dsc/.changes), as
 * dpkg-buildpackage and rpmbuild also replace theirs; anything else is
 * refused with EX_CANTCREAT. An upstream tarball (NAME_VERSION.orig.tar.*)
 * is the exception: it may be upstream's own, which Debian never rebuilds, so
 * it is replaced only by the same bytes. Nothing else in the folder is touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, createReadStream, fstatSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, openSync, closeSync, readSync, writeSync, fsyncSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CantCreateError, commanderMessage, NoInputError, TacError, UsageError } from '../core/errors.js';
import { signalExitStatus } from '../core/exit-codes.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { sourceDateEpoch } from '../core/source-date-epoch.js';
import type { Compressor, PackagePlan } from '../formats/plan.js';
import { bundleApp } from '../bundle/bundle.js';
import { configureBuildCache } from '../bundle/cache.js';
import { loadCheckPackage } from '../bundle/load-check.js';
import { readElf, type ElfDynamic } from '../bundle/elf.js';
import { buildPlan } from '../plan/build-plan.js';
import { normalizeSpec, type AppSource, type PackageSpec, type SpecInput } from '../plan/spec.js';
import { createRenderer } from '../render/render.js';
import type { Family } from '../render/locals.js';
import { discoverPlugins, findPlugin } from '../plugins/registry.js';
import { withSignalsHeld } from './report.js';

/** What a format contributes: its writers, file name and compressors. */
export interface FormatAdapter {
  readonly family: Family;
  readonly prog: 'ts2deb' | 'ts2rpm';
  fileName(plan: PackagePlan): string;
  write(plan: PackagePlan, compression: Compressor): Promise<Uint8Array[]>;
  /** The source package built from the same plan, its files in their listing order. */
  writeSource(plan: PackagePlan, options: SourceOptions): Promise<OutputFile[]>;
  /** What --source writes, for --help: 'the .src.rpm'. */
  readonly sourceHelp: string;
  compressor(name: 'gzip' | 'xz'): Compressor;
}

/** A file of the application's sources (relative path), for the source package. */
export interface AppSourceFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode: number;
}

export interface SourceOptions {
  readonly compression: Compressor;
  /** The tac file, package.json and lock file (none for a built-in plugin). */
  readonly sources: readonly AppSourceFile[];
  /** --sign-key: gpg key to sign with; unsigned when absent. */
  readonly signKey?: string;
  /** GNUPGHOME from the CLI's environment (gpg's default when absent). */
  readonly gnupgHome?: string;
}

/** One output file: its name in --output and its bytes. */
export interface OutputFile {
  readonly name: string;
  readonly chunks: readonly Uint8Array[];
}

export type Emit = 'binary' | 'source' | 'both';

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
  /** False with --no-cache: neither read nor fill the compressed-payload cache. */
  readonly cache: boolean;
  readonly emit: Emit;
  readonly signKey: string | undefined;
  /** False with --no-load-check. */
  readonly loadCheck: boolean;
}

function program(prog: string, family: Family, sourceHelp: string): Command {
  const ext = family === 'deb' ? '.deb' : '.rpm';
  return new Command(prog)
    .usage(`[options] APP.tac.ts\n       ${prog} [options] --plugin NAME [-- plugin options]\n       ${prog} verify PKG${ext} [--probe tcp:PORT|http://...|unix:PATH|cmd:...] [--upgrade-from OLD${ext}] [--keep] [--json]`)
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
    .option('--output <dir>', 'folder to write the package to (created if missing)', '.')
    .addOption(new Option('--binary', `build the ${ext} (the default)`).conflicts(['source', 'both']))
    .addOption(new Option('--source', `build ${sourceHelp} instead`).conflicts(['binary', 'both']))
    .addOption(new Option('--both', `build the ${ext} and ${sourceHelp}`).conflicts(['binary', 'source']))
    .option('--sign-key <key>', `gpg key (id, fingerprint or user id) to sign ${sourceHelp} with; unsigned by default`)
    .option('--templates <dir>', 'folder of .ejs files overriding built-in templates by name')
    .option('--socket-activation', 'ship a .socket unit so systemd binds the port')
    .option('--json', 'print a JSON report of what was built')
    .option('--no-load-check', 'do not load the staged app from a scratch folder before writing the package')
    .option('--no-cache', 'neither use nor fill the build cache ($TACD_CACHE_DIR or ~/.cache/tacd; also TACD_NO_CACHE=1)')
    .option('--debug', 'show stack traces')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

type Raw = Record<string, string | boolean | undefined>;

function parse(adapter: FormatAdapter, argv: readonly string[], io: CliIO): Parsed | { help: string } {
  const { prog, family } = adapter;
  const dd = argv.indexOf('--');
  const own = dd >= 0 ? argv.slice(0, dd) : [...argv];
  const pluginArgs = dd >= 0 ? argv.slice(dd + 1) : [];
  const cmd = program(prog, family, adapter.sourceHelp);
  if (own.includes('-h') || own.includes('--help')) return { help: cmd.helpInformation() };
  try {
    cmd.parse([...own], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(commanderMessage(e), { code: `ts2deb.${e.code}`, cause: e });
    throw e;
  }
  const o = cmd.opts<Raw>();
  const tac = cmd.args[0];
  const plugin = o['plugin'] as string | undefined;
  if ((tac === undefined) === (plugin === undefined)) throw new UsageError(`give either a tac file or --plugin NAME (see ${prog} --help)`, { code: 'ts2deb.usage.app' });
  if (tac !== undefined && pluginArgs.length > 0) throw new UsageError("options after '--' are for --plugin; a tac file takes none", { code: 'ts2deb.usage.pluginArgs' });
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const emit: Emit = o['source'] === true ? 'source' : o['both'] === true ? 'both' : 'binary';
  const signKey = s('signKey');
  if (signKey !== undefined && emit === 'binary') {
    throw new UsageError(`--sign-key signs ${adapter.sourceHelp}: add --source or --both`, { code: 'ts2deb.usage.signKey' });
  }
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
    cache: o['cache'] !== false,
    loadCheck: o['loadCheck'] !== false,
    emit,
    signKey,
  };
}

/**
 * Fails with EX_CANTCREAT (73) unless `dir` is a writable folder or can be
 * created (its nearest existing ancestor is a writable folder). Nothing is
 * created here: a missing folder is made by createOutputDir() only once the
 * outputs are built, so a failed build leaves no empty folder behind.
 */
export function checkOutputDir(dir: string): void {
  let existing = dir;
  for (;;) {
    let st;
    try {
      st = statSync(existing);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = path.dirname(existing);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== existing) {
        existing = parent;
        continue;
      }
      throw new CantCreateError(dir, `--output ${dir}: cannot use ${existing} (${code ?? 'error'})`, { code: 'ts2deb.output.missing', cause: e });
    }
    if (!st.isDirectory()) {
      throw new CantCreateError(dir, existing === dir ? `--output ${dir}: exists and is not a folder` : `--output ${dir}: cannot create the folder: ${existing} is not a folder`, {
        code: 'ts2deb.output.notDir',
      });
    }
    break;
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    throw new CantCreateError(dir, existing === dir ? `--output ${dir}: folder is not writable` : `--output ${dir}: cannot create the folder: ${existing} is not writable`, {
      code: 'ts2deb.output.readonly',
      cause: e,
    });
  }
}

/** Creates a missing --output folder and its parents (mkdir -p); returns the first folder created, if any. */
export function createOutputDir(dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CantCreateError(dir, `--output ${dir}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { code: 'ts2deb.output.mkdir', cause: e });
  }
}

/** Removes the folders createOutputDir() made (`dir` up to `first`), if still empty. */
function removeCreatedDirs(dir: string, first: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === first || path.dirname(d) === d) return;
  }
}

interface Staged {
  readonly tmp: string;
  readonly final: string;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function writeError(final: string, e: unknown): CantCreateError {
  return new CantCreateError(final, `cannot write ${final}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { code: 'ts2deb.output.write', cause: e });
}

/**
 * Whether an existing file may be replaced by a new output: given its first
 * bytes (up to 32), its path and the new output's bytes.
 */
export type Replaceable = (head: Buffer, existing: string, chunks: readonly Uint8Array[]) => boolean;

// Refuses a foreign file at dir/name, then writes a hidden temp file next to it (fsynced).
function stage(dir: string, name: string, chunks: readonly Uint8Array[], replaceable: Replaceable): Staged {
  const final = path.join(dir, name);
  refuseForeign(final, replaceable, chunks);
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
    return { tmp, final };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    unlinkQuietly(tmp);
    throw writeError(final, e);
  }
}

/** Temp files older than this are left by a run that was killed (SIGKILL, power loss): a live run renames its own within seconds. */
const STALE_TEMP_MS = 10 * 60_000;

/** Removes stale temp files of ours (stage()'s `.NAME.<12 hex>.tmp`) for the names about to be written. */
function sweepStaleTemps(dir: string, names: ReadonlySet<string>): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = /^\.(.+)\.[0-9a-f]{12}\.tmp$/.exec(entry);
    if (!m || !names.has(m[1]!)) continue;
    const file = path.join(dir, entry);
    try {
      const st = lstatSync(file);
      if (st.isFile() && Date.now() - st.mtimeMs > STALE_TEMP_MS) unlinkSync(file);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

/**
 * Writes `chunks` to `dir/name` atomically: a hidden temp file in `dir`,
 * fsync, rename. The temp file is removed on any failure. Returns the path.
 */
export function writeAtomically(dir: string, name: string, chunks: readonly Uint8Array[], replaceable: Replaceable = isPackage): string {
  return writeAllAtomically(dir, [{ name, chunks }], () => replaceable)[0]!;
}

/**
 * Writes several files as one: each is staged as a temp file (after the
 * foreign-file check), and only when all are staged are they renamed into
 * place. On any failure every temp file is removed, and so are the files
 * already renamed, so the folder gets all of them or none. Temp files of the
 * same names that a killed run left (older than 10 minutes) are removed
 * first. Returns the paths.
 */
export function writeAllAtomically(
  dir: string,
  files: readonly OutputFile[],
  replaceable: (name: string) => Replaceable = replaceableOutput,
): string[] {
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new TacError('tacd.output.duplicate', `two outputs are both named ${f.name}`);
    names.add(f.name);
  }
  sweepStaleTemps(dir, names);
  const staged: Staged[] = [];
  const done: string[] = [];
  let current: string | undefined;
  try {
    for (const f of files) staged.push(stage(dir, f.name, f.chunks, replaceable(f.name)));
    for (const s of staged) {
      current = s.final;
      renameSync(s.tmp, s.final);
      done.push(s.final);
    }
    return done;
  } catch (e) {
    for (const s of staged) unlinkQuietly(s.tmp);
    for (const d of done) unlinkQuietly(d);
    if (e instanceof TacError) throw e;
    throw writeError(current ?? dir, e);
  }
}

const DEB_MAGIC = Buffer.from('!<arch>\ndebian-binary');
const RPM_MAGIC = Buffer.from([0xed, 0xab, 0xee, 0xdb]);

/** True for the first bytes of a .deb or an .rpm. */
export function isPackage(head: Buffer): boolean {
  return head.subarray(0, DEB_MAGIC.length).equals(DEB_MAGIC) || head.subarray(0, 4).equals(RPM_MAGIC);
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const startsWith = (head: Buffer, magic: Buffer | string): boolean => head.subarray(0, magic.length).equals(Buffer.from(magic));

/** A Debian upstream tarball (NAME_VERSION.orig.tar.gz, .orig-COMPONENT.tar.xz, ...). */
const ORIG_TARBALL = /\.orig(-[a-z0-9-]+)?\.tar\.[a-z0-9]+$/;

// Why an existing file of that name is not replaced, for the refusal message.
function refusal(name: string): string {
  if (ORIG_TARBALL.test(name)) return 'it exists with other contents (an upstream tarball of this version?); move it away, or build another version';
  if (/\.tar\.gz$/.test(name)) return 'it exists and is not a gzip tarball';
  if (/\.tar\.xz$/.test(name)) return 'it exists and is not an xz tarball';
  if (/\.dsc$/.test(name)) return 'it exists and is not a .dsc';
  if (/\.changes$/.test(name)) return 'it exists and is not a .changes file';
  return 'it exists and is not a package';
}

/**
 * Which existing file named `name` may be replaced: one that looks like our
 * own output of that kind (.deb/.rpm: a package; .tar.gz/.tar.xz: a gzip or
 * xz stream; .dsc/.changes: a deb822 'Format:' file, signed or not). An
 * upstream tarball (.orig.tar.*) only when its bytes are the new output's: a
 * tarball of the same name with other contents may be upstream's own.
 */
export function replaceableOutput(name: string): Replaceable {
  if (ORIG_TARBALL.test(name)) return (_head, existing, chunks) => sameBytes(existing, chunks);
  if (/\.tar\.gz$/.test(name)) return (h) => startsWith(h, GZIP_MAGIC);
  if (/\.tar\.xz$/.test(name)) return (h) => startsWith(h, XZ_MAGIC);
  if (/\.(dsc|changes)$/.test(name)) return (h) => startsWith(h, 'Format: ') || startsWith(h, '-----BEGIN PGP SIGNED MESSAGE-----');
  return isPackage;
}

/** True when the file `file` holds exactly the bytes of `chunks` (read in 1 MiB blocks; false when unreadable). */
export function sameBytes(file: string, chunks: readonly Uint8Array[]): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    if (fstatSync(fd).size !== total) return false;
    const block = Buffer.alloc(1 << 20);
    let pos = 0;
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.length) {
        const want = Math.min(block.length, chunk.length - off);
        let got = 0;
        while (got < want) {
          const k = readSync(fd, block, got, want - got, pos + got);
          if (k === 0) return false;
          got += k;
        }
        if (!block.subarray(0, want).equals(chunk.subarray(off, off + want))) return false;
        off += want;
        pos += want;
      }
    }
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

// An existing file at `final` that is not our output of that kind is the user's: never replace it.
function refuseForeign(final: string, replaceable: Replaceable, chunks: readonly Uint8Array[]): void {
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
  if (!replaceable(head, final, chunks)) {
    throw new CantCreateError(final, `refusing to replace ${final}: ${refusal(path.basename(final))}`, { code: 'ts2deb.output.exists' });
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

const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

function readSource(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new NoInputError(file, `cannot read ${file} for the source package: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { code: 'ts2deb.source.read', cause: e });
  }
}

/**
 * The application's sources for the source package: the tac file, and the
 * package.json it was described by with its lock file(s), relative to that
 * package.json's folder. A built-in plugin has none (it is part of tacd),
 * and neither does tacd's own package.json (an app in tacd's tree).
 */
export function appSourceFiles(spec: PackageSpec): AppSourceFile[] {
  if (spec.source.kind !== 'tac') return [];
  const tac = path.resolve(spec.source.file);
  const pj = spec.packageJson === undefined || spec.packageJson === path.join(PROJECT_ROOT, 'package.json') ? undefined : path.resolve(spec.packageJson);
  const root = pj !== undefined && !path.relative(path.dirname(pj), tac).startsWith('..') ? path.dirname(pj) : path.dirname(tac);
  const files = [tac];
  if (pj !== undefined && root === path.dirname(pj)) {
    files.push(pj);
    for (const lock of LOCK_FILES) {
      const f = path.join(root, lock);
      try {
        if (statSync(f).isFile()) files.push(f);
      } catch {
        // no such lock file
      }
    }
  }
  return files.map((f) => ({ path: path.relative(root, f).split(path.sep).join('/'), data: readSource(f), mode: 0o644 }));
}

function readNode(file: string): { arch: string; data: { size: number; open(): AsyncIterable<Uint8Array> }; dynamic: ElfDynamic } {
  const { arch, dynamic } = readElf(file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new NoInputError(file, `--node ${file}: cannot read`, { cause: e });
  }
  return { arch, data: { size, open: () => createReadStream(file) }, dynamic };
}

/** Runs ts2deb/ts2rpm with `argv`; resolves with the exit status. */
export async function runPackageCli(adapter: FormatAdapter, argv: readonly string[], io: CliIO): Promise<number> {
  const p = parse(adapter, argv, io);
  if ('help' in p) {
    io.stdout.write(p.help);
    return 0;
  }
  checkOutputDir(p.output);
  const render = createRenderer(p.templates);
  const { source, pluginDescription } = appSource(p, io);
  const spec = normalizeSpec({ cli: p.spec, source, cwd: io.cwd, execPath: io.execPath, ...(pluginDescription !== undefined ? { pluginDescription } : {}) });
  const mtime = sourceDateEpoch(io.env, io.now);
  // The compressed-payload cache never changes the bytes, only the time (src/bundle/cache.ts).
  configureBuildCache(p.cache ? io.env : { ...io.env, TACD_NO_CACHE: '1' });
  const built = await buildPlan(spec, adapter.family, { render, bundle: bundleApp, readNode, mtime });
  for (const w of spec.warnings) io.stderr.write(`${adapter.prog}: warning: ${w}\n`);
  const loadChecked = await loadCheckPackage({ enabled: p.loadCheck, name: spec.name, arch: built.plan.meta.arch, node: spec.runtime === 'bundled' ? spec.node : io.execPath, files: built.appFiles });
  // Everything is built in memory first: a failing writer or signer leaves no file.
  const outputs: (OutputFile & { role: 'binary' | 'source' })[] = [];
  if (p.emit !== 'source') {
    outputs.push({ role: 'binary', name: adapter.fileName(built.plan), chunks: await adapter.write(built.plan, adapter.compressor(p.compression)) });
  }
  if (p.emit !== 'binary') {
    const gnupgHome = io.env['GNUPGHOME'];
    const files = await adapter
      .writeSource(built.plan, {
        compression: adapter.compressor(p.compression),
        sources: appSourceFiles(spec),
        ...(p.signKey !== undefined ? { signKey: p.signKey } : {}),
        ...(gnupgHome ? { gnupgHome } : {}),
      })
      .catch((e: unknown) => {
        // a signing failure names the option that asked for it
        if (e instanceof TacError && e.code.startsWith('tacd.gpg.')) throw new TacError(e.code, `--sign-key: ${e.message}`, { exitCode: e.exitCode, cause: e });
        throw e;
      });
    outputs.push(...files.map((f) => ({ role: 'source' as const, ...f })));
  }
  // Ctrl-C (SIGINT), SIGTERM or SIGHUP while the files are written or rolled
  // back waits until that is done, so no hidden temp file is left behind.
  const { value: paths, signal } = await withSignalsHeld(() => {
    const created = createOutputDir(p.output);
    try {
      return writeAllAtomically(p.output, outputs);
    } catch (e) {
      if (created !== undefined) removeCreatedDirs(p.output, created);
      throw e;
    }
  });
  if (p.json) {
    const written = outputs.map((o, i) => {
      const sha = createHash('sha256');
      let size = 0;
      for (const c of o.chunks) {
        sha.update(c);
        size += c.length;
      }
      return { file: paths[i]!, role: o.role, size, sha256: sha.digest('hex') };
    });
    // file/size/sha256: the binary package, or with --source the .dsc / .src.rpm.
    const main = written.find((w) => w.role === 'binary') ?? written.find((w) => /\.(dsc|rpm)$/.test(w.file)) ?? written[0]!;
    const report = {
      file: main.file,
      format: adapter.family,
      name: spec.name,
      version: spec.version,
      release: spec.release,
      arch: built.plan.meta.arch,
      runtime: spec.runtime,
      size: main.size,
      sha256: main.sha256,
      outputs: written,
      archiveSha256: built.archiveSha256,
      addons: built.addons,
      external: built.external,
      runFiles: built.runFiles,
      loadCheck: loadChecked,
      packageJson: spec.packageJson ?? null,
      files: built.plan.payload.map((e) => ({ path: e.path, kind: e.kind, mode: `0${e.mode.toString(8)}`, ...(e.kind === 'file' && e.config ? { config: true } : {}) })),
    };
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.stdout.write(paths.map((f) => `${f}\n`).join(''));
  }
  if (signal !== undefined) {
    io.stderr.write(`${adapter.prog}: interrupted by ${signal} while writing to --output; the write was finished first\n`);
    return signalExitStatus(signal);
  }
  return 0;
}

/** The process's own IO. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, execPath: process.execPath, now: () => Math.floor(Date.now() / 1000) };
}

