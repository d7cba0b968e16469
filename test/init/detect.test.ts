// What init reads from an app: framework, export, port, listen(); refusals in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { detectApp, exportOf, frameworkOf, portOf } from '../../src/init/detect.js';
import { tempDir } from '../packaging/helpers.js';

test('frameworkOf: a dependency names it; else node:http when the code creates a server', () => {
  assert.equal(frameworkOf({ dependencies: { express: '^5' } }, ''), 'express');
  assert.equal(frameworkOf({ dependencies: { fastify: '^5', pino: '1' } }, ''), 'fastify');
  assert.equal(frameworkOf({ dependencies: { koa: '^3' } }, ''), 'koa');
  assert.equal(frameworkOf({}, "import http from 'node:http';\nexport default http.createServer(h);"), 'node:http');
  assert.equal(frameworkOf({}, 'console.log(1)'), undefined);
});

test('exportOf: default export and module.exports, or a well-known named export', () => {
  assert.deepEqual(exportOf('const app = express();\nexport default app;'), { kind: 'default' });
  assert.deepEqual(exportOf('module.exports = app;'), { kind: 'default' });
  assert.deepEqual(exportOf('export const app = new Koa();'), { kind: 'named', name: 'app' });
  assert.deepEqual(exportOf('const server = x;\nexport { server };'), { kind: 'named', name: 'server' });
  assert.deepEqual(exportOf('exports.handler = (req, res) => res.end();'), { kind: 'named', name: 'handler' });
  assert.equal(exportOf('app.listen(3000);'), undefined);
  assert.equal(exportOf('if (module.exports == null) x();'), undefined);
});

test('portOf: the PORT default, a literal listen port, else 3000', () => {
  assert.equal(portOf('const port = process.env.PORT || 8080;'), '8080');
  assert.equal(portOf("app.listen(process.env.PORT ?? '4000')"), '4000');
  assert.equal(portOf('app.listen(5000, () => {})'), '5000');
  assert.equal(portOf('fastify.listen({ port: 7000 })'), '7000');
  assert.equal(portOf('app.listen(port)'), '3000');
});

function app(files: Record<string, string>): string {
  const dir = tempDir('tacd-init-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

test('detectApp: the facts of an Express app that listens by itself', () => {
  const dir = app({ 'package.json': JSON.stringify({ name: '@acme/notes-api', main: 'server.js', dependencies: { express: '5' } }), 'server.js': "const app = require('express')();\nmodule.exports = app;\napp.listen(process.env.PORT || 8000);\n" });
  try {
    const f = detectApp(dir);
    assert.equal(f.name, 'notes-api');
    assert.equal(f.framework, 'express');
    assert.deepEqual(f.exported, { kind: 'default' });
    assert.equal(f.listens, true);
    assert.equal(f.port, '8000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detectApp refuses, in one line: no package.json (66), no entry, no framework, nothing exported (65)', () => {
  const none = tempDir('tacd-init-');
  const noEntry = app({ 'package.json': '{"name":"x"}' });
  const noFramework = app({ 'package.json': '{"name":"x"}', 'index.js': 'console.log(1)\n' });
  const noExport = app({ 'package.json': '{"name":"x","dependencies":{"express":"5"}}', 'index.js': "require('express')().listen(3000)\n" });
  try {
    assert.throws(() => detectApp(none), (e: unknown) => exitCodeOf(e) === 66 && /package\.json: not found/.test(describeError(e)));
    assert.throws(() => detectApp(noEntry), (e: unknown) => exitCodeOf(e) === 65 && /no entry found: set "main" or a "start" script/.test(describeError(e)));
    assert.throws(() => detectApp(noFramework), (e: unknown) => exitCodeOf(e) === 65 && /index\.js: no Express, Fastify or Koa dependency/.test(describeError(e)));
    assert.throws(() => detectApp(noExport), (e: unknown) => exitCodeOf(e) === 65 && describeError(e) === 'index.js exports nothing to serve: export the express app (`export default app` or `module.exports = app`), then run ts2deb init again');
  } finally {
    for (const d of [none, noEntry, noFramework, noExport]) rmSync(d, { recursive: true, force: true });
  }
});
