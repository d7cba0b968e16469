/**
 * Bundles an app for packaging: esbuild compiles the tac file (or just the
 * runner, for a plugin) together with the tacd runtime into one CommonJS
 * file (whitespace and syntax minified, identifiers kept) with an external
 * source map (main.cjs.map beside the archive, third-party mappings pruned);
 * it is packed into app.asar with native addons unpacked, and a launcher that
 * verifies and runs the archive is rendered. Returns bytes; the caller lays
 * them out in the package.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, stop as stopEsbuild, type Message, type Plugin } from 'esbuild';
import { DataError, NoInputError } from '../core/errors.js';
import { onInterrupt, removeOnInterrupt } from '../core/interrupt.js';
import { DIST_SRC_DIR, PROJECT_ROOT } from '../core/paths.js';
import type { RenderFn } from '../render/render.js';
import { packAsar } from './asar.js';
import { moduleLocationPlugin, type ModuleLocation } from '../compile/module-meta.js';
import { APP_FILES_DIR, runFiles, selectRunFiles, type FilePatterns } from './run-files.js';
import { pruneSourceMap, type RawSourceMap } from './sourcemap.js';
import { packageRelativeSources, shiftColumns, stableModuleKeys } from './stable-paths.js';
import type { Supplements } from './packages.js';
import { unbundledPackages, type AddonRecord } from './unbundled.js';
import { hostDebianArch } from './native.js';

/**
 * What to bundle: a tac file; a discovered plugin's module (a 'tac' input
 * with `plugin`: bundled as a tac file is, with its package's surroundings,
 * its service maker registered under that name); or a built-in plugin (only
 * the runtime is bundled).
 */
export type BundleInput = { readonly kind: 'tac'; readonly file: string; readonly plugin?: string } | { readonly kind: 'plugin'; readonly plugin: string };

/** A file of the bundled app, relative to /usr/lib/NAME. */
export interface BundledFile {
  /** 'app.asar', 'launcher.cjs', 'app.asar.unpacked/native/x.node' */
  readonly rel: string;
  readonly data: Uint8Array;
  readonly mode: number;
}

export interface BundleResult {
  readonly files: readonly BundledFile[];
  /** Hex SHA-256 of app.asar (recorded in the launcher). */
  readonly archiveSha256: string;
  /** The native addons of dependencies, shipped unbundled in node_modules. */
  readonly addons: readonly AddonRecord[];
  /** The packages shipped unbundled (native ones and tacd.external). */
  readonly external: readonly string[];
  /** The app's run-time files (in app/), relative to the app folder. */
  readonly runFiles: readonly string[];
}

/** How to bundle a tac app's surroundings (a plugin has none). */
export interface BundleOptions {
  /** The app's folder (its package.json's); default: the tac file's folder. */
  readonly appRoot?: string;
  /** The package's Debian architecture; default: the host's. */
  readonly arch?: string;
  /** tacd.external: packages shipped unbundled with their dependencies. */
  readonly external?: readonly string[];
  /** package.json `files` and tacd.files. */
  readonly files?: readonly FilePatterns[];
  /** The target arch's platform packages a cross build fetched (src/runtime/platform-packages.ts). */
  readonly supplements?: Supplements;
}

/** The path of the bundle inside the archive. */
export const BUNDLE_ENTRY = 'main.cjs';

const IMPORT_META_URL = '__tacd_import_meta_url';
/** The run-time folder of the app's files, /usr/lib/NAME/app (set in the bundle's banner). */
const APP_ROOT_VAR = '__tacd_app_root';

/** Set to 1 in the environment, the bundle loads the app, prints LOAD_CHECK_OK and starts nothing. */
export const LOAD_CHECK_ENV = 'TACD_LOAD_CHECK';
export const LOAD_CHECK_OK = 'tacd: load check passed';

const LOCATION_HELPERS = [
  `__tacd_file = (r) => require("node:path").join(${APP_ROOT_VAR}, r)`,
  '__tacd_dir = (r) => require("node:path").dirname(__tacd_file(r))',
  '__tacd_url = (r) => require("node:url").pathToFileURL(__tacd_file(r)).href',
].join(', ');

// The app's own modules (below its folder, outside node_modules) answer
// import.meta.url and __dirname for their place in /usr/lib/NAME/app.
function appLocations(appRoot: string): (file: string) => ModuleLocation | undefined {
  return (file) => {
    const rel = path.relative(appRoot, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || /(^|[\\/])node_modules[\\/]/.test(rel)) return undefined;
    // helpers of the banner, which sees the real require (an app's own `const require = createRequire(...)` would shadow it here)
    const r = JSON.stringify(rel.split(path.sep).join('/'));
    return { filename: `__tacd_file(${r})`, dirname: `__tacd_dir(${r})`, url: `__tacd_url(${r})` };
  };
}

// The generated entry: load the app (lazily, so a throwing tac is reported as
// one line), hand it to the runner, then run the tacd CLI with our argv.
function entrySource(input: BundleInput): string {
  const runtime = (rel: string): string => JSON.stringify(path.join(DIST_SRC_DIR, rel));
  const lines = [`import { main } from ${runtime('cli/tacd.js')};`];
  const loadCheck = `process.env.${LOAD_CHECK_ENV} === '1'`;
  const passed = `process.stdout.write(${JSON.stringify(LOAD_CHECK_OK + '\n')})`;
  if (input.kind === 'plugin') {
    // the load check of a plugin: the bundle (the runtime and the plugin) loaded, nothing started
    lines.push(`if (${loadCheck}) ${passed}; else main(process.argv.slice(2));`);
  } else if (input.plugin !== undefined) {
    // a discovered plugin: its module's service maker, checked (one line naming the file), then tacd NAME runs it
    lines.push(
      `import { setBundledPlugin } from ${runtime('runner/bundled-app.js')};`,
      `import { asServiceMaker } from ${runtime('plugins/plugin-module.js')};`,
      `import(${JSON.stringify(path.resolve(input.file))})`,
      `  .then((m) => { const maker = asServiceMaker(m, ${JSON.stringify(path.basename(input.file))}); if (${loadCheck}) ${passed}; else { setBundledPlugin(${JSON.stringify(input.plugin)}, maker); main(process.argv.slice(2)); } })`,
      '  .catch((e) => { process.stderr.write(`tacd: the bundled plugin failed to load: ${e && e.stack ? e.stack : e}\\n`); process.exitCode = 65; });',
    );
  } else {
    lines.push(
      `import { setBundledApplication } from ${runtime('runner/bundled-app.js')};`,
      `import { asApplication } from ${runtime('runner/tac-module.js')};`,
      `const F = ${JSON.stringify(path.basename(input.file))};`,
      `import(${JSON.stringify(path.resolve(input.file))})`,
      // TACD_LOAD_CHECK: load the app and build its service tree, start nothing (src/bundle/load-check.ts).
      `  .then((m) => process.env.${LOAD_CHECK_ENV} === '1' ? asApplication(m.application, F).then(() => { process.stdout.write(${JSON.stringify(LOAD_CHECK_OK + '\n')}); }) : void (setBundledApplication(m.application), main(process.argv.slice(2))))`,
      '  .catch((e) => { process.stderr.write(`tacd: the bundled application failed to load: ${e && e.stack ? e.stack : e}\\n`); process.exitCode = 65; });',
    );
  }
  return lines.join('\n') + '\n';
}

// `tacd` in the app resolves to this tacd's compiled runtime, so app and runner share one copy.
// Two of tacd's own imports are never used in a packaged app, and are stubbed
// there (an app importing them itself still gets the real package):
// - esbuild: the runner's on-the-fly TypeScript loader;
// - execa, imported by core/exec.js: the runner calls programs through
//   runLight/spawnDetached (node:child_process); execa is for the packagers.
//   Left out, main.cjs is ~220 KB smaller and the daemon starts sooner.
const EXEC_MODULE = path.join(DIST_SRC_DIR, 'core', 'exec.js');
function runtimePlugin(): Plugin {
  return {
    name: 'tacd-runtime',
    setup(b) {
      b.onResolve({ filter: /^tacd(\/.*)?$/ }, (args) => ({
        path: args.path === 'tacd' ? path.join(DIST_SRC_DIR, 'index.js') : path.join(DIST_SRC_DIR, args.path.slice(5)),
      }));
      b.onResolve({ filter: /^esbuild$/ }, (args) => (args.importer.startsWith(DIST_SRC_DIR + path.sep) ? { path: 'esbuild', namespace: 'tacd-stub' } : undefined));
      b.onResolve({ filter: /^execa$/ }, (args) => (args.importer === EXEC_MODULE ? { path: 'execa', namespace: 'tacd-stub' } : undefined));
      b.onLoad({ filter: /^esbuild$/, namespace: 'tacd-stub' }, () => ({
        contents: 'const no = () => { throw new Error("esbuild is not available in a packaged app: bundle TypeScript with ts2deb/ts2rpm"); };\nmodule.exports = { build: no, transform: no, context: no };\n',
        loader: 'js',
      }));
      b.onLoad({ filter: /^execa$/, namespace: 'tacd-stub' }, () => ({
        contents: 'module.exports = { execa() { throw new Error("execa is not part of a packaged app (the runner uses node:child_process)"); } };\n',
        loader: 'js',
      }));
    },
  };
}

// tacd's compiled runtime links its .js.map files. Each map is read here and
// inlined, so esbuild never reads a file twice while a concurrent build
// rewrites dist/; a map that is missing or unreadable is dropped (only
// stack-trace mapping into tacd itself is lost), never a reason to fail.
function runtimeMapsPlugin(): Plugin {
  return {
    name: 'tacd-runtime-maps',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(DIST_SRC_DIR + path.sep)) return undefined;
        const code = readFileSync(args.path, 'utf8');
        const m = /\n\/\/# sourceMappingURL=([^\s]+)\s*$/.exec(code);
        if (!m || m[1]!.startsWith('data:')) return { contents: code, loader: 'js' };
        const body = code.slice(0, m.index + 1);
        try {
          const map = readFileSync(path.resolve(path.dirname(args.path), m[1]!), 'utf8');
          JSON.parse(map);
          return { contents: `${body}//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`, loader: 'js' };
        } catch {
          return { contents: body, loader: 'js' };
        }
      });
    },
  };
}

// Native addons are copied next to the archive and required from there at run time.
function nativePlugin(stage: string): Plugin {
  return {
    name: 'tacd-native',
    setup(b) {
      b.onLoad({ filter: /\.node$/ }, (args) => {
        const data = readFileSync(args.path);
        const name = `${createHash('sha256').update(data).digest('hex').slice(0, 12)}-${path.basename(args.path)}`;
        mkdirSync(path.join(stage, 'native'), { recursive: true });
        copyFileSync(args.path, path.join(stage, 'native', name));
        return { contents: `module.exports = require(require("node:path").join(__dirname + ".unpacked", "native", ${JSON.stringify(name)}));\n`, loader: 'js' };
      });
    },
  };
}

// The version of the tacd doing the bundling (its package.json).
function tacdBuildVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function bundleError(m: Message, input: BundleInput): DataError {
  const file = m.location?.file ? path.resolve(m.location.file) : input.kind === 'tac' ? input.file : `plugin ${input.plugin}`;
  const loc = m.location ? `${file}:${m.location.line}:${m.location.column + 1}` : file;
  return new DataError('tacd.bundle.failed', `${loc}: ${m.text}`, { field: input.kind === 'tac' ? input.file : 'plugin' });
}

/**
 * Runs esbuild and returns the bundle's text. A failure inside tacd's own
 * compiled runtime (dist/ being rewritten by a concurrent build) is retried
 * once. @throws DataError naming file:line:column.
 */
async function compile(input: BundleInput, stage: string, name: string, how: Surroundings): Promise<Compiled> {
  try {
    return await compileOnce(input, stage, name, how);
  } catch (e) {
    if (!(e instanceof DataError) || !e.message.startsWith(DIST_SRC_DIR + path.sep)) throw e;
    await new Promise((r) => setTimeout(r, 1000));
    return compileOnce(input, stage, name, how);
  }
}

/** What compileOnce needs besides the input: the app folder and the package names left external. */
interface Surroundings {
  readonly appRoot: string | undefined;
  readonly external: readonly string[];
}

interface Compiled {
  /** main.cjs, ending in a sourceMappingURL comment that points at ../main.cjs.map. */
  readonly code: string;
  /** The pruned source map (JSON). */
  readonly map: string;
}

/** The source map beside the archive: /usr/lib/NAME/main.cjs.map. */
export const SOURCE_MAP = 'main.cjs.map';

// Third-party code (node_modules) keeps no mappings: it is most of the bundle
// and of its map, and its frames are not the user's (see sourcemap.ts).
const THIRD_PARTY = /(^|\/)node_modules\//;

async function compileOnce(input: BundleInput, stage: string, name: string, how: Surroundings): Promise<Compiled> {
  try {
    // Module names are paths from the working folder: the app's root (or tacd's for a plugin), never the caller's cwd.
    const workDir = how.appRoot ?? PROJECT_ROOT;
    const result = await build({
      absWorkingDir: workDir,
      stdin: { contents: entrySource(input), resolveDir: DIST_SRC_DIR, sourcefile: 'tacd-entry.js', loader: 'js' },
      // A fixed virtual output path keeps source-map paths independent of temp dirs.
      outfile: `/usr/lib/${name}/app.asar/${BUNDLE_ENTRY}`,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      // Whitespace and syntax are minified, identifiers kept (stack traces keep
      // real function names); the map is external, beside the archive, and
      // without sourcesContent: stack traces need only the mappings.
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'external',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      // __TACD_VERSION__: tacd's version at build time, for the runner's banner in a packaged app
      // (its package.json is not installed with the app).
      define: { 'import.meta.url': IMPORT_META_URL, __TACD_VERSION__: JSON.stringify(tacdBuildVersion()) },
      banner: { js: `var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href, ${APP_ROOT_VAR} = require("node:path").join(__dirname, "..", ${JSON.stringify(APP_FILES_DIR)}), ${LOCATION_HELPERS};` },
      external: [...how.external],
      plugins: [runtimePlugin(), runtimeMapsPlugin(), nativePlugin(stage), ...(how.appRoot ? [moduleLocationPlugin(appLocations(how.appRoot))] : [])],
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('.cjs'))!;
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'))!;
    const pruned = pruneSourceMap(JSON.parse(map.text) as RawSourceMap, (s) => THIRD_PARTY.test(s));
    const keys = stableModuleKeys(js.text, workDir);
    const stable = { ...packageRelativeSources(pruned, path.dirname(map.path), how.appRoot), mappings: shiftColumns(pruned.mappings, keys.edits) };
    // Resolved by node against /usr/lib/NAME/app.asar/main.cjs: /usr/lib/NAME/main.cjs.map.
    return { code: `${keys.code}//# sourceMappingURL=../${SOURCE_MAP}\n`, map: JSON.stringify(stable) };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors && errors[0]) throw bundleError(errors[0], input);
    throw e;
  }
}

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = path.join(dir, n);
    const r = rel ? `${rel}/${n}` : n;
    if (statSync(p).isDirectory()) out.push(...walk(p, r));
    else out.push(r);
  }
  return out;
}

/**
 * Bundles `input` for the package `name`. @throws NoInputError (66) for a
 * missing tac file, DataError (65) for one that does not compile.
 */
export async function bundleApp(input: BundleInput, name: string, renderer: RenderFn, options: BundleOptions = {}): Promise<BundleResult> {
  if (input.kind === 'tac' && !(existsSync(input.file) && statSync(input.file).isFile())) {
    throw new NoInputError(input.file, `tac file not found: ${input.file}`, { code: 'tacd.tac.missing' });
  }
  if (input.kind === 'tac') {
    try {
      accessSync(input.file, constants.R_OK);
    } catch (e) {
      throw new NoInputError(input.file, `tac file not readable: ${input.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { code: 'tacd.tac.unreadable', cause: e });
    }
  }
  const appRoot = input.kind === 'tac' ? path.resolve(options.appRoot ?? path.dirname(path.resolve(input.file))) : undefined;
  // Checked before bundling: a missing addon build or run-time file fails fast.
  const unbundled = appRoot ? unbundledPackages(appRoot, options.arch ?? hostDebianArch(), options.external ?? [], options.supplements) : { external: [], files: [], addons: [] };
  const runRels = appRoot ? selectRunFiles(appRoot, options.files ?? []) : [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tacd-bundle-'));
  const releaseTmp = removeOnInterrupt(tmp);
  // esbuild's service process would hold the command's stdout/stderr open for a second after an interrupt.
  const releaseEsbuild = onInterrupt(() => void stopEsbuild());
  const release = (): void => {
    releaseTmp();
    releaseEsbuild();
  };
  try {
    const stage = path.join(tmp, 'app');
    mkdirSync(stage);
    const { code, map } = await compile(input, stage, name, { appRoot, external: unbundled.external });
    writeFileSync(path.join(stage, BUNDLE_ENTRY), code);
    const archive = path.join(tmp, 'app.asar');
    await packAsar(stage, archive);
    const asarBytes = readFileSync(archive);
    const archiveSha256 = createHash('sha256').update(asarBytes).digest('hex');
    const files: BundledFile[] = [{ rel: 'app.asar', data: asarBytes, mode: 0o644 }];
    const unpackedDir = `${archive}.unpacked`;
    if (existsSync(unpackedDir)) {
      for (const rel of walk(unpackedDir)) files.push({ rel: `app.asar.unpacked/${rel}`, data: readFileSync(path.join(unpackedDir, rel)), mode: 0o644 });
    }
    files.push({ rel: SOURCE_MAP, data: Buffer.from(map), mode: 0o644 });
    const launcher = renderer('launcher', { name, archiveSha256, entry: BUNDLE_ENTRY });
    files.push({ rel: 'launcher.cjs', data: Buffer.from(launcher), mode: 0o644 });
    files.push(...unbundled.files, ...(appRoot ? runFiles(appRoot, runRels) : []));
    return { files, archiveSha256, addons: unbundled.addons, external: unbundled.external, runFiles: runRels };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    release();
  }
}
