// The servers' shared lifecycle (AbstractServer) over real sockets and a fake
// backend: checklist items 22, 23, 25 and 26 of twisted-runtime.md §5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ClientFactory, Protocol, DatagramProtocol, type IConnector } from '../../../src/application/protocol.js';
import type { IDatagramProtocol, IListeningPort } from '../../../src/application/interfaces.js';
import { TCPServer, UDPServer, TCPClient, UNIXClient } from '../../../src/application/internet/servers.js';
import type { NetworkBackend } from '../../../src/application/internet/ports.js';
import { echoFactory, connectOutcome, until, tcpPort, countingNetwork } from './net-helpers.js';

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
