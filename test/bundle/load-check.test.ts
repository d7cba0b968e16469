// The load check and the addon loaders, on apps whose addons are compiled
// here with cc against node's headers (node-api): a `bindings`-style
// package (build/Release), an addon linking a shared library shipped in a
// sibling package ($ORIGIN rpath), a module loaded by path at run time. The
// packaged app is loaded from a scratch folder; what it cannot reach there
// refuses the build (65).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exitCodeOf } from '../../src/core/errors.js';
import { runPackageCli } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { LOAD_CHECK_OK } from '../../src/bundle/bundle.js';
import { loadCheck } from '../../src/bundle/load-check.js';
import { tempDir, testIO } from '../packaging/helpers.js';

const HEADERS = path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node');
const ADDON_C = `#include <node_api.h>
extern const char *greet(void);
static napi_value Hello(napi_env env, napi_callback_info info) { napi_value s; napi_create_string_utf8(env, GREETING, NAPI_AUTO_LENGTH, &s); return s; }
static napi_value Init(napi_env env, napi_value exports) { napi_value fn; napi_create_function(env, "hello", NAPI_AUTO_LENGTH, Hello, NULL, &fn); napi_set_named_property(env, exports, "hello", fn); return exports; }
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
`;

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

function cc(args: string[]): void {
  const r = spawnSync('cc', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `cc ${args.join(' ')}: ${r.stderr}`);
}

const TAC = `import { Application } from 'tacd';
import { createRequire } from 'node:module';
import { hello } from 'hello-addon';
import { greet } from 'greet';
const require = createRequire(import.meta.url);
// a module loaded by path at run time (a worker's file): only tacd.files ships it
const worker = require('./lib/worker.cjs');
export const application = new Application('loadapp');
export const said = [hello(), greet(), worker.name];
`;

/** An app with a bindings-style addon, an addon linking a sibling package's libgreet.so, and a run-time module. */
function app(files: string[] = ['lib/worker.cjs']): string {
  const root = tempDir('tacd-loadapp-');
  dirs.push(root);
  write(root, {
    'package.json': JSON.stringify({ name: 'loadapp', version: '1.0.0', author: 'Ann Example <ann@example.org>', license: 'MIT', dependencies: { 'hello-addon': '1', greet: '1' }, tacd: { files } }),
    'app.tac.ts': TAC,
    'lib/worker.cjs': "exports.name = 'worker';\n",
    'node_modules/hello-addon/package.json': JSON.stringify({ name: 'hello-addon', version: '1.0.0', gypfile: true, dependencies: { bindings: '1' } }),
    'node_modules/hello-addon/index.js': "module.exports = require('bindings')('hello.node');\n",
    'node_modules/bindings/package.json': JSON.stringify({ name: 'bindings', version: '1.5.0', main: 'bindings.js' }),
    // a stand-in for bindings' lookup: build/Release beside the calling package
    'node_modules/bindings/bindings.js': "const p = require('node:path');\nmodule.exports = (n) => require(p.join(p.dirname(module.parent.filename), 'build', 'Release', n));\n",
    'node_modules/greet/package.json': JSON.stringify({ name: 'greet', version: '1.0.0', optionalDependencies: { 'greet-linux-x64-gnu': '1' } }),
    'node_modules/greet/index.js': "const a = require('greet-linux-x64-gnu/greet.node');\nexports.greet = a.hello;\n",
    'node_modules/greet-linux-x64-gnu/package.json': JSON.stringify({ name: 'greet-linux-x64-gnu', version: '1.0.0', os: ['linux'], cpu: ['x64'], dependencies: { 'greet-lib': '1' } }),
    'node_modules/greet-lib/package.json': JSON.stringify({ name: 'greet-lib', version: '1.0.0' }),
    'src/hello.c': ADDON_C.replace('extern const char *greet(void);\n', '').replace('GREETING', '"hello from C"'),
    'src/greet.c': ADDON_C.replace('GREETING', 'greet()'),
    'src/libgreet.c': 'const char *greet(void) { return "greetings from libgreet"; }\n',
  });
  const nm = path.join(root, 'node_modules');
  mkdirSync(path.join(nm, 'hello-addon/build/Release'), { recursive: true });
  mkdirSync(path.join(nm, 'greet-lib/lib'), { recursive: true });
  cc(['-shared', '-fPIC', `-I${HEADERS}`, '-o', path.join(nm, 'hello-addon/build/Release/hello.node'), path.join(root, 'src/hello.c')]);
  cc(['-shared', '-fPIC', '-o', path.join(nm, 'greet-lib/lib/libgreet.so'), path.join(root, 'src/libgreet.c')]);
  // linked as napi-rs/sharp do: the library found through $ORIGIN in the sibling package
  cc(['-shared', '-fPIC', `-I${HEADERS}`, '-o', path.join(nm, 'greet-linux-x64-gnu/greet.node'), path.join(root, 'src/greet.c'), `-L${path.join(nm, 'greet-lib/lib')}`, '-lgreet', "-Wl,-rpath,$ORIGIN/../greet-lib/lib"]);
  return root;
}

async function build(root: string, extra: string[] = [], out = tempDir('tacd-loadapp-out-')): Promise<{ status: number; report: { loadCheck: unknown; addons: unknown[] }; out: string }> {
  dirs.push(out);
  const io = testIO();
  const status = await runPackageCli(debAdapter, [path.join(root, 'app.tac.ts'), '--runtime', 'system', '--json', '--output', out, ...extra], io);
  return { status, report: JSON.parse(io.stdout.text()), out };
}

// The refusal; the package writers run beside the load check, and nothing of theirs is written.
async function refusal(root: string): Promise<Error> {
  const out = tempDir('tacd-loadapp-out-');
  const e = await build(root, [], out).then(
    () => assert.fail('expected the build to be refused'),
    (err: Error) => err,
  );
  assert.deepEqual(readdirSync(out), [], 'nothing written');
  return e;
}

describe('the load check', () => {
  let skip: string | undefined;
  before(() => {
    if (process.arch !== 'x64') skip = 'the fixture addons are named for linux-x64';
    else if (!existsSync(path.join(HEADERS, 'node_api.h'))) skip = `node's headers are not at ${HEADERS}`;
    else if (spawnSync('cc', ['--version']).status !== 0) skip = 'no C compiler (apt-get install build-essential)';
    if (skip) process.stderr.write(`\n*** SKIP load check tests: ${skip}\n`);
  });

  test('passes an app whose addons load (bindings/build/Release, a sibling shared library over $ORIGIN) and records them', async (t) => {
    if (skip) return t.skip(skip);
    const { status, report, out } = await build(app());
    assert.equal(status, 0);
    assert.deepEqual(report.loadCheck, { ran: true });
    assert.deepEqual(report.addons.map((a) => (a as { file: string }).file).sort(), ['node_modules/greet-linux-x64-gnu/greet.node', 'node_modules/hello-addon/build/Release/hello.node']);
    const deb = path.join(out, readdirSync(out).find((f) => f.endsWith('.deb'))!);
    const listing = spawnSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' }).stdout;
    assert.match(listing, /\.\/usr\/lib\/loadapp\/node_modules\/greet-lib\/lib\/libgreet\.so$/m);
    assert.match(listing, /\.\/usr\/lib\/loadapp\/app\/lib\/worker\.cjs$/m);
  });

  test('refuses (65) a bundle with a missing addon, with the loader\'s error', async (t) => {
    if (skip) return t.skip(skip);
    const root = app();
    const { status } = await build(root, ['--no-load-check']);
    assert.equal(status, 0);
    // the staged files without the addon, as a package built from a tree without it would be
    const e = await loadCheck({ name: 'loadapp', arch: 'amd64', node: process.execPath, files: await stagedWithout(root, 'node_modules/hello-addon/build/Release/hello.node') }).then(
      () => assert.fail('expected a refusal'),
      (err: Error) => err,
    );
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^load check: the packaged app does not load .*Cannot find module .*hello\.node/);
  });

  test('refuses (65) a bundle missing a module loaded by path at run time (not in tacd.files)', async (t) => {
    if (skip) return t.skip(skip);
    const e = await refusal(app([]));
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^load check: the packaged app does not load .*Cannot find module '\.\/lib\/worker\.cjs'/);
    assert.doesNotMatch(e.message, /\n/);
  });

  test('--no-load-check: the report says it did not run', async (t) => {
    if (skip) return t.skip(skip);
    const { report } = await build(app(), ['--no-load-check']);
    assert.deepEqual(report.loadCheck, { ran: false, reason: 'skipped with --no-load-check' });
  });
});

// The files bundleApp stages for /usr/lib/loadapp, less one.
async function stagedWithout(root: string, drop: string): Promise<{ rel: string; data: Uint8Array; mode: number }[]> {
  const { bundleApp } = await import('../../src/bundle/bundle.js');
  const { createRenderer } = await import('../../src/render/render.js');
  const r = await bundleApp({ kind: 'tac', file: path.join(root, 'app.tac.ts') }, 'loadapp', createRenderer(), { appRoot: root, arch: 'amd64', files: [{ field: 'tacd.files', patterns: ['lib/worker.cjs'], strict: true }] });
  assert.ok(r.files.some((f) => f.rel === drop), `${drop} is staged`);
  return r.files.filter((f) => f.rel !== drop);
}

// A launcher.cjs standing in for the bundle: what it prints and whether it keeps running.
const launcherOnly = (code: string): { rel: string; data: Uint8Array; mode: number }[] => [{ rel: 'launcher.cjs', data: Buffer.from(code), mode: 0o644 }];

describe('the load check ends the app once its tree is built', () => {
  test('an app that keeps a handle open after loading passes at once, not after the timeout', async () => {
    const t0 = Date.now();
    const files = launcherOnly(`require('node:net').createServer().listen(0); setInterval(() => {}, 1000); process.stdout.write(${JSON.stringify(LOAD_CHECK_OK + '\n')});`);
    assert.deepEqual(await loadCheck({ name: 'handle', arch: 'amd64', node: process.execPath, files, timeoutMs: 20_000 }), { ran: true });
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
  });

  test('an app that never finishes loading is refused (65) at the timeout', async () => {
    const e = await loadCheck({ name: 'hang', arch: 'amd64', node: process.execPath, files: launcherOnly('setInterval(() => {}, 1000);'), timeoutMs: 1500 }).then(
      () => assert.fail('expected a refusal'),
      (err: Error) => err,
    );
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^load check: .*: it did not finish loading within 1\.5 s \(--no-load-check skips this check\)$/);
  });

  test('an app that exits 0 without building its tree is refused (65)', async () => {
    const e = await loadCheck({ name: 'quiet', arch: 'amd64', node: process.execPath, files: launcherOnly('') }).then(
      () => assert.fail('expected a refusal'),
      (err: Error) => err,
    );
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /it exited without building its service tree/);
  });
});

describe('the load check of a real bundle with a handle opened at import', () => {
  test('passes quickly (the check does not wait for the 30 s timeout)', async () => {
    const root = tempDir('tacd-loadapp-handle-');
    dirs.push(root);
    write(root, {
      'package.json': JSON.stringify({ name: 'handleapp', version: '1.0.0', author: 'Ann Example <ann@example.org>', license: 'MIT' }),
      'app.tac.ts': "import net from 'node:net';\nimport { Application } from 'tacd';\n// a connection pool or cache client opening its handle at import\nnet.createServer().listen(0);\nexport const application = new Application('handleapp');\n",
    });
    const t0 = Date.now();
    const { status, report } = await build(root);
    assert.equal(status, 0);
    assert.deepEqual(report.loadCheck, { ran: true });
    assert.ok(Date.now() - t0 < 20_000, `the build took ${Date.now() - t0} ms`);
  });
});
