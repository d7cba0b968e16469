// Twisted-shaped positional arguments for the internet services (listenTCP,
// listenSSL, listenUDP, listenUNIX, connectTCP, connectUNIX argument order),
// beside the options objects; anything of an unexpected type is a TypeError
// naming the parameter, never silently ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Factory, ClientFactory, Protocol, DatagramProtocol, type IConnector } from '../../../src/application/protocol.js';
import type { IListeningPort } from '../../../src/application/interfaces.js';
import { TCPServer, UNIXServer, UDPServer, SSLServer, TCPClient, UNIXClient } from '../../../src/application/internet/servers.js';
import type { NetworkBackend } from '../../../src/application/internet/ports.js';
import { echoFactory } from './net-helpers.js';

/** A backend that records every call with its options. */
function recordingNetwork(): { net: NetworkBackend; calls: Array<[string, unknown, unknown]> } {
  const calls: Array<[string, unknown, unknown]> = [];
  const port = (): IListeningPort => ({ stopListening: async () => {}, getHost: () => ({ type: 'TCP', host: '10.0.0.1', port: 1 }) });
  const connector = (): IConnector => ({ disconnect: () => {}, stopConnecting: () => {}, connect: () => {}, getDestination: () => ({ type: 'UNIX', path: 'x' }) });
  const net: NetworkBackend = {
    listenTCP: async (p, _f, o) => (calls.push(['listenTCP', p, o]), port()),
    listenUNIX: async (p, _f, o) => (calls.push(['listenUNIX', p, o]), port()),
    listenSSL: async (p, _f, o) => (calls.push(['listenSSL', p, { ...o, key: String(o.key), cert: String(o.cert) }]), port()),
    listenUDP: async (p, _pr, o) => (calls.push(['listenUDP', p, o]), port()),
    adoptStreamPort: async () => port(),
    connectTCP: (h, p, _f, o) => (calls.push(['connectTCP', `${h}:${p}`, o]), connector()),
    connectUNIX: (p, _f, o) => (calls.push(['connectUNIX', p, o]), connector()),
  };
  return { net, calls };
}

/** Starts and stops a server: the recorded listen call is what the test looks at. */
async function startStop(server: { startService(): unknown; stopService(): unknown }): Promise<void> {
  try {
    await server.startService();
  } finally {
    await server.stopService();
  }
}

function startStopClient(client: { startService(): void; stopService(): void }): void {
  client.startService();
  client.stopService();
}

const isTypeError = (param: RegExp) => (e: unknown): boolean => e instanceof TypeError && param.test(e.message);

test('TCPServer(0, f, 50, "127.0.0.1") binds 127.0.0.1 with backlog 50, as Twisted\'s TCPServer(port, factory, backlog, interface)', async () => {
  const server = new TCPServer(0, echoFactory(), 50, '127.0.0.1');
  await server.startService();
  try {
    const host = server.getHost() as { host: string; port: number };
    assert.equal(host.host, '127.0.0.1');
    assert.deepEqual(server.options, { backlog: 50, interface: '127.0.0.1' });
  } finally {
    await server.stopService();
  }
  const { net, calls } = recordingNetwork();
  await startStop(new TCPServer(80, echoFactory(), 12, '::1', { network: net }));
  await startStop(new TCPServer(81, echoFactory(), null, '10.0.0.2', { network: net }));
  await startStop(new TCPServer(82, echoFactory(), { interface: '10.0.0.3', network: net }));
  assert.deepEqual(calls, [
    ['listenTCP', 80, { interface: '::1', backlog: 12 }],
    ['listenTCP', 81, { interface: '10.0.0.2', backlog: 511 }],
    ['listenTCP', 82, { interface: '10.0.0.3', backlog: 511 }],
  ]);
});

test('SSLServer(port, f, tls, backlog, interface) follows listenSSL\'s order', async () => {
  const { net, calls } = recordingNetwork();
  await startStop(new SSLServer(443, echoFactory(), { key: 'K', cert: 'C' }, 9, '127.0.0.1', { network: net }));
  await startStop(new SSLServer(444, echoFactory(), { key: 'K', cert: 'C', interface: '::', network: net }));
  assert.deepEqual(calls, [
    ['listenSSL', 443, { key: 'K', cert: 'C', interface: '127.0.0.1', backlog: 9 }],
    ['listenSSL', 444, { key: 'K', cert: 'C', interface: '::', backlog: 511 }],
  ]);
  assert.throws(() => new SSLServer(443, echoFactory(), { key: 'K', cert: 'C', interface: 'a' }, 50, 'b'), isTypeError(/interface is given both/));
  assert.throws(() => new SSLServer(443, echoFactory(), 'server.pem' as never), isTypeError(/TLS options/));
});

test('UDPServer(port, proto, interface, maxPacketSize) follows listenUDP\'s order; maxPacketSize truncates as recvfrom would', async () => {
  const { net, calls } = recordingNetwork();
  await startStop(new UDPServer(53, new DatagramProtocol(), '127.0.0.1', 512, { network: net }));
  await startStop(new UDPServer(54, new DatagramProtocol(), { interface: '::1', network: net }));
  assert.deepEqual(calls, [
    ['listenUDP', 53, { interface: '127.0.0.1', maxPacketSize: 512 }],
    ['listenUDP', 54, { interface: '::1' }],
  ]);
  const got: Buffer[] = [];
  class Sink extends DatagramProtocol {
    override datagramReceived(data: Buffer): void {
      got.push(data);
    }
  }
  const server = new UDPServer(0, new Sink(), '127.0.0.1', 4);
  await server.startService();
  const client = dgram.createSocket('udp4');
  try {
    const port = (server.getHost() as { port: number }).port;
    await new Promise<void>((r) => client.send('abcdefgh', port, '127.0.0.1', () => r()));
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got.map(String), ['abcd']);
  } finally {
    client.close();
    await server.stopService();
  }
  assert.throws(() => new UDPServer(0, new DatagramProtocol(), 5353 as never), isTypeError(/interface/));
  assert.throws(() => new UDPServer(0, new DatagramProtocol(), '', '8192' as never), isTypeError(/maxPacketSize/));
  assert.throws(() => new UDPServer(0, Factory.forProtocol(Protocol) as never), isTypeError(/protocol/));
});

test('UNIXServer(path, f, backlog, mode, wantPID) follows listenUNIX\'s order', async () => {
  const { net, calls } = recordingNetwork();
  await startStop(new UNIXServer('/run/a.sock', echoFactory(), 5, 0o660, true, { network: net }));
  await startStop(new UNIXServer('/run/b.sock', echoFactory(), null, null, 1, { network: net }));
  await startStop(new UNIXServer('/run/c.sock', echoFactory(), { mode: 0o600, wantPID: true, network: net }));
  await startStop(new UNIXServer('/run/d.sock', echoFactory(), { network: net }));
  assert.deepEqual(calls, [
    ['listenUNIX', '/run/a.sock', { mode: 0o660, backlog: 5, wantPID: true }],
    ['listenUNIX', '/run/b.sock', { mode: 0o666, backlog: 511, wantPID: true }],
    ['listenUNIX', '/run/c.sock', { mode: 0o600, backlog: 511, wantPID: true }],
    ['listenUNIX', '/run/d.sock', { mode: 0o666, backlog: 511, wantPID: false }],
  ]);
  assert.throws(() => new UNIXServer('/x', echoFactory(), 50, '0660' as never), isTypeError(/mode/));
  assert.throws(() => new UNIXServer('/x', echoFactory(), 50, 0o666, 'yes' as never), isTypeError(/wantPID/));
  assert.throws(() => new UNIXServer('/x', echoFactory(), { lockfile: true, wantPID: false }), isTypeError(/both/));
});

test('TCPClient(host, port, f, timeout, bindAddress) and UNIXClient(path, f, timeout) follow connectTCP/connectUNIX', () => {
  const { net, calls } = recordingNetwork();
  const f = new ClientFactory(Protocol);
  startStopClient(new TCPClient('example.org', 25, f, 5, '10.0.0.9', { network: net }));
  startStopClient(new TCPClient('example.org', 26, f, { timeout: 7, network: net }));
  startStopClient(new UNIXClient('/run/x.sock', f, 3, 0, { network: net }));
  assert.deepEqual(calls, [
    ['connectTCP', 'example.org:25', { timeout: 5, bindAddress: '10.0.0.9' }],
    ['connectTCP', 'example.org:26', { timeout: 7 }],
    ['connectUNIX', '/run/x.sock', { timeout: 3 }],
  ]);
  assert.throws(() => new TCPClient('h', 1, f, '30' as never), isTypeError(/timeout/));
  assert.throws(() => new UNIXClient('/x', f, 30, true as never), isTypeError(/checkPID/));
});

test('wrong types and unknown options are TypeErrors naming the parameter', () => {
  const f = echoFactory();
  assert.throws(() => new TCPServer('8080' as never, f), isTypeError(/port/));
  assert.throws(() => new TCPServer(8080, f, '127.0.0.1' as never), isTypeError(/backlog/));
  assert.throws(() => new TCPServer(8080, f, 50, 127 as never), isTypeError(/interface/));
  assert.throws(() => new TCPServer(8080, f, { interfce: '127.0.0.1' } as never), isTypeError(/interfce/));
  assert.throws(() => new TCPServer(8080, f, { interface: '::1' } as never, 50 as never), isTypeError(/options object/));
  assert.throws(() => Reflect.construct(TCPServer, [8080, f, 50, '::1', {}, 1]), isTypeError(/too many/));
  assert.throws(() => new TCPServer(8080, Protocol as never), isTypeError(/factory/));
  assert.throws(() => new TCPServer(8080, f, 50, '::1', { reactor: 1 } as never), isTypeError(/reactor/));
  assert.throws(() => new TCPServer(70000, f), RangeError);
});
