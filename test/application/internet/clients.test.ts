// TCPClient and UNIXClient against real servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Factory, ClientFactory, Protocol, type IConnector } from '../../../src/application/protocol.js';
import type { Address, IProtocolFactory } from '../../../src/application/interfaces.js';
import { TCPServer, UNIXServer, TCPClient, UNIXClient } from '../../../src/application/internet/servers.js';
import { Echo, echoFactory, tempDir, until, tcpPort } from './net-helpers.js';

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
