// UDPServer over a real socket: checklist item 21 of twisted-runtime.md §5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { DatagramProtocol } from '../../../src/application/protocol.js';
import type { Address } from '../../../src/application/interfaces.js';
import { UDPServer } from '../../../src/application/internet/servers.js';
import { tcpPort } from './net-helpers.js';

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
