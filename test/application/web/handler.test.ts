// HTTPServer's handler adapters with the real frameworks (Express, Koa,
// Fastify, installed from fixtures/http-frameworks with `npm ci`), each
// served and drained; and the handler kinds that need no framework.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { HTTPServer } from '../../../src/application/web/http-server.js';
import { resolveHandler } from '../../../src/application/web/handler.js';
import { installFrameworks } from './frameworks.js';
import { request, within } from './helpers.js';

const installed = await installFrameworks();
const skip = 'skip' in installed ? installed.skip : false;
if (skip) console.error(`# SKIP framework tests: ${skip}`);
const need = (name: string): unknown => ('skip' in installed ? null : installed.require(name));
test.after(() => ('skip' in installed ? undefined : installed.cleanup()));

async function serve(handler: unknown, drainTimeout = 5): Promise<{ svc: HTTPServer; port: number }> {
  const svc = new HTTPServer('tcp:0:interface=127.0.0.1', handler as http.RequestListener, { drainTimeout });
  await svc.startService();
  return { svc, port: (svc.port!.getHost() as { port: number }).port };
}

/** Starts a slow request, stops the service while it runs, and checks that it finished with Connection: close. */
async function drainsSlowRequest(svc: HTTPServer, port: number): Promise<void> {
  const reply = request({ port, path: '/slow', agent: new http.Agent({ keepAlive: true }) });
  await new Promise((r) => setTimeout(r, 100));
  const stopped = svc.stopService();
  const r = await reply;
  assert.equal(r.body, 'slow done');
  assert.equal(r.headers.connection, 'close');
  await within(stopped, 3000, 'stopService');
}

test('Express (a function): routes, JSON, and a slow request drained on stop', { skip }, async () => {
  const express = need('express') as () => { get(p: string, h: (req: { secure: boolean }, res: { json(v: unknown): void; send(v: string): void }) => void): void };
  const app = express();
  app.get('/json', (req, res) => res.json({ from: 'express', secure: req.secure }));
  app.get('/slow', (_req, res) => void setTimeout(() => res.send('slow done'), 300));
  const { svc, port } = await serve(app);
  assert.equal(svc.toJSON().handler, 'listener');
  const r = await request({ port, path: '/json' });
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { from: 'express', secure: false });
  assert.match(String(r.headers['x-powered-by']), /Express/);
  await drainsSlowRequest(svc, port);
});

test('Koa (app.callback()): middleware, and a slow request drained on stop', { skip }, async () => {
  const Koa = need('koa') as new () => { use(mw: (ctx: { path: string; body: unknown }) => Promise<void>): void };
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/slow') await new Promise((r) => setTimeout(r, 300));
    ctx.body = ctx.path === '/slow' ? 'slow done' : `koa ${ctx.path}`;
  });
  const { svc, port } = await serve(app);
  assert.equal(svc.toJSON().handler, 'koa');
  assert.equal((await request({ port, path: '/k' })).body, 'koa /k');
  await drainsSlowRequest(svc, port);
});

interface FastifyApp {
  get(p: string, h: () => Promise<unknown>): void;
  addHook(name: 'onClose', h: () => Promise<void>): void;
}

test('Fastify: ready() before listening, its own server options, a drained slow request, then close() runs its onClose hooks', { skip }, async () => {
  const fastify = need('fastify') as (o?: object) => FastifyApp;
  const app = fastify({ keepAliveTimeout: 30_000 });
  app.get('/f', async () => ({ hello: 'fastify' }));
  app.get('/slow', async () => {
    await new Promise((r) => setTimeout(r, 300));
    return 'slow done';
  });
  let closed = 0;
  app.addHook('onClose', async () => void (closed += 1));
  const { svc, port } = await serve(app);
  assert.equal(svc.toJSON().handler, 'fastify');
  assert.equal(svc.server.keepAliveTimeout, 30_000, "Fastify's own http.Server is the one fed");
  const r = await request({ port, path: '/f' });
  assert.deepEqual(JSON.parse(r.body), { hello: 'fastify' });
  assert.equal(closed, 0);
  await drainsSlowRequest(svc, port);
  assert.equal(closed, 1, 'the onClose hook ran once the drain was over');
});

test('handler kinds without a framework: a node:http Server is used as it is; a Fastify-like instance whose server is not http is refused', () => {
  const server = http.createServer();
  const resolved = resolveHandler('HTTPServer', server);
  assert.equal(resolved.server, server);
  assert.equal(resolved.kind, 'server');
  assert.equal(resolveHandler('HTTPServer', (_q: unknown, s: http.ServerResponse) => s.end()).kind, 'listener');
  const koaLike = { use: () => undefined, callback: () => (_q: unknown, s: http.ServerResponse) => s.end() };
  assert.equal(resolveHandler('HTTPServer', koaLike).kind, 'koa');
  const notHttp = { server: {}, ready: async () => undefined, close: async () => undefined, routing: () => undefined };
  assert.throws(() => resolveHandler('HTTPServer', notHttp), /HTTPServer: handler is a Fastify instance whose server is not a node:http Server/);
});
