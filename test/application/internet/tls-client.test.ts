// TLSClient/SSLClient (Twisted's internet.SSLClient) against a real
// SSLServer whose certificate a test CA signed: trusted CA connects, an
// untrusted CA or a host name the certificate lacks is refused, and
// stopService ends the connection or the attempt cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ClientFactory, Protocol, type IConnector } from '../../../src/application/protocol.js';
import type { IListeningPort } from '../../../src/application/interfaces.js';
import { SSLServer, TLSClient, SSLClient } from '../../../src/application/internet/servers.js';
import type { NetworkBackend } from '../../../src/application/internet/ports.js';
import { echoFactory, tempDir, tcpPort, until } from './net-helpers.js';
import { caSignedCert } from './tls-helpers.js';

/** A ClientFactory recording what happens; its protocol says `hello` and collects the echo. */
function recorder(): { factory: ClientFactory; events: string[]; echoed: () => string } {
  const events: string[] = [];
  let got = '';
  class Hello extends Protocol {
    override connectionMade(): void {
      events.push('made');
      this.transport!.write('hello');
    }
    override dataReceived(data: Buffer): void {
      got += data.toString();
    }
  }
  class CF extends ClientFactory {
    override clientConnectionFailed(_c: IConnector, reason: Error): void {
      events.push(`failed:${reason.message}`);
    }
    override clientConnectionLost(_c: IConnector, reason: Error | null): void {
      events.push(`lost:${reason === null ? 'clean' : reason.message}`);
    }
  }
  return { factory: new CF(Hello), events, echoed: () => got };
}

async function withServer(fn: (port: number, ca: Buffer, otherCa: Buffer, server: SSLServer) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const ours = await caSignedCert(dir, 'ours');
    const other = await caSignedCert(dir, 'other');
    const server = new SSLServer(0, echoFactory(), { interface: '127.0.0.1', privateKey: ours.key, certKey: ours.cert });
    await server.startService();
    try {
      await fn(tcpPort(server.getHost()), fs.readFileSync(ours.ca), fs.readFileSync(other.ca), server);
    } finally {
      server.closeAllConnections();
      await server.stopService();
    }
  } finally {
    cleanup();
  }
}

test('TLSClient trusting the server\'s CA connects, verifies and echoes; stopService closes the connection cleanly', async () => {
  await withServer(async (port, ca, _other, server) => {
    const r = recorder();
    const client = new TLSClient('localhost', port, r.factory, { ca, timeout: 5 });
    client.startService();
    await until(() => r.echoed() === 'hello', 5000, 'the echo over TLS');
    assert.deepEqual(r.events, ['made']);
    client.stopService();
    assert.equal(client.connection, null);
    await until(() => r.events.length === 2, 3000, 'the connection to close');
    assert.deepEqual(r.events, ['made', 'lost:clean']);
    await until(() => (server.port as IListeningPort & { connectionCount: number }).connectionCount === 0, 3000, 'the server side to close');
  });
});

test('an untrusted CA, Node\'s bundled roots, or a host name the certificate does not carry are refused (clientConnectionFailed)', async () => {
  await withServer(async (port, ca, otherCa) => {
    const unverified = /unable to verify the first certificate|unable to get local issuer certificate/;
    const cases: Array<[string, string, { ca?: Buffer }, RegExp]> = [
      ['another CA', 'localhost', { ca: otherCa }, unverified],
      ['the bundled roots', 'localhost', {}, unverified],
      ['127.0.0.1 (the certificate names localhost)', '127.0.0.1', { ca }, /does not match certificate's altnames/],
    ];
    for (const [what, host, options, re] of cases) {
      const r = recorder();
      const client = new TLSClient(host, port, r.factory, options);
      client.startService();
      await until(() => r.events.length > 0, 5000, `the refusal with ${what}`);
      assert.equal(r.events.length, 1, what);
      assert.match(r.events[0]!, new RegExp(`^failed:cannot connect to tcp ${host.replace(/\./g, '\\.')}:${port}: `), what);
      assert.match(r.events[0]!, re, what);
      client.stopService();
    }
  });
});

test('SSLClient is TLSClient; Twisted\'s positional (host, port, factory, contextFactory, timeout, bindAddress) form reaches connectTCP with TLS', () => {
  assert.equal(SSLClient, TLSClient);
  const calls: unknown[] = [];
  const connector: IConnector = { disconnect: () => calls.push('disconnect'), stopConnecting: () => {}, connect: () => {}, getDestination: () => ({ type: 'TCP', host: 'h', port: 1 }) };
  const network = {
    connectTCP: (host: string, port: number, _f: unknown, options: unknown) => (calls.push([host, port, options]), connector),
  } as unknown as NetworkBackend;
  const f = recorder().factory;
  const a = new SSLClient('example.org', 443, f, { ca: 'CA', servername: 'www.example.org' }, 5, '10.0.0.2', { network });
  const b = new TLSClient('example.org', 443, f, { cert: 'C', key: 'K', network });
  for (const c of [a, b]) {
    c.startService();
    c.stopService();
  }
  assert.deepEqual(calls, [
    ['example.org', 443, { timeout: 5, tls: { ca: 'CA', servername: 'www.example.org' }, bindAddress: '10.0.0.2' }],
    'disconnect',
    ['example.org', 443, { timeout: 30, tls: { cert: 'C', key: 'K' } }],
    'disconnect',
  ]);
  assert.deepEqual(a.toJSON(), { name: null, host: 'example.org', port: 443 });
});

test('TLSClient refuses arguments it cannot use, naming them', () => {
  const f = recorder().factory;
  const isType = (re: RegExp) => (e: unknown): boolean => e instanceof TypeError && re.test(e.message);
  assert.throws(() => new TLSClient('h', 443, f, { verify: false } as never), isType(/^TLSClient: unknown option 'verify' in the TLS options/));
  assert.throws(() => new TLSClient('h', 443, f, { timeout: 5 }, 6), isType(/^TLSClient: timeout is given both/));
  assert.throws(() => new TLSClient('h', 443, f, { cert: 'C' }), isType(/^TLSClient: cert and key go together/));
  assert.throws(() => new TLSClient('h', 443, f, { ca: 42 as never }), isType(/^TLSClient: ca must be PEM certificates/));
  assert.throws(() => new TLSClient('', 443, f), isType(/^TLSClient: host must be a non-empty string/));
  const Loose = TLSClient as unknown as new (...args: unknown[]) => TLSClient;
  assert.throws(() => new Loose('h', 443, f, {}, 30, null, {}, 1), isType(/^TLSClient: too many arguments/));
});

test('stopService while the TLS attempt is pending cancels it: clientConnectionFailed hears the cancellation, nothing connects', async () => {
  await withServer(async (port, ca) => {
    const r = recorder();
    const client = new TLSClient('localhost', port, r.factory, { ca });
    client.startService();
    client.stopService();
    assert.equal(r.events.length, 1);
    assert.match(r.events[0]!, /connection attempt cancelled/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(r.events.length, 1, 'no late connectionMade');
  });
});
