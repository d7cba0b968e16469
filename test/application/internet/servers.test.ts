// The internet services over real sockets: checklist items 20-26 of
// twisted-runtime.md §5, plus TLS, the simple clients and the error text
// for a port in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { MultiService } from '../../../src/application/service.js';
import { Factory, ClientFactory, Protocol, DatagramProtocol, type IConnector } from '../../../src/application/protocol.js';
import type { Address, IDatagramProtocol, IListeningPort, IProtocolFactory } from '../../../src/application/interfaces.js';
import { TCPServer, UNIXServer, UDPServer, SSLServer, TLSServer, TCPClient, UNIXClient } from '../../../src/application/internet/servers.js';
import { CannotListenError } from '../../../src/application/internet/errors.js';
import { serverFromString } from '../../../src/application/endpoints/parse.js';
import { UNIXServerEndpoint } from '../../../src/application/endpoints/endpoints.js';
import { nodeNetwork, type NetworkBackend } from '../../../src/application/internet/ports.js';
import { run } from '../../../src/core/exec.js';
import { Echo, echoFactory, roundTrip, connectOutcome, tempDir, until } from './net-helpers.js';

function tcpPort(a: Address | null): number {
  assert.ok(a !== null && (a.type === 'TCP' || a.type === 'TCP6' || a.type === 'UDP'), `expected an IP address, got ${JSON.stringify(a)}`);
  return a.port;
}

test('item 20: TCPServer(0) inside a started MultiService listens on a real port and serves; stopping the tree closes it', async () => {
  const root = new MultiService();
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  server.setServiceParent(root);
  await root.privilegedStartService();
  await root.startService();
  const port = tcpPort(server.getHost());
  assert.ok(port > 0);
  assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'hello tcp'), 'hello tcp');
  await root.stopService();
  assert.equal(server.running, false);
  assert.equal(await connectOutcome({ port, host: '127.0.0.1' }), 'ECONNREFUSED');
});

test('item 21: UDPServer(0) gets a real port, echoes a datagram, and after stopService the same port can be bound again', async () => {
  const starts: string[] = [];
  class UdpEcho extends DatagramProtocol {
    override startProtocol(): void {
      starts.push('start');
    }
    override stopProtocol(): void {
      starts.push('stop');
    }
    override datagramReceived(data: Buffer, addr: Address): void {
      if (addr.type === 'UDP') this.transport?.write(Buffer.concat([Buffer.from('re:'), data]), addr);
    }
  }
  const server = new UDPServer(0, new UdpEcho(), { interface: '127.0.0.1' });
  await server.startService();
  const port = tcpPort(server.getHost());
  assert.deepEqual(starts, ['start']);
  const client = dgram.createSocket('udp4');
  const reply = new Promise<string>((resolve) => client.once('message', (m) => resolve(m.toString())));
  client.send('ping', port, '127.0.0.1');
  assert.equal(await reply, 're:ping');
  client.close();
  await server.stopService();
  assert.deepEqual(starts, ['start', 'stop']);
  const again = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.bind(port, '127.0.0.1', () => resolve());
  });
  again.close();
});

/** A backend that counts listen calls and delegates to the real network. */
function countingNetwork(): NetworkBackend & { calls: string[] } {
  const calls: string[] = [];
  return {
    ...nodeNetwork,
    calls,
    listenTCP(port, factory, options) {
      calls.push(`listenTCP:${port}`);
      return nodeNetwork.listenTCP(port, factory, options);
    },
  };
}

test('item 22: privilegedStartService binds; a later startService does not bind again', async () => {
  const network = countingNetwork();
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1', network });
  await server.privilegedStartService();
  assert.equal(server.running, false, 'privilegedStartService does not set running');
  const port = tcpPort(server.getHost());
  assert.equal(await connectOutcome({ port, host: '127.0.0.1' }), 'connected', 'bound and accepting before startService');
  await server.startService();
  assert.equal(server.running, true);
  assert.deepEqual(network.calls, ['listenTCP:0'], 'exactly one bind');
  assert.equal(tcpPort(server.getHost()), port);
  await server.stopService();
});

test('item 23: TCPServer.stopService resolves once the port is closed; afterwards connections are refused', async () => {
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  await server.startService();
  const port = tcpPort(server.getHost());
  const stopped = server.stopService();
  assert.ok(stopped instanceof Promise);
  await stopped;
  assert.equal(await connectOutcome({ port, host: '127.0.0.1' }), 'ECONNREFUSED');
});

test('item 23b: open connections survive stopService; the service\'s closeAllConnections aborts them afterwards', async () => {
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  await server.startService();
  const port = tcpPort(server.getHost());
  const c = net.connect({ port, host: '127.0.0.1' });
  await new Promise((r) => c.once('connect', r));
  await until(() => (server.port as IListeningPort & { connectionCount: number }).connectionCount === 1, 3000, 'accept');
  await server.stopService();
  const closed = new Promise((r) => c.once('close', r));
  c.on('error', () => {});
  c.write('still here');
  const echoed = await new Promise<string>((r) => c.once('data', (d) => r(d.toString())));
  assert.equal(echoed, 'still here');
  server.closeAllConnections(); // after stopService, as the runner does
  await closed;
});

test('item 24: UNIXServer serves on a path, can be stopped and restarted on the same path; mode and lock file apply', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'echo.sock');
    const server = new UNIXServer(sock, echoFactory(), { mode: 0o660, lockfile: true });
    await server.startService();
    assert.equal(fs.statSync(sock).mode & 0o777, 0o660);
    assert.equal(fs.readlinkSync(`${sock}.lock`), String(process.pid), 'PATH.lock names our PID');
    assert.equal(await roundTrip({ path: sock }, 'hello unix'), 'hello unix');
    assert.deepEqual(server.getHost(), { type: 'UNIX', path: sock });
    await server.stopService();
    assert.equal(fs.existsSync(sock), false, 'the socket file is removed on stop');
    assert.equal(fs.existsSync(`${sock}.lock`), false, 'the lock is released on stop');
    await server.startService();
    assert.equal(await roundTrip({ path: sock }, 'again'), 'again');
    await server.stopService();
  } finally {
    cleanup();
  }
});

test('UNIXServer takes no lock file by default, as Twisted\'s listenUNIX (wantPID=0); the unix: endpoint string still does (lockfile=1)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'plain.sock');
    fs.symlinkSync('1', `${sock}.lock`); // a lock held by a live process does not concern a server that takes none
    const server = new UNIXServer(sock, echoFactory());
    await server.startService();
    assert.equal(fs.readlinkSync(`${sock}.lock`), '1', 'the foreign lock is left alone');
    assert.equal(await roundTrip({ path: sock }, 'no lock by default'), 'no lock by default');
    await server.stopService();
    assert.equal(fs.readlinkSync(`${sock}.lock`), '1');
    assert.equal((serverFromString(`unix:${sock}`) as UNIXServerEndpoint).wantPID, true);
  } finally {
    cleanup();
  }
});

test('item 24b: UNIXServer removes a socket file left by a dead process (stale lock) and refuses a lock held by a live one', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 's.sock');
    // A leftover from a crashed server: a dead listener's socket file and a lock naming a dead PID.
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(sock, () => r()));
    // Closing a UNIX server unlinks its file; keep a copy by re-creating a plain file in its place.
    await new Promise<void>((r) => dead.close(() => r()));
    fs.writeFileSync(sock, '');
    fs.symlinkSync('999999', `${sock}.lock`);
    const server = new UNIXServer(sock, echoFactory(), { lockfile: true });
    await server.startService();
    assert.equal(await roundTrip({ path: sock }, 'recovered'), 'recovered');
    await server.stopService();

    fs.symlinkSync('1', `${sock}.lock`); // PID 1 is alive
    const blocked = new UNIXServer(sock, echoFactory(), { lockfile: true });
    await assert.rejects(Promise.resolve(blocked.startService()), (e: unknown) => {
      assert.ok(e instanceof CannotListenError);
      assert.match(e.message, new RegExp(`^cannot listen on unix ${sock}: Cannot acquire lock`));
      return true;
    });
    const noLock = new UNIXServer(sock, echoFactory(), { lockfile: false });
    await noLock.startService();
    assert.equal(await roundTrip({ path: sock }, 'no lock'), 'no lock');
    await noLock.stopService();
  } finally {
    cleanup();
  }
});

test('item 25: runtime handles are not part of toJSON and are cleared on stop', async () => {
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  server.setName('web');
  await server.startService();
  assert.notEqual(server.port, null);
  const state = server.toJSON();
  assert.deepEqual(state, { name: 'web', port: 0, interface: '127.0.0.1', backlog: 50 });
  assert.ok(!JSON.stringify(state).includes('Server'));
  await server.stopService();
  assert.equal(server.port, null);
  assert.equal(server.getHost(), null);

  const client = new TCPClient('127.0.0.1', 9, new ClientFactory(Protocol), { timeout: 1 });
  client.startService();
  assert.notEqual(client.connection, null);
  assert.deepEqual(client.toJSON(), { name: null, host: '127.0.0.1', port: 9 });
  client.stopService();
  assert.equal(client.connection, null);
});

test('item 26: servers and clients take an injected network backend and reuse it across restarts', async () => {
  const calls: string[] = [];
  const fakePort = (port: number): IListeningPort => ({
    stopListening: async () => {
      calls.push(`stop:${port}`);
    },
    getHost: () => ({ type: 'TCP', host: '10.0.0.1', port }),
  });
  const connector = (what: string): IConnector => ({
    disconnect: () => calls.push(`disconnect:${what}`),
    stopConnecting: () => {},
    connect: () => {},
    getDestination: () => ({ type: 'UNIX', path: what }),
  });
  const fake: NetworkBackend = {
    listenTCP: async (port, _f, o) => {
      calls.push(`listenTCP:${port}:${o?.interface}:${o?.backlog}`);
      return fakePort(port);
    },
    listenUNIX: async (p) => {
      calls.push(`listenUNIX:${p}`);
      return fakePort(0);
    },
    listenSSL: async (port) => {
      calls.push(`listenSSL:${port}`);
      return fakePort(port);
    },
    listenUDP: async (port) => {
      calls.push(`listenUDP:${port}`);
      return fakePort(port);
    },
    adoptStreamPort: async (fd) => {
      calls.push(`adopt:${fd}`);
      return fakePort(0);
    },
    connectTCP: (host, port) => {
      calls.push(`connectTCP:${host}:${port}`);
      return connector(`${host}:${port}`);
    },
    connectUNIX: (p) => {
      calls.push(`connectUNIX:${p}`);
      return connector(p);
    },
  };
  const server = new TCPServer(80, echoFactory(), { network: fake, backlog: 7 });
  for (let i = 0; i < 2; i++) {
    await server.privilegedStartService();
    await server.startService();
    assert.deepEqual(server.getHost(), { type: 'TCP', host: '10.0.0.1', port: 80 });
    await server.stopService();
  }
  assert.equal(server.network, fake);
  const client = new TCPClient('example.org', 25, new ClientFactory(Protocol), { network: fake });
  for (let i = 0; i < 2; i++) {
    client.startService();
    client.stopService();
  }
  const unixClient = new UNIXClient('/run/x.sock', new ClientFactory(Protocol), { network: fake });
  unixClient.startService();
  unixClient.stopService();
  const udp = new UDPServer(53, new DatagramProtocol() as IDatagramProtocol, { network: fake });
  await udp.startService();
  await udp.stopService();
  assert.deepEqual(calls, [
    'listenTCP:80::7',
    'stop:80',
    'listenTCP:80::7',
    'stop:80',
    'connectTCP:example.org:25',
    'disconnect:example.org:25',
    'connectTCP:example.org:25',
    'disconnect:example.org:25',
    'connectUNIX:/run/x.sock',
    'disconnect:/run/x.sock',
    'listenUDP:53',
    'stop:53',
  ]);
});

test('a port already in use fails with CannotListenError naming the address', async () => {
  const first = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  await first.startService();
  const port = tcpPort(first.getHost());
  const second = new TCPServer(port, echoFactory(), { interface: '127.0.0.1' });
  await assert.rejects(Promise.resolve(second.privilegedStartService()), (e: unknown) => {
    assert.ok(e instanceof CannotListenError);
    assert.equal(e.message, `cannot listen on tcp 127.0.0.1:${port}: address already in use`);
    assert.equal(e.code, 'tacd.net.cannotListen');
    assert.equal(e.errno, 'EADDRINUSE');
    assert.equal(e.exitCode, 71);
    return true;
  });
  assert.equal(second.port, null);
  await first.stopService();
});

test('the factory is started when the port opens and stopped when it closes', async () => {
  const calls: string[] = [];
  class F extends Factory {
    override startFactory(): void {
      calls.push('start');
    }
    override stopFactory(): void {
      calls.push('stop');
    }
  }
  const server = new TCPServer(0, new F(Echo), { interface: '127.0.0.1' });
  await server.startService();
  assert.deepEqual(calls, ['start']);
  await server.stopService();
  assert.deepEqual(calls, ['start', 'stop']);
});

async function selfSignedCert(dir: string): Promise<{ key: string; cert: string; combined: string }> {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert]);
  const combined = path.join(dir, 'server.pem');
  fs.writeFileSync(combined, fs.readFileSync(key, 'utf8') + fs.readFileSync(cert, 'utf8'));
  return { key, cert, combined };
}

function tlsRoundTrip(port: number, ca: Buffer, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, () => s.write(payload));
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got.length >= payload.length) {
        s.end();
        resolve(got);
      }
    });
    s.on('error', reject);
  });
}

test('SSLServer/TLSServer serve TLS with a key file and a cert file, or one combined PEM (certKey defaults to privateKey)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { key, cert, combined } = await selfSignedCert(dir);
    const ca = fs.readFileSync(cert);
    const a = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: key, certKey: cert });
    await a.startService();
    assert.equal(await tlsRoundTrip(tcpPort(a.getHost()), ca, 'over tls'), 'over tls');
    await a.stopService();
    assert.equal(TLSServer, SSLServer);
    const b = new TLSServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: combined });
    await b.startService();
    assert.equal(await tlsRoundTrip(tcpPort(b.getHost()), ca, 'combined pem'), 'combined pem');
    await b.stopService();
    const missing = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: path.join(dir, 'nope.pem') });
    await assert.rejects(Promise.resolve(missing.startService()), /cannot listen on ssl 127\.0\.0\.1:0: cannot read TLS private key '.*nope\.pem': no such file or directory/);
  } finally {
    cleanup();
  }
});

test('TCPClient connects once when started; a ClientFactory hears connection made, lost and failed', async () => {
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  await server.startService();
  const port = tcpPort(server.getHost());
  const events: string[] = [];
  class Hello extends Protocol {
    override connectionMade(): void {
      this.transport!.write('hi');
    }
    override dataReceived(data: Buffer): void {
      events.push(`data:${data.toString()}`);
      this.transport!.loseConnection();
    }
  }
  class CF extends ClientFactory {
    override startedConnecting(): void {
      events.push('connecting');
    }
    override clientConnectionLost(_c: IConnector, reason: Error | null): void {
      events.push(`lost:${reason === null ? 'clean' : reason.message}`);
    }
    override clientConnectionFailed(_c: IConnector, reason: Error): void {
      events.push(`failed:${reason.message}`);
    }
  }
  const client = new TCPClient('127.0.0.1', port, new CF(Hello));
  client.startService();
  await until(() => events.includes('lost:clean'), 3000, 'the client round trip');
  assert.deepEqual(events, ['connecting', 'data:hi', 'lost:clean']);
  client.stopService();
  await server.stopService();
  events.length = 0;
  const refused = new TCPClient('127.0.0.1', port, new CF(Hello));
  refused.startService();
  await until(() => events.length === 2, 3000, 'the failure');
  assert.deepEqual(events, ['connecting', `failed:cannot connect to tcp 127.0.0.1:${port}: connection refused`]);
});

test('UNIXClient connects to a UNIXServer', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'c.sock');
    const serverSide: Address[] = [];
    const server = new UNIXServer(
      sock,
      new Factory(() => new (class extends Echo {
        override connectionMade(): void {
          serverSide.push(this.transport!.getHost(), this.transport!.getPeer());
        }
      })()),
    );
    await server.startService();
    let got = '';
    const clientSide: Address[] = [];
    class Hello extends Protocol {
      override connectionMade(): void {
        clientSide.push(this.transport!.getHost(), this.transport!.getPeer());
        this.transport!.write('unix hello');
      }
      override dataReceived(data: Buffer): void {
        got += data.toString();
      }
    }
    const client = new UNIXClient(sock, new ClientFactory(Hello) as IProtocolFactory);
    client.startService();
    await until(() => got === 'unix hello', 3000, 'echo over the unix socket');
    assert.deepEqual(serverSide, [{ type: 'UNIX', path: sock }, { type: 'UNIX', path: null }], 'server side: host is the socket path, the peer is unnamed');
    assert.deepEqual(clientSide, [{ type: 'UNIX', path: null }, { type: 'UNIX', path: sock }], 'client side: the peer is the socket path');
    client.stopService();
    await server.stopService();
  } finally {
    cleanup();
  }
});

test('UNIXServer on a Linux abstract socket (a path starting with NUL): no lock file, no chmod, restartable', async () => {
  const name = `\0tacd-test-${process.pid}-${Date.now()}`;
  const server = new UNIXServer(name, echoFactory());
  for (let i = 0; i < 2; i++) {
    await server.startService();
    assert.equal(await roundTrip({ path: name }, `abstract ${i}`), `abstract ${i}`);
    await server.stopService();
  }
  assert.equal(await connectOutcome({ path: name }), 'ECONNREFUSED');
});
