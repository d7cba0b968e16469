// The graceful drain of HTTPServer's stop, over real loopback connections:
// a slow request finishes (with Connection: close) and then the connection
// closes; idle keep-alive connections close after a 250 ms linger (a request
// in it is answered with Connection: close); a streamed response
// whose headers were sent finishes and its connection is ended; a request
// past the deadline is cut; an upgraded socket is cut at the deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { HTTPServer } from '../../../src/application/web/http-server.js';
import { closedOf, request, since, within } from './helpers.js';

async function started(handler: http.RequestListener | http.Server, drainTimeout = 5): Promise<{ svc: HTTPServer; port: number }> {
  const svc = new HTTPServer('tcp:0:interface=127.0.0.1', handler, { drainTimeout });
  await svc.startService();
  const host = svc.port!.getHost();
  assert.equal(host.type, 'TCP');
  return { svc, port: (host as { port: number }).port };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

test('stop during a slow request: no new connections, the request finishes with Connection: close, then the connection closes and the stop resolves', async () => {
  let arrived!: () => void;
  const inHandler = new Promise<void>((r) => (arrived = r));
  const { svc, port } = await started((_req, res) => {
    arrived();
    setTimeout(() => res.end('slow done'), 400);
  });
  const agent = new http.Agent({ keepAlive: true });
  const reply = request({ port, path: '/slow', agent });
  await inHandler;
  const t0 = performance.now();
  const stopped = svc.stopService().then(() => since(t0));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await refused(port), 'ECONNREFUSED', 'the port is closed while draining');
  const r = await reply;
  assert.equal(r.status, 200);
  assert.equal(r.body, 'slow done');
  assert.equal(r.headers.connection, 'close', 'a response in flight at the stop tells the client the connection closes');
  await within(r.closed, 2000, 'the connection closes after the response');
  const ms = await within(stopped, 3000, 'stopService');
  assert.ok(ms >= 300, `the stop waited for the request (${ms} ms)`);
  assert.equal(svc.connectionCount, 0);
  agent.destroy();
});

test('idle keep-alive connections are closed on stop after the 250 ms linger', async () => {
  const { svc, port } = await started((_req, res) => res.end('hi'));
  const agent = new http.Agent({ keepAlive: true });
  const first = await request({ port, path: '/', agent });
  const second = await request({ port, path: '/', agent });
  assert.equal(first.headers.connection, 'keep-alive');
  assert.equal(svc.connectionCount, 1, 'one kept-alive connection served both requests');
  const t0 = performance.now();
  await within(svc.stopService(), 1000, 'stopService with only an idle connection');
  assert.ok(since(t0) >= 200 && since(t0) < 600, `the idle connection held the stop for the linger only (${since(t0)} ms)`);
  await within(second.closed, 1000, 'the idle connection is closed by the server');
  agent.destroy();
});

test('a streamed response whose headers were sent before the stop finishes, then its keep-alive connection is ended', async () => {
  let headSent!: () => void;
  const sent = new Promise<void>((r) => (headSent = r));
  const { svc, port } = await started((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('part 1, ');
    headSent();
    setTimeout(() => res.end('part 2'), 300);
  });
  const agent = new http.Agent({ keepAlive: true });
  const reply = request({ port, path: '/stream', agent });
  await sent;
  const stopped = svc.stopService();
  const r = await reply;
  assert.equal(r.body, 'part 1, part 2');
  assert.equal(r.headers.connection, 'keep-alive', 'the headers went out before the stop');
  await within(r.closed, 2000, 'the server ends the connection after the response');
  await within(stopped, 2000, 'stopService');
  agent.destroy();
});

test('a request still running at the deadline is cut, and the stop resolves soon after the deadline', async () => {
  const { svc, port } = await started(() => {
    /* never answers */
  }, 0.3);
  const reply = request({ port, path: '/forever' }).then(
    () => 'answered',
    (e: NodeJS.ErrnoException) => e.code,
  );
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  await within(svc.stopService(), 2500, 'stopService');
  const ms = since(t0);
  assert.ok(ms >= 280 && ms < 2000, `stopped at the 0.3 s deadline (${ms} ms)`);
  assert.equal(await reply, 'ECONNRESET', 'the request was cut');
});

test('an upgraded (websocket-style) socket is destroyed at the deadline', async () => {
  const server = http.createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (_req, socket: net.Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (d) => socket.write(d));
  });
  const { svc, port } = await started(server, 0.3);
  const upgraded = await new Promise<net.Socket>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/ws', agent: false, headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
    req.on('upgrade', (_res, socket: net.Socket) => resolve(socket));
    req.on('error', reject);
    req.end();
  });
  const echoed = await new Promise<string>((resolve) => {
    upgraded.once('data', (d: Buffer) => resolve(d.toString()));
    upgraded.write('ping');
  });
  assert.equal(echoed, 'ping', 'the upgraded socket speaks its own protocol');
  upgraded.on('error', () => {});
  const t0 = performance.now();
  await within(svc.stopService(), 2500, 'stopService');
  assert.ok(since(t0) >= 280, `the upgraded socket was kept until the deadline (${since(t0)} ms)`);
  await within(closedOf(upgraded), 1000, 'the upgraded socket is closed');
});

test('an upgrade listener added later is watched, and once removed, Upgrade requests are plain requests again', async () => {
  const { svc, port } = await started((req, res) => res.end(`${req.method} ${req.url}`), 0.2);
  const takeover = (_req: http.IncomingMessage, socket: net.Socket): void => void socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
  svc.server.on('upgrade', takeover);
  await new Promise((r) => setImmediate(r));
  assert.equal(svc.server.listenerCount('upgrade'), 2, 'the marker sits beside the application listener');
  svc.server.off('upgrade', takeover);
  await new Promise((r) => setImmediate(r));
  assert.equal(svc.server.listenerCount('upgrade'), 0, 'no marker without an application listener');
  const r = await request({ port, path: '/x', headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
  assert.equal(r.body, 'GET /x', 'Node answers it as a plain request, as without HTTPServer');
  await svc.stopService();
});

/** A raw connection that has sent nothing yet; `send` writes a request and resolves with everything read until the server closes. */
function rawConnection(port: number): Promise<{ send: (text: string) => Promise<string>; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    const closed = new Promise<string>((r) => s.once('close', () => r(data)));
    s.once('error', () => undefined);
    s.once('connect', () => resolve({ send: (text) => (s.write(text), closed), closed }));
    s.once('error', reject);
  });
}

async function untilCount(svc: HTTPServer, n: number): Promise<void> {
  for (let i = 0; i < 100 && svc.connectionCount !== n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(svc.connectionCount, n);
}

test('a connection accepted before the stop but without its request yet is served (Connection: close), not reset', async () => {
  const { svc, port } = await started((_req, res) => res.end('late but served'));
  const conn = await rawConnection(port);
  await untilCount(svc, 1);
  const stopped = svc.stopService();
  await new Promise((r) => setTimeout(r, 100));
  const reply = await within(conn.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 2000, 'the reply');
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(reply, /\r\nConnection: close\r\n/i);
  assert.match(reply, /late but served$/);
  await within(stopped, 2000, 'stopService');
});

test('a new connection that sends nothing holds the stop for the first-request grace (2 s) only', async () => {
  const { svc, port } = await started((_req, res) => res.end('x'), 5);
  const conn = await rawConnection(port);
  await untilCount(svc, 1);
  const t0 = performance.now();
  await within(svc.stopService(), 4000, 'stopService');
  const ms = since(t0);
  assert.ok(ms >= 1900 && ms < 3500, `closed after the grace (${ms} ms)`);
  assert.equal(await within(conn.closed, 1000, 'the connection is closed'), '');
});

test('a request on a pooled keep-alive connection just after the stop began is answered with Connection: close, not reset', async () => {
  const { svc, port } = await started((_req, res) => res.end('pooled'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await request({ port, path: '/', agent });
  assert.equal(svc.connectionCount, 1);
  const stopped = svc.stopService();
  await new Promise((r) => setTimeout(r, 50));
  const r = await request({ port, path: '/again', agent });
  assert.equal(r.body, 'pooled');
  assert.equal(r.headers.connection, 'close');
  await within(stopped, 2000, 'stopService');
  agent.destroy();
});
