/**
 * Builds the runner bundle, dist/tacd.cjs: the `tacd` CLI and the public
 * framework API (src/index.ts) in one CommonJS file, which bin/tacd.js
 * requires and package.json exports as `tacd`.
 *
 * Why: the daemon's start-up time. Node 20 spends ~1 ms per ES module on
 * resolving, reading and linking, and an ESM entry loads the ESM loader and
 * every lazy part of the builtins it imports; one CommonJS file cuts start to
 * ready by about 30 ms (measured: bench/runtime.mjs, README "Performance").
 *
 * One copy: the bundle is also what `import 'tacd'` resolves to, from a tac
 * file run by the runner (tac-loader.ts maps it to the bundle) and through
 * package.json's exports, so an app and the runner share one Application
 * class and one global log publisher. The tsc output (dist/src) stays the
 * copy that ts2deb/ts2rpm, packaged apps and the unit tests use.
 *
 * Packages (commander, esbuild, execa) stay external: required, or imported
 * lazily, from node_modules at run time.
 *
 * Run by `npm run build` (after tsc): `node dist/src/bundle/runner.js`.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../core/paths.js';

/** Where the bundle is written, relative to the project root. */
export const RUNNER_BUNDLE = path.join('dist', 'tacd.cjs');

const IMPORT_META_URL = '__tacd_import_meta_url';

/** The entry: the public API, plus the CLI's main under a name no app would use. */
const ENTRY = "export * from './index.js';\nexport { main as __tacdRunnerMain } from './cli/tacd.js';\n";

// Node's builtins are taken with process.getBuiltinModule (Node >= 20.16),
// falling back to require(): an app bundled to an ES module by its own
// esbuild, with 'tacd' inside, then runs (esbuild's ESM output has no
// `require`, and would throw 'Dynamic require of "node:fs" is not supported').
function builtinsPlugin(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'tacd-builtins',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
        const bare = args.path.replace(/^node:/, '');
        if (!builtins.has(bare)) return undefined;
        if (args.namespace === 'tacd-builtin') return { path: args.path, external: true };
        return { path: `node:${bare}`, namespace: 'tacd-builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'tacd-builtin' }, (args) => ({
        contents: `module.exports = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(${JSON.stringify(args.path)}) : require(${JSON.stringify(args.path)});\n`,
        loader: 'js',
      }));
    },
  };
}

/** Builds dist/tacd.cjs (and its .map) from the tsc output in dist/src; returns the bundle's path. */
export async function buildRunnerBundle(root: string = PROJECT_ROOT): Promise<string> {
  const out = path.join(root, RUNNER_BUNDLE);
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: path.join(root, 'dist', 'src'), sourcefile: 'tacd-runner-entry.js', loader: 'js' },
    outfile: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The tsc output's maps are followed, so stack traces name src/*.ts lines (with --enable-source-maps,
    // or once a TypeScript tac is loaded: tac-loader enables source maps).
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
    define: { 'import.meta.url': IMPORT_META_URL, __TACD_RUNNER_BUNDLE__: 'true', __TACD_VERSION__: JSON.stringify(version) },
    // import.meta.url: this file's URL; inside someone else's ES-module bundle there is no __filename,
    // and only the runner's own paths (unused there) depend on it.
    banner: { js: `var ${IMPORT_META_URL} = typeof __filename === "string" ? (typeof process.getBuiltinModule === "function" ? process.getBuiltinModule("node:url") : require("node:url")).pathToFileURL(__filename).href : "file:///tacd.cjs";` },
    plugins: [builtinsPlugin()],
  });
  // Written beside, then renamed: a runner starting meanwhile sees the old bundle or the new one, never half of one.
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, f.contents);
      renameSync(tmp, f.path);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildRunnerBundle().then(
    (out) => process.stdout.write(`wrote ${path.relative(process.cwd(), out) || out}\n`),
    (e: unknown) => {
      process.stderr.write(`tacd: building the runner bundle failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
