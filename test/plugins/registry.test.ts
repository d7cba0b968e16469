// Plugin listing, help and discovery: the real bin/tacd.js plus the registry functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { closestNames, discoverPlugins, editDistance, findPlugin, formatPluginList } from '../../src/plugins/registry.js';
import { UsageError } from '../../src/core/errors.js';
import { cleanEnv, exchange, finished, freePort, portAnswers, RUNNER_FIXTURES, runTacd, startTacd, tempDir, waitFor } from '../runner/helpers.js';

const PROJECT = path.join(RUNNER_FIXTURES, 'project');
const PLUGIN_PATH = path.join(PROJECT, 'plugin-path');

test('a bare `tacd` and `tacd --help` list the plugins sorted, with descriptions, and exit 0', async () => {
  for (const args of [[], ['--help'], ['-h']]) {
    const r = await runTacd(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: tacd \[options\] \(-y FILE \| PLUGIN \[plugin options\]\)/);
    assert.match(r.stdout, /--nodaemon/);
    assert.match(r.stdout, /Plugins:\n {2}echo {2}A TCP echo server \(RFC 862\)\.\n {2}web {3}A static file web server\.\n$/);
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
      '  echo   A TCP echo server (RFC 862).',
      '  extra  An installed plugin package (fixture).',
      '  hello  Greets every connection (fixture project plugin).',
      '  pathy  Found through TACD_PLUGIN_PATH (fixture).',
      '  web    A static file web server.',
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

test('built-ins cannot be shadowed; the first of two same-named plugins wins', () => {
  const refs = discoverPlugins(PROJECT, { TACD_PLUGIN_PATH: `${PLUGIN_PATH}:${PLUGIN_PATH}` });
  assert.equal(refs.filter((r) => r.name === 'pathy').length, 1);
  assert.equal(refs.find((r) => r.name === 'echo')!.source, 'built-in');
});
