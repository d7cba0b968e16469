// TCPServer over real sockets: checklist item 20 of twisted-runtime.md §5,
// the error text for a port in use, the factory's start and stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { MultiService } from '../../../src/application/service.js';
import { Factory } from '../../../src/application/protocol.js';
import { TCPServer } from '../../../src/application/internet/servers.js';
import { CannotListenError } from '../../../src/application/internet/errors.js';
import { Echo, echoFactory, roundTrip, connectOutcome, tcpPort } from './net-helpers.js';

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
