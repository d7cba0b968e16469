// Shared helpers for the HTTPServer tests: a request that reports its reply and when its connection closed.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Resolves when the client's socket for this request has closed. */
  closed: Promise<void>;
}

export interface RequestOptions extends http.RequestOptions {
  /** https instead of http (with `ca`, `servername` as needed). */
  readonly tls?: boolean;
  readonly ca?: string | Buffer;
  readonly servername?: string;
  /** A request body (POST). */
  readonly body?: string;
}

/** Sends one request; rejects on a socket error or after 5 s. */
export function request(options: RequestOptions): Promise<Reply> {
  const { tls, body, ...rest } = options;
  const mod = tls ? https : http;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`request ${options.path ?? '/'}: no reply in 5 s`)), 5000);
    let socket: net.Socket | null = null;
    const req = mod.request({ host: '127.0.0.1', agent: false, ...rest }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode!, headers: res.headers, body: text, closed: closedOf(socket!) });
      });
    });
    req.on('socket', (s: net.Socket) => (socket = s));
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

/** Resolves once `socket` has closed. */
export function closedOf(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Resolves with `value` or rejects with `what` after `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds since `start` (from performance.now()). */
export function since(start: number): number {
  return performance.now() - start;
}
