// HTTPServer on each endpoint kind: tcp:, unix:, ssl: (an openssl-made
// certificate) and systemd: (a child process socket-activated by
// systemd-socket-activate, which sets LISTEN_FDS); readiness (the start
// resolves once listening); a listen failure; one-line TypeErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_SRC_DIR } from '../../../src/core/paths.js';
import { haveProgram, run, spawnProgram } from '../../../src/core/exec.js';
import { Application } from '../../../src/application/application.js';
import { HTTPServer, DEFAULT_DRAIN_TIMEOUT } from '../../../src/application/web/http-server.js';
import { EndpointError } from '../../../src/application/endpoints/parse.js';
import { globalLogPublisher, type LogEvent } from '../../../src/application/logger/logger.js';
import { freePort, tempDir, until } from '../internet/net-helpers.js';
import { request, within } from './helpers.js';

const hello: http.RequestListener = (req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end(`hello ${req.url} secure=${(req.socket as { encrypted?: boolean }).encrypted === true}`);
};

test('tcp: the start resolves once listening (readiness), requests are served, the stop closes the port', async () => {
  const port = await freePort();
  const app = new Application('web');
  const svc = new HTTPServer(`tcp:${port}:interface=127.0.0.1`, hello);
  void svc.setServiceParent(app);
  await app.privilegedStartService();
  await app.startService();
  const r = await request({ port, path: '/a' });
  assert.equal(r.body, 'hello /a secure=false');
  assert.deepEqual(svc.toJSON().handler, 'listener');
  assert.equal(svc.drainTimeout, DEFAULT_DRAIN_TIMEOUT);
  await app.stopService();
  await assert.rejects(request({ port, path: '/' }), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
});

test('an unnamed HTTPServer logs "HTTPServer listening on ...", a named one its name', async () => {
  const port = await freePort();
  const events: LogEvent[] = [];
  const observer = (e: LogEvent): void => void events.push(e);
  globalLogPublisher.addObserver(observer);
  const unnamed = new HTTPServer(`tcp:${port}:interface=127.0.0.1`, hello);
  const named = new HTTPServer('tcp:0:interface=127.0.0.1', hello);
  named.setName('api');
  try {
    for (const svc of [unnamed, named]) {
      await svc.privilegedStartService();
      await svc.stopService();
    }
  } finally {
    globalLogPublisher.removeObserver(observer);
  }
  const lines = events.map((e) => e.message).filter((m) => m.includes(' listening on '));
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, new RegExp(`^HTTPServer listening on .*${port}`));
  assert.match(lines[1]!, /^api listening on /);
});

test('unix: served on a UNIX socket', async () => {
  const { dir, cleanup } = tempDir('tacd-http-');
  try {
    const sock = path.join(dir, 'web.sock');
    const svc = new HTTPServer(`unix:${sock}`, hello, { drainTimeout: 1 });
    await svc.startService();
    const r = await request({ socketPath: sock, path: '/over-unix' });
    assert.equal(r.body, 'hello /over-unix secure=false');
    await svc.stopService();
  } finally {
    cleanup();
  }
});

const noOpenssl = (await haveProgram('openssl')) ? false : 'openssl is not installed (.ci/install-deps installs it)';

test('ssl: served over TLS with an openssl-made certificate; the handler sees an encrypted socket', { skip: noOpenssl }, async () => {
  const { dir, cleanup } = tempDir('tacd-http-');
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1', '-keyout', key, '-out', cert]);
    const port = await freePort();
    const svc = new HTTPServer(`ssl:${port}:privateKey=${key}:certKey=${cert}:interface=127.0.0.1`, hello);
    await svc.startService();
    const agent = new (await import('node:https')).Agent({ keepAlive: true });
    const r = await request({ tls: true, port, path: '/tls', ca: fs.readFileSync(cert), servername: 'localhost', agent });
    assert.equal(r.body, 'hello /tls secure=true');
    assert.equal(svc.connectionCount, 1, 'the TLS connection is kept alive');
    await within(svc.stopService(), 1000, 'stop with an idle TLS connection');
    await within(r.closed, 1000, 'the idle TLS connection is closed');
    agent.destroy();
  } finally {
    cleanup();
  }
});

test('a port in use: the start rejects naming the address', async () => {
  const port = await freePort();
  const first = new HTTPServer(`tcp:${port}:interface=127.0.0.1`, hello);
  await first.startService();
  try {
    const second = new HTTPServer(`tcp:${port}:interface=127.0.0.1`, hello);
    await assert.rejects(Promise.resolve(second.startService()), (e: Error) => e.message.includes(`127.0.0.1:${port}`) && /in use/i.test(e.message));
  } finally {
    await first.stopService();
  }
});

test('bad arguments are one-line TypeErrors naming HTTPServer and the argument; a bad description is an EndpointError', async () => {
  const oneLine = (re: RegExp) => (e: Error) => e instanceof TypeError && re.test(e.message) && !e.message.includes('\n');
  assert.throws(() => new HTTPServer(8080 as never, hello), oneLine(/^HTTPServer: endpoint must be an endpoint description string .*got number 8080$/));
  assert.throws(() => new HTTPServer('tcp:0', {} as never), oneLine(/^HTTPServer: handler must be a request listener .*got an object$/));
  assert.throws(() => new HTTPServer('tcp:0', 'x' as never), oneLine(/handler must be .*got the string "x"/));
  assert.throws(() => new HTTPServer('tcp:0', hello, { drainTimeout: '5' } as never), oneLine(/^HTTPServer: drainTimeout must be a number of seconds/));
  assert.throws(() => new HTTPServer('tcp:0', hello, { deadline: 5 } as never), oneLine(/^HTTPServer: unknown option 'deadline' in options \(expected drainTimeout, network, listenFDs\)$/));
  assert.throws(() => new HTTPServer('tcp:0', hello, {}, 1 as never), oneLine(/^HTTPServer: too many arguments/));
  assert.throws(() => new HTTPServer('tcp:0', hello, { drainTimeout: -1 }), (e: Error) => e instanceof RangeError && /drainTimeout must be a finite number of seconds >= 0, got -1/.test(e.message));
  const listening = http.createServer();
  await new Promise<void>((r) => listening.listen(0, '127.0.0.1', r));
  try {
    assert.throws(() => new HTTPServer('tcp:0', listening), oneLine(/handler is a node:http Server that is already listening/));
  } finally {
    listening.close();
  }
  assert.throws(() => new HTTPServer('tcp:notaport', hello), (e: Error) => e instanceof EndpointError && /invalid port 'notaport'/.test(e.message));
});

const SCRIPT = (indexUrl: string): string => `
import { Application, HTTPServer } from ${JSON.stringify(indexUrl)};
const app = new Application('activated');
const svc = new HTTPServer(process.argv[2], (req, res) => res.end('activated ' + req.url), { drainTimeout: 2 });
svc.setServiceParent(app);
await app.privilegedStartService();
await app.startService();
process.stdout.write('READY ' + process.pid + ' ' + (process.env.LISTEN_FDS ?? 'consumed') + '\\n');
process.on('SIGTERM', async () => {
  await app.stopService();
  process.stdout.write('STOPPED\\n');
});
`;

const noActivate = (await haveProgram('systemd-socket-activate')) ? false : 'systemd-socket-activate is not installed (package systemd)';

test('systemd: a socket-activated child (LISTEN_FDS from systemd-socket-activate) serves the inherited socket and exits by itself after SIGTERM', { skip: noActivate }, async () => {
  const { dir, cleanup } = tempDir('tacd-http-');
  const port = await freePort();
  const script = path.join(dir, 'serve.mjs');
  fs.writeFileSync(script, SCRIPT(pathToFileURL(path.join(DIST_SRC_DIR, 'index.js')).href));
  const { child } = await spawnProgram('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, '--fdname=web', process.execPath, script, 'systemd:domain=INET:name=web'], { buffer: false, stdin: 'ignore' });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = child.then((r) => r.exitCode);
  try {
    await until(() => err.includes('Listening on'), 5000, `systemd-socket-activate to listen (stderr: ${err})`);
    const r = await request({ port, path: '/first' });
    assert.equal(r.body, 'activated /first');
    await until(() => out.includes('READY'), 5000, 'READY');
    const ready = /READY (\d+) (\S+)/.exec(out);
    assert.equal(ready?.[2], 'consumed', 'LISTEN_FDS was read and removed from the environment');
    process.kill(Number(ready[1]), 'SIGTERM');
    await until(() => out.includes('STOPPED'), 5000, `STOPPED (stdout: ${out})`);
    assert.equal(await within(exited, 5000, 'the child exits once the port and connections are closed'), 0, err);
  } finally {
    child.kill('SIGKILL');
    cleanup();
  }
});
