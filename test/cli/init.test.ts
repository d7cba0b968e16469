// ts2deb init on real apps (Express, Fastify, Koa from fixtures/http-frameworks,
// pinned, npm ci at test time; and a plain node:http handler): the app.tac.ts
// it writes runs under `tacd -n -y` and answers on $PORT; then it stops cleanly.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initCommand } from '../../src/cli/init.js';
import { installFrameworks, type Frameworks } from '../application/web/frameworks.js';
import { request } from '../application/web/helpers.js';
import { sink } from '../packaging/helpers.js';
import { cleanEnv, finished, freePort, startTacd, waitFor } from '../runner/helpers.js';

const APPS: Record<string, { deps: Record<string, string>; type?: string; files: Record<string, string> }> = {
  express: {
    deps: { express: '5' },
    files: { 'server.js': "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('express says hi'));\nmodule.exports = app;\nif (require.main === module) app.listen(process.env.PORT || 3000);\n" },
  },
  fastify: {
    deps: { fastify: '5' },
    type: 'module',
    files: { 'app.mjs': "import Fastify from 'fastify';\nexport const app = Fastify();\napp.get('/', async () => 'fastify says hi');\n" },
  },
  koa: {
    deps: { koa: '3' },
    files: { 'index.js': "const Koa = require('koa');\nconst app = new Koa();\napp.use((ctx) => { ctx.body = 'koa says hi'; });\nmodule.exports = app;\n" },
  },
  http: {
    deps: {},
    files: { 'handler.js': "const http = require('node:http');\nexports.handler = (req, res) => res.end('node:http says hi');\nif (require.main === module) http.createServer(exports.handler).listen(8080);\n" },
  },
};

let fw: Frameworks | { skip: string };
before(async () => {
  fw = await installFrameworks();
});
after(() => {
  if ('cleanup' in fw) fw.cleanup();
});

for (const [kind, spec] of Object.entries(APPS)) {
  test(`ts2deb init on a ${kind} app: the tac file it writes serves on $PORT under tacd`, { timeout: 60_000 }, async (t) => {
    if ('skip' in fw) return t.skip(fw.skip);
    const root = fw.require.resolve('express/package.json').split(`${path.sep}node_modules${path.sep}`)[0]!;
    const dir = path.join(root, `app-${kind}`);
    mkdirSync(dir);
    const main = Object.keys(spec.files)[0]!;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `${kind}-app`, version: '1.0.0', main, ...(spec.type ? { type: spec.type } : {}), dependencies: spec.deps }, null, 2) + '\n');
    for (const [f, text] of Object.entries(spec.files)) writeFileSync(path.join(dir, f), text);
    const out = sink();
    assert.equal(await initCommand('ts2deb', [dir], { stdout: out, cwd: root }), 0);
    assert.match(out.text(), new RegExp(`^ts2deb init: found .* that ${main.replace('.', '\\.')} exports`, 'm'));
    assert.match(out.text(), /^ts2deb init: wrote app\.tac\.ts$/m);
    assert.match(readFileSync(path.join(dir, 'app.tac.ts'), 'utf8'), /new HTTPServer\(/);
    const port = await freePort();
    const child = startTacd(['-n', '-y', path.join(dir, 'app.tac.ts')], { cwd: dir, env: cleanEnv({ PORT: String(port) }) });
    const ended = finished(child);
    try {
      const reply = await waitFor('an answer', async () => request({ port, host: '127.0.0.1', path: '/' }).catch(() => undefined));
      assert.equal(reply.status, 200);
      assert.equal(reply.body, `${kind === 'http' ? 'node:http' : kind} says hi`);
    } finally {
      child.kill('SIGTERM');
    }
    const end = await ended;
    assert.equal(end.signal, 'SIGTERM', `a clean stop re-raises SIGTERM (as twistd); stderr: ${end.stderr}`);
  });
}
