/**
 * Loads `-y FILE`: a module that exports `application`.
 *
 * - `.tac.js`/`.mjs`/`.js` are imported as they are.
 * - `.tac.ts`/`.ts`/`.mts`/`.cts` are bundled by esbuild (Node 20 cannot
 *   strip types) into one ESM file in a private temp directory (mode 0700,
 *   removed right after the import), with an inline source map, and
 *   `process.setSourceMapsEnabled(true)` makes stack traces name the
 *   user's own .ts lines. Relative imports are bundled; package imports stay
 *   external and are rewritten to absolute paths resolved from the tac's
 *   folder; `tacd` resolves to *this* tacd, so the tac and the
 *   runner share one module instance (instanceof Application holds);
 *   `tacd/…` deep imports are refused (package.json exports only `tacd`).
 *   Each bundled file keeps its own `import.meta.url`/`dirname`/`filename`
 *   and `__dirname`/`__filename` (src/core/module-meta.ts), so files read
 *   beside the app are found as in the package.
 *
 * Errors (one line, sysexits): missing file → 66; syntax error → 65 with
 * file:line:col; a throw while evaluating → 65; no `application` export →
 * 65 with Twisted's message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Message, Plugin } from 'esbuild';
import { DataError } from '../core/errors.js';
import type { Application } from '../application/application.js';
import { asApplication, checkTacFile } from './tac-module.js';
import { moduleLocationPlugin, type ModuleLocation } from '../compile/module-meta.js';

declare const __TACD_RUNNER_BUNDLE__: boolean | undefined;
/**
 * The module `import 'tacd'` in a tac file maps to: the copy of tacd running
 * this loader, so the tac and the runner share one module instance. That is
 * the runner bundle itself (dist/tacd.cjs, whose import.meta.url is its own)
 * when this code runs from it, else the tsc output's entry, dist/src/index.js.
 */
const TACD_ENTRY = typeof __TACD_RUNNER_BUNDLE__ === 'boolean' && __TACD_RUNNER_BUNDLE__ ? fileURLToPath(import.meta.url) : fileURLToPath(new URL('../index.js', import.meta.url));


const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

function isTypeScript(file: string): boolean {
  return TS_EXTENSIONS.includes(path.extname(file));
}

function where(file: string, line: number, column: number): string {
  return `${file}:${line}:${column}`;
}

function syntaxError(m: Message, file: string): DataError {
  const loc = m.location ? where(m.location.file ? path.resolve(m.location.file) : file, m.location.line, m.location.column + 1) : file;
  return new DataError('tacd.tac.syntax', `${loc}: ${m.text}`, { field: file });
}

// Package imports stay external but are pinned to absolute paths, since the bundle lives in a temp directory.
function externalsPlugin(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'tacd-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'tacd-skip') return undefined;
        if (args.path.startsWith('node:') || builtins.has(args.path.split('/')[0]!)) return external(args.path, args.kind);
        if (args.path === 'tacd') return external(TACD_ENTRY, args.kind);
        // tacd's package.json exports only '.': a deep import would load a second copy of the framework.
        if (args.path.startsWith('tacd/')) return { errors: [{ text: `'${args.path}': tacd exports only 'tacd' (import { … } from 'tacd')` }] };
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'tacd-skip' });
        if (r.errors.length > 0) return { errors: r.errors };
        return external(r.path, args.kind);
      });
      b.onLoad({ filter: /.*/, namespace: REQUIRED }, (args) => ({ contents: `module.exports = ${REQUIRE}(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

/**
 * The bundle is an ES module, where esbuild's stand-in for a CommonJS
 * require() of something left outside it throws ("Dynamic require of ... is
 * not supported"): a require() in the app's own CommonJS files loads it
 * through a real require made for the bundle (the banner), under a name no
 * app can clash with.
 */
const REQUIRE = '__tacdRequire';
const REQUIRED = 'tacd-required';
const REQUIRE_BANNER = `import { createRequire as __tacdCreateRequire } from 'node:module'; const ${REQUIRE} = __tacdCreateRequire(import.meta.url);`;

function external(target: string, kind: string): { path: string; external?: true; namespace?: string } {
  return kind === 'require-call' ? { path: target, namespace: REQUIRED } : { path: target, external: true };
}

// A source file's own location, as literals (what node gives it when run uncompiled);
// a plugin installed in node_modules is compiled too, and keeps its place there.
function sourceLocation(file: string): ModuleLocation {
  const abs = path.resolve(file);
  return { url: JSON.stringify(pathToFileURL(abs).href), dirname: JSON.stringify(path.dirname(abs)), filename: JSON.stringify(abs) };
}

/** Bundles a TypeScript tac into a temp .mjs; returns its path and a cleanup. @throws DataError on a syntax error. */
async function compile(file: string): Promise<{ out: string; cleanup(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-tac-'));
  const out = path.join(dir, path.basename(file).replace(/\.[cm]?tsx?$/, '') + '.mjs');
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  const { build } = await import('esbuild');
  try {
    const result = await build({
      entryPoints: [file],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      write: true,
      // The compiled file lives in a temp folder: each module keeps its own import.meta.url and __dirname.
      plugins: [externalsPlugin(), moduleLocationPlugin(sourceLocation)],
    });
    void result;
  } catch (e) {
    cleanup();
    const errors = (e as { errors?: Message[] }).errors;
    if (errors && errors[0]) throw syntaxError(errors[0], file);
    throw e;
  }
  return { out, cleanup };
}

// Node's ESM SyntaxError does not say where: let esbuild parse the file to find the line and column.
async function locateJsSyntaxError(e: SyntaxError, file: string): Promise<DataError> {
  const { transform } = await import('esbuild');
  try {
    await transform(fs.readFileSync(file, 'utf8'), { loader: 'js', format: 'esm', sourcefile: file, logLevel: 'silent' });
  } catch (te) {
    const m = (te as { errors?: Message[] }).errors?.[0];
    if (m?.location) return new DataError('tacd.tac.syntax', `${where(file, m.location.line, m.location.column + 1)}: ${e.message}`, { field: file, cause: e });
  }
  return new DataError('tacd.tac.syntax', `${file}: ${e.message}`, { field: file, cause: e });
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0]!;
}

/** Imports `file` and returns its module namespace. @throws NoInputError / DataError as described above. */
export async function importTac(file: string): Promise<Record<string, unknown>> {
  checkTacFile(file);
  return importModule(file);
}

/**
 * Imports an existing module file as a tac file is imported (TypeScript
 * compiled with source maps, JavaScript as it is): plugin modules.
 * @throws DataError (65) for a syntax error or a throw while evaluating.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  process.setSourceMapsEnabled(true);
  const compiled = isTypeScript(file) ? await compile(file) : null;
  try {
    return (await import(pathToFileURL(compiled?.out ?? file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SyntaxError && !compiled) {
      throw await locateJsSyntaxError(e, file);
    }
    throw new DataError('tacd.tac.load', `${file}: failed to load: ${firstLine(e)}`, { field: file, cause: e });
  } finally {
    compiled?.cleanup();
  }
}

/**
 * Loads the tac's `application` (see asApplication).
 * @throws NoInputError / DataError as described above.
 */
export async function loadApplication(file: string): Promise<Application> {
  return asApplication((await importTac(file))['application'], file);
}
