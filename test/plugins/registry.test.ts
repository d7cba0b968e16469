// Plugin listing, help and discovery: the real bin/tacd.js plus the registry functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { closestNames, discoverPlugins, editDistance, findPlugin, formatPluginList } from '../../src/plugins/registry.js';
import { exitCodeOf, UsageError } from '../../src/core/errors.js';
import { cleanEnv, exchange, finished, freePort, portAnswers, RUNNER_FIXTURES, runTacd, startTacd, tempDir, waitFor } from '../runner/helpers.js';

const PROJECT = path.join(RUNNER_FIXTURES, 'project');
const PLUGIN_PATH = path.join(PROJECT, 'plugin-path');

test('a bare `tacd` and `tacd --help` list the plugins sorted, with descriptions, and exit 0', async () => {
  for (const args of [[], ['--help'], ['-h']]) {
    const r = await runTacd(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: tacd \[options\] \(-y FILE \| PLUGIN \[plugin options\]\)/);
    assert.match(r.stdout, /--nodaemon/);
    assert.match(r.stdout, /Plugins:\n {2}echo {2}A TCP echo server \(RFC 862\)\. \[built-in\]\n {2}web {3}A static file web server\. \[built-in\]\n$/);
  }
});

test('`tacd PLUGIN --help` shows the plugin options; --version', async () => {
  let r = await runTacd(['echo', '--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: tacd \[options\] echo \[echo options\]\n\nA TCP echo server/);
  assert.match(r.stdout, /--port=PORT +TCP port to listen on\. \[default: 8000\]/);
  assert.match(r.stdout, /--listen=ENDPOINT/);
  r = await runTacd(['web', '-h']);
  assert.match(r.stdout, /--path=DIR +Directory to serve\. \[default: \.\]/);
  r = await runTacd(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^tacd \(the tacd daemon\) \d+\.\d+\.\d+\nnode v\d+/);
});

test('discovery: the project package.json, its node_modules, TACD_PLUGIN_PATH; listing imports no plugin module', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const marker = path.join(dir, 'imported');
  const env = cleanEnv({ TACD_PLUGIN_PATH: PLUGIN_PATH, TACD_PLUGIN_MARKER: marker });
  const r = await runTacd([], { cwd: path.join(PROJECT, 'lib'), env });
  assert.equal(r.code, 0, r.stderr);
  const list = r.stdout.slice(r.stdout.indexOf('Plugins:'));
  assert.equal(
    list,
    [
      'Plugins:',
      '  echo   A TCP echo server (RFC 862). [built-in]',
      '  extra  An installed plugin package (fixture). [node_modules/tacd-plugin-extra/package.json]',
      '  hello  Greets every connection (fixture project plugin). [package.json]',
      '  pathy  Found through TACD_PLUGIN_PATH (fixture). [plugin-path/pathy/package.json]',
      '  web    A static file web server. [built-in]',
      '',
    ].join('\n'),
  );
  assert.ok(!fs.existsSync(marker), 'listing must not import plugin modules');

  // Help for a discovered plugin imports only that one.
  const h = await runTacd(['hello', '--help'], { cwd: PROJECT, env });
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /--greeting=GREETING/);
  assert.equal(fs.readFileSync(marker, 'utf8'), 'hello\n');
});

test('discovered plugins run: project, node_modules and TACD_PLUGIN_PATH', async (t) => {
  const env = cleanEnv({ TACD_PLUGIN_PATH: PLUGIN_PATH });
  for (const name of ['hello', 'extra', 'pathy']) {
    const port = await freePort();
    const child = startTacd(['-n', '--pidfile=', name, '--port', String(port)], { cwd: PROJECT, env });
    const done = finished(child);
    t.after(() => child.kill('SIGKILL'));
    await waitFor(`${name} port`, () => portAnswers(port));
    assert.equal(await exchange(port, ''), `hello from ${name}\n`);
    child.kill('SIGTERM');
    const r = await done;
    assert.equal(r.signal, 'SIGTERM', r.stderr);
  }
});

test('an unknown plugin suggests the closest names (edit distance)', () => {
  const refs = discoverPlugins(PROJECT, { TACD_PLUGIN_PATH: PLUGIN_PATH });
  assert.throws(() => findPlugin(refs, 'helo'), (e: unknown) => e instanceof UsageError && /did you mean 'hello'\?/.test(e.message));
  assert.throws(() => findPlugin(refs, 'wbe'), (e: unknown) => e instanceof UsageError && /did you mean 'web'\?/.test(e.message));
  assert.throws(() => findPlugin(refs, 'zzzzzzzz'), (e: unknown) => e instanceof UsageError && /available: echo, extra, hello, pathy, web/.test(e.message));
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.deepEqual(closestNames('ech', ['echo', 'web', 'extra']), ['echo']);
  assert.equal(formatPluginList([]), 'Plugins:\n');
});

// A package folder declaring `plugins` (name -> module) in its package.json.
function pluginPackage(dir: string, plugins: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  const decl = Object.fromEntries(Object.entries(plugins).map(([n, m]) => [n, { module: m, description: `${n} from ${path.basename(dir)}` }]));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), version: '1.0.0', tacd: { plugins: decl } }));
  return path.join(dir, 'package.json');
}

test('one package.json reached twice counts once; two plugins of one name are an error naming both', async (t) => {
  const refs = discoverPlugins(PROJECT, { TACD_PLUGIN_PATH: `${PLUGIN_PATH}:${PLUGIN_PATH}:${path.join(PLUGIN_PATH, 'pathy')}` });
  assert.equal(refs.filter((r) => r.name === 'pathy').length, 1);
  assert.equal(refs.find((r) => r.name === 'echo')!.source, 'built-in');

  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const project = pluginPackage(path.join(dir, 'site'), { poem: './poem.mjs' });
  const dep = pluginPackage(path.join(dir, 'site', 'node_modules', 'dep'), { poem: './other.mjs' });
  assert.throws(
    () => discoverPlugins(path.join(dir, 'site'), {}),
    (e: unknown) => exitCodeOf(e) === 65 && e instanceof Error && e.message === `plugin 'poem' is declared twice: by ${project} and by ${dep} (rename one in its tacd.plugins)`,
  );
  const r = await runTacd(['--help'], { cwd: path.join(dir, 'site'), env: cleanEnv() });
  assert.equal(r.code, 65);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `tacd: plugin 'poem' is declared twice: by ${project} and by ${dep} (rename one in its tacd.plugins)\n`);

  // a built-in's name is taken too
  const shadow = pluginPackage(path.join(dir, 'shadow'), { echo: './echo.mjs' });
  assert.throws(() => discoverPlugins(path.join(dir, 'shadow'), {}), (e: unknown) => e instanceof Error && e.message.includes(`plugin 'echo' is declared twice: by built-in and by ${shadow}`));
});
