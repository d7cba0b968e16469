// Protocol, Factory, LineReceiver and DatagramProtocol, plus the socket
// transport over real TCP connections on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Protocol, Factory, ServerFactory, ClientFactory, LineReceiver, DatagramProtocol } from '../../src/application/protocol.js';
import type { Address, ITransport } from '../../src/application/interfaces.js';
import { listenTCP } from '../../src/application/internet/ports.js';
import { SocketTransport, disconnectAll } from '../../src/application/internet/tcp-transport.js';
import { until } from './internet/net-helpers.js';
import { globalLogPublisher, type LogEvent } from '../../src/application/logger/logger.js';

const PEER: Address = { type: 'TCP', host: '127.0.0.1', port: 1 };

/** An in-memory transport for parsing tests (no network semantics involved). */
class StringTransport implements ITransport {
  written: Buffer[] = [];
  disconnecting = false;
  write(data: Uint8Array | string): void {
    this.written.push(Buffer.from(data));
  }
  writeSequence(data: Iterable<Uint8Array | string>): void {
    for (const d of data) this.write(d);
  }
  loseConnection(): void {
    this.disconnecting = true;
  }
  abortConnection(): void {
    this.disconnecting = true;
  }
  getPeer(): Address {
    return PEER;
  }
  getHost(): Address {
    return PEER;
  }
  value(): string {
    return Buffer.concat(this.written).toString();
  }
}

test('Protocol.makeConnection sets the transport, marks it connected and calls connectionMade', () => {
  const calls: string[] = [];
  class P extends Protocol {
    override connectionMade(): void {
      calls.push(`made:${this.transport !== null}`);
    }
  }
  const p = new P();
  assert.equal(p.connected, false);
  const t = new StringTransport();
  p.makeConnection(t);
  assert.equal(p.transport, t);
  assert.equal(p.connected, true);
  assert.deepEqual(calls, ['made:true']);
  p.connectionLost(null);
  assert.equal(p.connected, false);
});

test('Factory.forProtocol builds protocol instances whose factory is set', () => {
  class P extends Protocol {}
  const f = Factory.forProtocol(P);
  assert.ok(f instanceof Factory);
  const p = f.buildProtocol(PEER);
  assert.ok(p instanceof P);
  assert.equal(p.factory, f);
  assert.notEqual(f.buildProtocol(PEER), p, 'one protocol per connection');
  const sf = ServerFactory.forProtocol(P);
  assert.ok(sf instanceof ServerFactory);
});

test('Factory accepts a builder function, and a builder may refuse with null', () => {
  const seen: Address[] = [];
  const f = new Factory((addr) => {
    seen.push(addr);
    return addr.type === 'TCP' ? new Protocol() : null;
  });
  assert.ok(f.buildProtocol(PEER) instanceof Protocol);
  assert.equal(f.buildProtocol({ type: 'UNIX', path: null }), null);
  assert.equal(seen.length, 2);
});

test('Factory without a protocol throws a TypeError naming the class', () => {
  class MyFactory extends Factory {}
  assert.throws(() => new MyFactory().buildProtocol(PEER), /MyFactory has no protocol/);
});

test('Factory takes its protocol from the prototype or a static field when the constructor is given none (Twisted\'s class attribute)', () => {
  class P extends Protocol {}
  class Q extends Protocol {}
  class ByPrototype extends Factory {}
  (ByPrototype.prototype as Factory).protocol = P;
  class ByStatic extends ServerFactory {
    static protocol = Q;
  }
  const a = new ByPrototype();
  const pa = a.buildProtocol(PEER);
  assert.ok(pa instanceof P);
  assert.equal(pa.factory, a);
  const b = new ByStatic();
  assert.ok(b.buildProtocol(PEER) instanceof Q);
  // An explicit argument or assignment wins over the class's.
  assert.ok(new ByStatic(P).buildProtocol(PEER) instanceof P);
  const c = new ByStatic();
  c.protocol = P;
  assert.ok(c.buildProtocol(PEER) instanceof P);
  // The Twisted idiom: a plain factory, protocol assigned afterwards.
  const d = new ServerFactory();
  d.protocol = Q;
  assert.ok(d.buildProtocol(PEER) instanceof Q);
  assert.throws(() => new Factory('Echo' as never), (e: unknown) => e instanceof TypeError && /protocol must be/.test(e.message));
});

test('doStart/doStop are reference counted: startFactory once at first, stopFactory once at last, extra doStop ignored', () => {
  const calls: string[] = [];
  class F extends ClientFactory {
    override startFactory(): void {
      calls.push('start');
    }
    override stopFactory(): void {
      calls.push('stop');
    }
  }
  const f = new F(Protocol);
  f.doStart();
  f.doStart();
  assert.equal(f.numPorts, 2);
  f.doStop();
  assert.deepEqual(calls, ['start']);
  f.doStop();
  f.doStop();
  assert.deepEqual(calls, ['start', 'stop']);
  assert.equal(f.numPorts, 0);
});

class Lines extends LineReceiver {
  lines: string[] = [];
  exceeded: Buffer[] = [];
  override lineReceived(line: string): void {
    this.lines.push(line);
  }
}

test('LineReceiver splits lines across chunk boundaries with the default \\r\\n delimiter', () => {
  const p = new Lines();
  p.makeConnection(new StringTransport());
  for (const chunk of ['hel', 'lo\r', '\nwor', 'ld\r\n\r\nlast', '\r\n']) p.dataReceived(Buffer.from(chunk));
  assert.deepEqual(p.lines, ['hello', 'world', '', 'last']);
});

test('LineReceiver decodes UTF-8 split across chunks and honours a custom delimiter', () => {
  const p = new Lines();
  p.delimiter = '\n';
  p.makeConnection(new StringTransport());
  const bytes = Buffer.from('héllo\nwörld\n');
  for (let i = 0; i < bytes.length; i++) p.dataReceived(bytes.subarray(i, i + 1));
  assert.deepEqual(p.lines, ['héllo', 'wörld']);
});

test('LineReceiver: a line over MAX_LENGTH calls lineLengthExceeded, which closes the connection by default', () => {
  const t = new StringTransport();
  const p = new Lines();
  p.MAX_LENGTH = 10;
  p.makeConnection(t);
  p.dataReceived(Buffer.from('short\r\n'));
  p.dataReceived(Buffer.from('x'.repeat(11) + '\r\nafter\r\n'));
  assert.deepEqual(p.lines, ['short']);
  assert.equal(t.disconnecting, true);
});

test('LineReceiver: an unterminated run longer than MAX_LENGTH + delimiter is exceeded too, with the offending bytes', () => {
  const p = new (class extends Lines {
    override lineLengthExceeded(line: Buffer): void {
      this.exceeded.push(line);
    }
  })();
  p.MAX_LENGTH = 8;
  p.makeConnection(new StringTransport());
  p.dataReceived(Buffer.from('abcdefgh')); // exactly MAX_LENGTH: still waiting
  assert.equal(p.exceeded.length, 0);
  p.dataReceived(Buffer.from('ij'));
  assert.equal(p.exceeded.length, 1);
  assert.equal(p.exceeded[0]!.toString(), 'abcdefghij');
  p.dataReceived(Buffer.from('ok\r\n'));
  assert.deepEqual(p.lines, ['ok'], 'the buffer was cleared');
});

test('LineReceiver default MAX_LENGTH is 16384 and sendLine appends the delimiter', () => {
  const t = new StringTransport();
  const p = new Lines();
  assert.equal(p.MAX_LENGTH, 16384);
  p.makeConnection(t);
  p.sendLine('hi');
  p.sendLine(Buffer.from('there'));
  assert.equal(t.value(), 'hi\r\nthere\r\n');
});

test('LineReceiver raw mode passes bytes to rawDataReceived until setLineMode', () => {
  class Mixed extends LineReceiver {
    events: string[] = [];
    override lineReceived(line: string): void {
      this.events.push(`line:${line}`);
      if (line === 'RAW') this.setRawMode();
    }
    override rawDataReceived(data: Buffer): void {
      const s = data.toString();
      const end = s.indexOf('|');
      if (end < 0) {
        this.events.push(`raw:${s}`);
        return;
      }
      this.events.push(`raw:${s.slice(0, end)}`);
      this.setLineMode(s.slice(end + 1));
    }
  }
  const p = new Mixed();
  p.makeConnection(new StringTransport());
  p.dataReceived(Buffer.from('a\r\nRAW\r\nxy'));
  p.dataReceived(Buffer.from('z|b\r\n'));
  assert.deepEqual(p.events, ['line:a', 'line:RAW', 'raw:xy', 'raw:z', 'line:b']);
});

test('LineReceiver stops delivering lines once the transport is disconnecting', () => {
  class Quit extends Lines {
    override lineReceived(line: string): void {
      super.lineReceived(line);
      if (line === 'quit') this.transport?.loseConnection();
    }
  }
  const p = new Quit();
  p.makeConnection(new StringTransport());
  p.dataReceived(Buffer.from('a\r\nquit\r\nb\r\n'));
  assert.deepEqual(p.lines, ['a', 'quit']);
});

test('DatagramProtocol: startProtocol on the first doStart, stopProtocol after the last doStop', () => {
  const calls: string[] = [];
  class D extends DatagramProtocol {
    override startProtocol(): void {
      calls.push('start');
    }
    override stopProtocol(): void {
      calls.push('stop');
    }
  }
  const d = new D();
  d.makeConnection({ write() {}, getHost: () => ({ type: 'UDP', host: '127.0.0.1', port: 9 }) });
  assert.deepEqual(calls, ['start']);
  d.doStop();
  assert.deepEqual(calls, ['start', 'stop']);
  assert.equal(d.transport, null);
});

// ---- the socket transport, over real TCP -----------------------------------

interface Recorded {
  protocols: RecordingProtocol[];
}
class RecordingProtocol extends LineReceiver {
  lines: string[] = [];
  lost: (Error | null)[] = [];
  override lineReceived(line: string): void {
    this.lines.push(line);
    if (line === 'big') {
      this.transport!.write('x'.repeat(1 << 20));
      this.transport!.loseConnection();
    } else if (line === 'abort') {
      this.transport!.abortConnection();
    } else if (line === 'boom') {
      throw new Error('boom in lineReceived');
    } else {
      this.sendLine(`echo:${line}`);
    }
  }
  override connectionLost(reason: Error | null): void {
    super.connectionLost(reason);
    this.lost.push(reason);
  }
}

async function withLineServer(fn: (port: number, rec: Recorded) => Promise<void>): Promise<void> {
  const rec: Recorded = { protocols: [] };
  const f = new Factory(() => {
    const p = new RecordingProtocol();
    rec.protocols.push(p);
    return p;
  });
  const port = await listenTCP(0, f, { interface: '127.0.0.1' });
  try {
    const host = port.getHost();
    assert.equal(host.type, 'TCP');
    await fn(host.type === 'TCP' ? host.port : 0, rec);
  } finally {
    port.closeAllConnections?.();
    await port.stopListening();
  }
}

function client(port: number): Promise<{ socket: net.Socket; data: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.once('connect', () => resolve({ socket, data: () => Buffer.concat(chunks).toString(), closed }));
    socket.once('error', reject);
  });
}

test('SocketTransport: lines written in pieces over TCP reach lineReceived; replies come back; getPeer/getHost are TCP addresses', async () => {
  await withLineServer(async (port, rec) => {
    const c = await client(port);
    c.socket.write('one\r');
    await new Promise((r) => setTimeout(r, 20));
    c.socket.write('\ntw');
    c.socket.write('o\r\n');
    await until(() => c.data() === 'echo:one\r\necho:two\r\n', 3000, 'echo replies');
    const p = rec.protocols[0]!;
    assert.deepEqual(p.lines, ['one', 'two']);
    const peer = p.transport!.getPeer();
    const host = p.transport!.getHost();
    assert.equal(peer.type, 'TCP');
    assert.equal(host.type === 'TCP' ? host.port : -1, port);
    assert.equal(peer.type === 'TCP' ? peer.port : -1, c.socket.localPort);
    c.socket.end();
    await until(() => p.lost.length === 1, 3000, 'connectionLost');
    assert.equal(p.lost[0], null, 'a clean close from the peer gives a null reason');
  });
});

test('SocketTransport: loseConnection flushes pending writes before closing', async () => {
  await withLineServer(async (port, rec) => {
    const c = await client(port);
    c.socket.write('big\r\n');
    await c.closed;
    assert.equal(c.data().length, 1 << 20, 'every queued byte arrived before the close');
    await until(() => rec.protocols[0]!.lost.length === 1, 3000, 'connectionLost');
    assert.equal(rec.protocols[0]!.lost[0], null);
  });
});

test('SocketTransport: abortConnection closes at once and connectionLost gets a reason', async () => {
  await withLineServer(async (port, rec) => {
    const c = await client(port);
    c.socket.write('abort\r\n');
    await c.closed;
    await until(() => rec.protocols[0]!.lost.length === 1, 3000, 'connectionLost');
    const reason = rec.protocols[0]!.lost[0];
    assert.ok(reason instanceof Error);
    assert.match(reason.message, /aborted/);
  });
});

test('SocketTransport: an exception in dataReceived drops the connection and is the connectionLost reason', async () => {
  await withLineServer(async (port, rec) => {
    const c = await client(port);
    c.socket.write('boom\r\n');
    await c.closed;
    await until(() => rec.protocols[0]!.lost.length === 1, 3000, 'connectionLost');
    assert.equal(rec.protocols[0]!.lost[0]?.message, 'boom in lineReceived');
  });
});

test('SocketTransport: write returns false above the high-water mark and drained() resolves once flushed', async () => {
  let transport: SocketTransport | null = null;
  const port = await listenTCP(0, new Factory(() => new (class extends Protocol {
    override connectionMade(): void {
      transport = this.transport as SocketTransport;
    }
  })()), { interface: '127.0.0.1' });
  const host = port.getHost();
  const c = await client(host.type === 'TCP' ? host.port : 0);
  c.socket.pause();
  await until(() => transport !== null, 3000, 'connection');
  const t = transport as unknown as SocketTransport;
  let ok = true;
  for (let i = 0; i < 64 && ok; i++) ok = t.write(Buffer.alloc(1 << 20));
  assert.equal(ok, false, 'a peer that does not read pushes back');
  assert.ok(t.bufferSize > 0);
  const drained = t.drained();
  c.socket.resume();
  await drained;
  assert.equal(t.bufferSize, 0);
  assert.equal(disconnectAll() >= 1, true, 'disconnectAll closes leftover connections');
  await c.closed;
  await port.stopListening();
});

test('SocketTransport: a peer reset reaches connectionLost as a ConnectionLostError naming the peer', async () => {
  await withLineServer(async (port, rec) => {
    const c = await client(port);
    c.socket.write('hello\r\n');
    await until(() => rec.protocols[0]?.lines.length === 1, 3000, 'the first line');
    c.socket.resetAndDestroy();
    await until(() => rec.protocols[0]!.lost.length === 1, 3000, 'connectionLost');
    const reason = rec.protocols[0]!.lost[0];
    assert.ok(reason instanceof Error, 'a reset is not a clean close');
    assert.match(reason.message, /^connection to tcp 127\.0\.0\.1:\d+ lost: connection reset by peer$/);
  });
});

test('SocketTransport.writeSequence writes the chunks in order; writes after loseConnection are dropped', async () => {
  let t: SocketTransport | null = null;
  const port = await listenTCP(0, new Factory(() => new (class extends Protocol {
    override connectionMade(): void {
      t = this.transport as SocketTransport;
      t.writeSequence(['a', Buffer.from('b'), 'c']);
      t.loseConnection();
      t.write('dropped');
    }
  })()), { interface: '127.0.0.1' });
  const host = port.getHost();
  const c = await client(host.type === 'TCP' ? host.port : 0);
  await c.closed;
  assert.equal(c.data(), 'abc');
  assert.ok(t !== null);
  await port.stopListening();
});

test('SocketTransport: exceptions in buildProtocol, connectionMade and connectionLost are logged and never crash the process', async () => {
  const events: LogEvent[] = [];
  const observer = (e: LogEvent): void => {
    events.push(e);
  };
  globalLogPublisher.addObserver(observer);
  let built = 0;
  const port = await listenTCP(
    0,
    new Factory(() => {
      built += 1;
      if (built === 1) throw new Error('no protocol for you');
      return new (class Fragile extends Protocol {
        override connectionMade(): void {
          if (built === 2) throw new Error('made badly');
        }
        override connectionLost(reason: Error | null): void {
          super.connectionLost(reason);
          throw new Error('lost badly');
        }
      })();
    }),
    { interface: '127.0.0.1' },
  );
  try {
    const host = port.getHost();
    const portNo = host.type === 'TCP' ? host.port : 0;
    for (let i = 0; i < 3; i++) {
      const c = await client(portNo);
      if (i === 2) c.socket.end();
      await c.closed;
    }
    await until(() => events.filter((e) => e.message.startsWith('Unhandled error in')).length >= 4, 3000, 'the logged failures');
    const messages = events.map((e) => e.message).filter((m) => m.startsWith('Unhandled error in'));
    assert.ok(messages.some((m) => m.startsWith('Unhandled error in Factory.buildProtocol; connection from tcp 127.0.0.1:')));
    assert.ok(messages.includes('Unhandled error in Fragile.connectionMade; dropping the connection'));
    assert.ok(messages.includes('Unhandled error in Fragile.connectionLost'));
  } finally {
    globalLogPublisher.removeObserver(observer);
    await port.stopListening();
  }
});
