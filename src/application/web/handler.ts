/**
 * What HTTPServer serves: a `(req, res)` request listener (an Express app is
 * one), a Koa app (`app.callback()`), a Fastify instance or a node:http
 * Server, each turned into one http.Server that is fed the endpoint's
 * connections (it never listens itself).
 *
 * - a function: `http.createServer(handler)`;
 * - a Koa app (an object with `callback()` and `use()`):
 *   `http.createServer(app.callback())`;
 * - a Fastify instance (`server`, `ready()`, `routing`): its own
 *   `app.server` (the http.Server Fastify built with its `keepAliveTimeout`,
 *   `requestTimeout` and request listener), after `await app.ready()`;
 *   `app.close()` runs its onClose hooks once the drain is over;
 * - an http.Server that is not listening: used as it is.
 */
import http from 'node:http';
import { argError } from '../internet/args.js';

/** A Koa application, as far as HTTPServer needs it. */
export interface KoaLike {
  callback(): http.RequestListener;
  use(...args: never[]): unknown;
}

/** A Fastify instance, as far as HTTPServer needs it. */
export interface FastifyLike {
  readonly server: unknown;
  ready(): PromiseLike<unknown>;
  close(): PromiseLike<unknown>;
  readonly routing: unknown;
}

/** What `new HTTPServer(endpoint, handler)` accepts as the handler. */
export type HTTPHandler = http.RequestListener | KoaLike | FastifyLike | http.Server;

/** The http.Server to feed, with what must happen before serving and after the drain. */
export interface ResolvedHandler {
  readonly server: http.Server;
  /** 'listener', 'koa', 'fastify' or 'server' (for logs and toJSON). */
  readonly kind: string;
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

const EXPECTED = 'a request listener (req, res), an Express app, a Koa app (with callback()), a Fastify instance or a node:http Server that is not listening';

function isKoa(h: object): h is KoaLike {
  return typeof (h as { callback?: unknown }).callback === 'function' && typeof (h as { use?: unknown }).use === 'function';
}

function isFastify(h: object): h is FastifyLike {
  const f = h as Partial<Record<keyof FastifyLike, unknown>>;
  return typeof f.ready === 'function' && typeof f.close === 'function' && typeof f.routing === 'function' && typeof f.server === 'object';
}

function fastifyServer(where: string, app: FastifyLike): ResolvedHandler {
  if (!(app.server instanceof http.Server)) {
    throw new TypeError(`${where}: handler is a Fastify instance whose server is not a node:http Server (https and http2 Fastify servers are not supported: use an ssl: endpoint for TLS)`);
  }
  return {
    server: app.server,
    kind: 'fastify',
    ready: async () => void (await app.ready()),
    close: async () => void (await app.close()),
  };
}

/** @throws TypeError naming `where` for anything that is not a supported handler. */
export function resolveHandler(where: string, handler: unknown): ResolvedHandler {
  if (handler instanceof http.Server) {
    if (handler.listening) throw new TypeError(`${where}: handler is a node:http Server that is already listening; pass one that is not (HTTPServer feeds it the endpoint's connections)`);
    return { server: handler, kind: 'server' };
  }
  if (typeof handler === 'function') return { server: http.createServer(handler as http.RequestListener), kind: 'listener' };
  if (typeof handler === 'object' && handler !== null) {
    if (isFastify(handler)) return fastifyServer(where, handler);
    if (isKoa(handler)) return { server: http.createServer(handler.callback()), kind: 'koa' };
  }
  throw argError(where, 'handler', EXPECTED, handler);
}
