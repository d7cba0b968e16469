// The servers' shared lifecycle (AbstractServer) over real sockets and a fake
// backend: checklist items 22, 23, 25 and 26 of twisted-runtime.md §5,
// and the start/stop race while a bind is pending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { ClientFactory, Protocol, DatagramProtocol, type IConnector } from '../../../src/application/protocol.js';
import type { IDatagramProtocol, IListeningPort } from '../../../src/application/interfaces.js';
import { TCPServer, UNIXServer, UDPServer, TCPClient, UNIXClient } from '../../../src/application/internet/servers.js';
import { nodeNetwork, type NetworkBackend } from '../../../src/application/internet/ports.js';
import { echoFactory, connectOutcome, roundTrip, tempDir, until, tcpPort, countingNetwork } from './net-helpers.js';

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
  assert.deepEqual(state, { name: 'web', port: 0, interface: '127.0.0.1', backlog: 511 });
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

/** A real backend that tracks which ports are open (listened on and not yet stopped). */
function trackingNetwork(): NetworkBackend & { open: Set<IListeningPort> } {
  const open = new Set<IListeningPort>();
  const track = async (listening: Promise<IListeningPort>): Promise<IListeningPort> => {
    const port = await listening;
    open.add(port);
    const stop = port.stopListening.bind(port);
    port.stopListening = () => (open.delete(port), stop());
    return port;
  };
  return {
    ...nodeNetwork,
    open,
    listenTCP: (port, factory, options) => track(nodeNetwork.listenTCP(port, factory, options)),
    listenUNIX: (p, factory, options) => track(nodeNetwork.listenUNIX(p, factory, options)),
  };
}

// Twisted's service contract: the last call wins. A stop while the bind is
// pending closes the port once it opens; a start after that stop keeps it.
test('TCPServer start(); stop(); start() while the bind is pending ends running with exactly one listening port', async () => {
  const network = trackingNetwork();
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1', network });
  const calls = [server.startService(), server.stopService(), server.startService()];
  await Promise.all(calls);
  assert.equal(server.running, true);
  assert.equal(network.open.size, 1, 'one port open');
  assert.equal(server.port, [...network.open][0]);
  assert.equal(await roundTrip({ port: tcpPort(server.getHost()), host: '127.0.0.1' }, 'still served'), 'still served');
  await server.stopService();
  assert.equal(network.open.size, 0);
});

test('TCPServer start(); stop() while the bind is pending ends stopped with no listening port; start(); stop(); start(); stop() too', async () => {
  const network = trackingNetwork();
  const server = new TCPServer(0, echoFactory(), { interface: '127.0.0.1', network });
  await Promise.all([server.startService(), server.stopService()]);
  assert.equal(server.running, false);
  assert.equal(network.open.size, 0);
  assert.equal(server.port, null);
  await Promise.all([server.startService(), server.stopService(), server.startService(), server.stopService()]);
  assert.equal(server.running, false);
  assert.equal(network.open.size, 0);
  assert.equal(server.port, null);
});

test('UNIXServer (the same AbstractServer path) start(); stop(); start() while pending ends serving once; start(); stop() ends with the socket gone', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'race.sock');
    const network = trackingNetwork();
    const server = new UNIXServer(sock, echoFactory(), { network });
    await Promise.all([server.startService(), server.stopService(), server.startService()]);
    assert.equal(server.running, true);
    assert.equal(network.open.size, 1);
    assert.equal(await roundTrip({ path: sock }, 'unix race'), 'unix race');
    await Promise.all([server.stopService(), server.startService(), server.stopService()]);
    assert.equal(server.running, false);
    assert.equal(network.open.size, 0);
    assert.equal(fs.existsSync(sock), false, 'the socket file is removed');
  } finally {
    cleanup();
  }
});
