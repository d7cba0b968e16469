// ClientService and backoffPolicy: checklist items 37-44 of twisted-runtime.md §5
// (after application/test/test_internet.py ClientServiceTests), on a fake endpoint
// driven by a FakeClock, plus one round trip over a real TCP socket on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FakeClock } from '../../src/application/clock.js';
import { ClientService, backoffPolicy, type RetryPolicy } from '../../src/application/client-service.js';
import { CancelledError } from '../../src/application/internet/errors.js';
import type { Address, Cancellable, IProtocol, IProtocolFactory, IStreamClientEndpoint, ITransport } from '../../src/application/interfaces.js';
import { Factory, LineReceiver, Protocol } from '../../src/application/protocol.js';
import { clientFromString } from '../../src/application/endpoints/parse.js';
import { captureLogs, deferred, settle } from './helpers.js';

const ADDR: Address = { type: 'TCP', host: '127.0.0.1', port: 1 };

/** The application's protocol: records what happens to it. */
class AppProtocol implements IProtocol {
  transport: ITransport | null = null;
  factory: IProtocolFactory | null = null;
  lost: Array<Error | null> = [];
  received: Buffer[] = [];
  makeConnection(transport: ITransport): void {
    this.transport = transport;
    this.connectionMade();
  }
  connectionMade(): void {}
  dataReceived(data: Buffer): void {
    this.received.push(data);
  }
  connectionLost(reason: Error | null): void {
    this.lost.push(reason);
  }
  hello(): string {
    return 'hello from the app protocol';
  }
}

class AppFactory implements IProtocolFactory {
  built: AppProtocol[] = [];
  buildProtocol(): AppProtocol {
    const p = new AppProtocol();
    p.factory = this;
    this.built.push(p);
    return p;
  }
  doStart(): void {}
  doStop(): void {}
}

/** A transport whose loseConnection is recorded; the test decides when connectionLost arrives. */
class FakeTransport implements ITransport {
  closes = 0;
  protocol: IProtocol;
  constructor(protocol: IProtocol) {
    this.protocol = protocol;
  }
  write(): void {}
  writeSequence(): void {}
  loseConnection(): void {
    this.closes++;
  }
  abortConnection(): void {
    this.closes++;
  }
  getPeer(): Address {
    return ADDR;
  }
  getHost(): Address {
    return ADDR;
  }
  /** The connection goes away (what the real transport does after close or a reset). */
  drop(reason: Error | null = null): void {
    this.protocol.connectionLost(reason);
  }
}

interface FakeAttempt {
  readonly factory: IProtocolFactory;
  readonly resolve: (p: IProtocol) => void;
  readonly reject: (e: unknown) => void;
  cancelled: boolean;
}

/** An endpoint whose attempts the test completes by hand. */
class FakeEndpoint implements IStreamClientEndpoint {
  attempts: FakeAttempt[] = [];
  connect(factory: IProtocolFactory): Cancellable<IProtocol> {
    let attempt!: FakeAttempt;
    const p = new Promise<IProtocol>((resolve, reject) => {
      attempt = { factory, resolve, reject, cancelled: false };
    }) as Cancellable<IProtocol>;
    p.cancel = () => {
      attempt.cancelled = true;
      attempt.reject(new Error('connect cancelled'));
    };
    this.attempts.push(attempt);
    return p;
  }
  describe(): string {
    return 'fake:endpoint';
  }
  get last(): FakeAttempt {
    const a = this.attempts.at(-1);
    assert.ok(a, 'no connection attempt was made');
    return a;
  }
  /** Completes the latest attempt: builds the protocol through the given factory, connects it, resolves. */
  succeed(): { proxy: IProtocol; transport: FakeTransport } {
    const a = this.last;
    const proxy = a.factory.buildProtocol(ADDR);
    assert.ok(proxy);
    const transport = new FakeTransport(proxy);
    proxy.makeConnection(transport);
    a.resolve(proxy);
    return { proxy, transport };
  }
  fail(error: Error): void {
    this.last.reject(error);
  }
}

function setup(options: { retryPolicy?: RetryPolicy; prepareConnection?: (p: AppProtocol) => unknown } = {}) {
  const endpoint = new FakeEndpoint();
  const factory = new AppFactory();
  const clock = new FakeClock();
  const service = new ClientService<AppProtocol>(endpoint, factory, {
    clock,
    retryPolicy: options.retryPolicy ?? ((n) => n * 10),
    ...(options.prepareConnection ? { prepareConnection: options.prepareConnection } : {}),
  });
  return { endpoint, factory, clock, service };
}

/** Marks a promise as handled now (its rejection is inspected later with stateOf). */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** The state of a promise after letting callbacks run. */
async function stateOf<T>(p: Promise<T>): Promise<{ state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown }> {
  let result: { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } = { state: 'pending' };
  p.then(
    (value) => (result = { state: 'resolved', value }),
    (error: unknown) => (result = { state: 'rejected', error }),
  );
  await settle();
  return result;
}

test('#37 start makes exactly one attempt; a duplicate start logs a warning and makes none', async () => {
  const logs = captureLogs();
  try {
    const { endpoint, service } = setup();
    assert.equal(endpoint.attempts.length, 0, 'nothing before start');
    service.startService();
    assert.equal(service.running, true);
    assert.equal(endpoint.attempts.length, 1);
    service.startService();
    assert.equal(endpoint.attempts.length, 1);
    const warnings = logs.events.filter((e) => e.level === 'warn' && /Duplicate ClientService\.startService/.test(e.message));
    assert.equal(warnings.length, 1);
  } finally {
    logs.stop();
  }
});

test('#38 whenConnected resolves every waiter with the same application protocol, immediately once connected', async () => {
  const { endpoint, factory, service } = setup();
  const early = service.whenConnected(); // before start: waits
  service.startService();
  const a = service.whenConnected();
  const b = service.whenConnected();
  assert.equal((await stateOf(a)).state, 'pending');
  const { proxy } = endpoint.succeed();
  const [pe, pa, pb] = await Promise.all([early, a, b]);
  const app = factory.built[0]!;
  assert.ok(pa instanceof AppProtocol);
  assert.equal(pa, app, 'the application protocol, not the proxy');
  assert.notEqual(pa, proxy);
  assert.equal(pb, app);
  assert.equal(pe, app);
  const later = await stateOf(service.whenConnected());
  assert.ok(later.state === 'resolved' && later.value === app, 'once connected: resolves at once with the application protocol');
  // The proxy forwards everything else to the application protocol.
  assert.equal((proxy as AppProtocol).hello(), 'hello from the app protocol');
  assert.equal(proxy.transport, app.transport);
  proxy.dataReceived(Buffer.from('x'));
  assert.equal(app.received.length, 1);
});

test('#39 whenConnected({ failAfterFailures }) rejects with the n-th consecutive failure; others keep waiting', async () => {
  const { endpoint, clock, service } = setup();
  service.startService();
  const one = handled(service.whenConnected({ failAfterFailures: 1 }));
  const two = handled(service.whenConnected({ failAfterFailures: 2 }));
  const forever = service.whenConnected();
  const first = new Error('refused 1');
  endpoint.fail(first);
  assert.deepEqual(await stateOf(one), { state: 'rejected', error: first });
  assert.equal((await stateOf(two)).state, 'pending');
  clock.advance(10);
  assert.equal(endpoint.attempts.length, 2);
  const second = new Error('refused 2');
  endpoint.fail(second);
  assert.deepEqual(await stateOf(two), { state: 'rejected', error: second });
  assert.equal((await stateOf(forever)).state, 'pending');
  clock.advance(20);
  endpoint.succeed();
  assert.equal((await stateOf(forever)).state, 'resolved');
});

test('#40 after a connect failure or a connection loss it retries after retryPolicy(failedAttempts) seconds', async () => {
  const asked: number[] = [];
  const { endpoint, clock, service } = setup({ retryPolicy: (n) => (asked.push(n), n * 10) });
  service.startService();
  endpoint.fail(new Error('refused'));
  await settle();
  assert.deepEqual(asked, [1]);
  assert.deepEqual(clock.pending.map((p) => p.delay), [10]);
  clock.advance(9.999);
  assert.equal(endpoint.attempts.length, 1);
  clock.advance(0.001);
  assert.equal(endpoint.attempts.length, 2);
  endpoint.fail(new Error('refused again'));
  await settle();
  assert.deepEqual(asked, [1, 2]);
  assert.deepEqual(clock.pending.map((p) => p.delay), [20]);
  clock.advance(20);
  const { transport } = endpoint.succeed();
  await settle();
  assert.equal(service.failedAttempts, 0, 'a successful connection resets the count');
  // Connection loss: the app protocol hears about it, then a retry with attempt 1.
  transport.drop(new Error('reset'));
  await settle();
  assert.deepEqual(asked, [1, 2, 1]);
  assert.equal(endpoint.attempts.length, 3, 'no attempt before the retry delay');
  clock.advance(10);
  assert.equal(endpoint.attempts.length, 4);
});

test('#40 the application protocol sees connectionLost before the reconnect is scheduled', async () => {
  const { endpoint, factory, clock, service } = setup();
  service.startService();
  const { transport } = endpoint.succeed();
  await settle();
  const reason = new Error('reset');
  transport.drop(reason);
  assert.deepEqual(factory.built[0]!.lost, [reason]);
  assert.equal(clock.pending.length, 1);
});

test('#41 prepareConnection runs on every connection and a returned Promise delays whenConnected', async () => {
  const gate = deferred();
  const prepared: AppProtocol[] = [];
  const { endpoint, factory, clock, service } = setup({
    prepareConnection: (p) => {
      prepared.push(p);
      return prepared.length === 1 ? gate.promise : undefined;
    },
  });
  service.startService();
  const waiting = service.whenConnected();
  const { transport } = endpoint.succeed();
  await settle();
  assert.deepEqual(prepared, [factory.built[0]]);
  assert.equal((await stateOf(waiting)).state, 'pending', 'waits for prepareConnection');
  gate.resolve();
  assert.equal(await waiting, factory.built[0]);
  // Second connection: prepareConnection runs again.
  transport.drop();
  clock.advance(10);
  endpoint.succeed();
  assert.equal(await service.whenConnected(), factory.built[1]);
  assert.deepEqual(prepared, factory.built);
});

test('#41 a throwing prepareConnection counts as a failed attempt (and the connection is closed)', async () => {
  const boom = new Error('auth failed');
  let calls = 0;
  const { endpoint, factory, clock, service } = setup({
    prepareConnection: () => {
      calls++;
      if (calls === 1) throw boom;
      return Promise.resolve('ignored value');
    },
  });
  service.startService();
  const failing = handled(service.whenConnected({ failAfterFailures: 1 }));
  const patient = service.whenConnected();
  const { transport } = endpoint.succeed();
  assert.deepEqual(await stateOf(failing), { state: 'rejected', error: boom });
  assert.equal(service.failedAttempts, 1);
  assert.equal(transport.closes, 1, 'the rejected connection is closed');
  transport.drop();
  assert.equal(clock.pending.length, 1, 'only the retry is pending');
  clock.advance(10);
  endpoint.succeed();
  assert.equal(await patient, factory.built[1]);
});

test('#42 stop while connected closes the transport and resolves after connectionLost; waiters then are cancelled', async () => {
  const { endpoint, service } = setup();
  service.startService();
  const { transport } = endpoint.succeed();
  await service.whenConnected();
  const stopping = service.stopService();
  assert.equal(service.running, false);
  assert.equal(transport.closes, 1);
  const duringStop = handled(service.whenConnected());
  assert.equal((await stateOf(stopping)).state, 'pending');
  const second = service.stopService(); // a repeated stop waits for the same end
  transport.drop();
  assert.equal((await stateOf(stopping)).state, 'resolved');
  assert.equal((await stateOf(second)).state, 'resolved');
  const r = await stateOf(duringStop);
  assert.ok(r.state === 'rejected' && r.error instanceof CancelledError);
});

test('#42 stop while connecting cancels the attempt and rejects pending waiters with CancelledError', async () => {
  const { endpoint, clock, service } = setup();
  service.startService();
  const waiter = handled(service.whenConnected());
  const stopping = service.stopService();
  assert.equal(endpoint.last.cancelled, true);
  await stopping;
  const r = await stateOf(waiter);
  assert.ok(r.state === 'rejected' && r.error instanceof CancelledError, 'waiter cancelled');
  assert.equal((r.error as CancelledError).code, 'tacd.client.cancelled');
  assert.equal(clock.pending.length, 0, 'no retry after a stop');
  const after = await stateOf(service.whenConnected());
  assert.ok(after.state === 'rejected' && after.error instanceof CancelledError, 'whenConnected when stopped rejects');
});

test('#42 stop while waiting to retry cancels the timer and resolves at once', async () => {
  const { endpoint, clock, service } = setup();
  service.startService();
  const waiter = handled(service.whenConnected());
  endpoint.fail(new Error('refused'));
  await settle();
  assert.equal(clock.pending.length, 1);
  const stopped = await stateOf(service.stopService());
  assert.equal(stopped.state, 'resolved');
  assert.equal(clock.pending.length, 0);
  clock.advance(60);
  assert.equal(endpoint.attempts.length, 1);
  const r = await stateOf(waiter);
  assert.ok(r.state === 'rejected' && r.error instanceof CancelledError);
});

test('#42 stop before start resolves at once', async () => {
  const { endpoint, service } = setup();
  assert.equal((await stateOf(service.stopService())).state, 'resolved');
  assert.equal(endpoint.attempts.length, 0);
});

test('#42 stop while prepareConnection is pending closes that connection and resolves after it is lost', async () => {
  const gate = deferred();
  const { endpoint, service } = setup({ prepareConnection: () => gate.promise });
  service.startService();
  const { transport } = endpoint.succeed();
  await settle();
  const stopping = service.stopService();
  assert.equal(transport.closes, 1);
  transport.drop();
  assert.equal((await stateOf(stopping)).state, 'resolved');
  gate.resolve();
  await settle();
  assert.equal(transport.closes, 1, 'nothing more happens when prepareConnection finishes late');
});

test('#43 start while stopping waits for the disconnect, then reconnects', async () => {
  const { endpoint, factory, service } = setup();
  service.startService();
  const { transport } = endpoint.succeed();
  await service.whenConnected();
  const stopping = service.stopService();
  service.startService();
  assert.equal(service.running, true);
  assert.equal(endpoint.attempts.length, 1, 'no new attempt before the old connection is gone');
  const next = service.whenConnected();
  transport.drop();
  assert.equal((await stateOf(stopping)).state, 'resolved', 'the stop completes when the old connection is lost');
  assert.equal(endpoint.attempts.length, 2, 'then a new attempt starts');
  endpoint.succeed();
  assert.equal(await next, factory.built[1]);
});

test('#43 start while stopping a pending attempt waits for the cancellation, then reconnects', async () => {
  const { endpoint, service } = setup();
  service.startService();
  const stopping = service.stopService();
  service.startService();
  await stopping;
  assert.equal(endpoint.attempts.length, 2);
  assert.equal(endpoint.attempts[0]!.cancelled, true);
});

test('ClientService takes Twisted\'s positional (endpoint, factory, retryPolicy, clock, prepareConnection); whenConnected(n) is failAfterFailures', async () => {
  const endpoint = new FakeEndpoint();
  const clock = new FakeClock();
  const asked: number[] = [];
  const prepared: IProtocol[] = [];
  const service = new ClientService<AppProtocol>(
    endpoint,
    new AppFactory(),
    (n) => (asked.push(n), 3),
    clock,
    (p) => void prepared.push(p),
  );
  service.startService();
  const first = handled(service.whenConnected(1));
  const error = new Error('refused');
  endpoint.fail(error);
  assert.deepEqual(await stateOf(first), { state: 'rejected', error }, 'whenConnected(1) rejects with the first failure');
  assert.deepEqual(asked, [1], 'the positional retryPolicy is used');
  assert.deepEqual(clock.pending.map((p) => p.delay), [3], 'on the positional clock');
  clock.advance(3);
  const app = service.whenConnected(null);
  const { transport } = endpoint.succeed();
  await settle();
  assert.equal(prepared.length, 1, 'the positional prepareConnection runs');
  assert.equal(await app, prepared[0]);
  const stopped = service.stopService();
  transport.drop();
  await stopped;

  // Only a function: the retry policy (the common Python call ClientService(ep, f, retryPolicy=...)).
  const e2 = new FakeEndpoint();
  const s2 = new ClientService(e2, new AppFactory(), () => 0.5);
  s2.startService();
  e2.fail(new Error('refused'));
  await settle();
  await s2.stopService();
});

test('ClientService and whenConnected refuse arguments of an unexpected type, naming them', () => {
  const ep = new FakeEndpoint();
  const f = new AppFactory();
  const named = (param: RegExp) => (e: unknown): boolean => e instanceof TypeError && param.test(e.message);
  assert.throws(() => new ClientService(ep, f, 5 as never), named(/retryPolicy/));
  assert.throws(() => new ClientService(ep, f, null, {} as never), named(/clock/));
  assert.throws(() => new ClientService(ep, f, null, null, 'x' as never), named(/prepareConnection/));
  assert.throws(() => new ClientService(ep, f, { retrypolicy: () => 1 } as never), named(/retrypolicy/));
  assert.throws(() => new ClientService('tcp:localhost:80' as never, f), named(/endpoint/));
  assert.throws(() => new ClientService(ep, AppProtocol as never), named(/factory/));
  const service = new ClientService(ep, f, { clock: new FakeClock() });
  assert.throws(() => service.whenConnected('1' as never), named(/failAfterFailures/));
  assert.throws(() => service.whenConnected({ failAfter: 1 } as never), named(/failAfter/));
});

test('#44 backoffPolicy(1, 60, 1.5, () => 1): 2, 2.5, 58.665..., 61, 61', () => {
  const pol = backoffPolicy({ initialDelay: 1, maxDelay: 60, factor: 1.5, jitter: () => 1 });
  assert.equal(pol(0), 2);
  assert.equal(pol(1), 2.5);
  assert.equal(pol(10), 58.6650390625);
  assert.equal(pol(20), 61);
  assert.equal(pol(1751), 61);
  assert.equal(pol(1e6), 61);
  const noisy = backoffPolicy();
  for (let i = 0; i < 20; i++) {
    const d = noisy(1);
    assert.ok(d >= 1.5 && d < 2.5, `default policy: 1.5 s + jitter in [0, 1), got ${d}`);
  }
  const huge = backoffPolicy({ initialDelay: 1e308, factor: 10, maxDelay: 5, jitter: () => 0 });
  assert.equal(huge(100), 5, 'overflow is capped at maxDelay');
});

test('#44 backoffPolicy takes Twisted\'s positional form (initialDelay, maxDelay, factor, jitter)', () => {
  const pol = backoffPolicy(1, 60, 1.5, () => 1);
  assert.equal(pol(0), 2);
  assert.equal(pol(1), 2.5);
  assert.equal(pol(10), 58.6650390625);
  assert.equal(pol(20), 61);
  assert.equal(pol(1e6), 61);
  // Fewer positional arguments keep the later defaults; null is Python's None.
  assert.equal(backoffPolicy(2, null, 2, () => 0)(3), 16);
  const capped = backoffPolicy(10, 5)(1);
  assert.ok(capped >= 5 && capped < 6, `maxDelay 5 + default jitter, got ${capped}`);
  // Wrong types are refused, naming the parameter, never ignored.
  assert.throws(() => backoffPolicy('1' as unknown as number), (e: unknown) => e instanceof TypeError && /initialDelay/.test(e.message));
  assert.throws(() => backoffPolicy(1, 60, 1.5, 1 as unknown as () => number), (e: unknown) => e instanceof TypeError && /jitter/.test(e.message));
  assert.throws(() => backoffPolicy({ maxdelay: 5 } as never), (e: unknown) => e instanceof TypeError && /maxdelay/.test(e.message));
});

// A minimal TCP client endpoint over node:net (the network engineer's endpoints may replace it).
class TcpClientEndpoint implements IStreamClientEndpoint {
  readonly port: number;
  constructor(port: number) {
    this.port = port;
  }
  describe(): string {
    return `tcp:127.0.0.1:${this.port}`;
  }
  connect(factory: IProtocolFactory): Cancellable<IProtocol> {
    const socket = net.connect({ host: '127.0.0.1', port: this.port });
    const p = new Promise<IProtocol>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const proto = factory.buildProtocol({ type: 'TCP', host: '127.0.0.1', port: this.port });
        if (!proto) return reject(new Error('no protocol'));
        const transport: ITransport = {
          write: (d) => void socket.write(d),
          writeSequence: (ds) => {
            for (const d of ds) socket.write(d);
          },
          loseConnection: () => void socket.end(),
          abortConnection: () => void socket.destroy(),
          getPeer: () => ({ type: 'TCP', host: '127.0.0.1', port: this.port }),
          getHost: () => ({ type: 'TCP', host: '127.0.0.1', port: socket.localPort ?? 0 }),
        };
        socket.on('data', (d: Buffer) => proto.dataReceived(d));
        socket.on('error', () => {});
        socket.once('close', (hadError) => proto.connectionLost(hadError ? new Error('connection reset') : null));
        proto.makeConnection(transport);
        resolve(proto);
      });
    }) as Cancellable<IProtocol>;
    p.cancel = () => socket.destroy(new Error('connect cancelled'));
    return p;
  }
}

test('#38 #40 #42 ClientService over a real TCP socket on 127.0.0.1: connect, talk, reconnect after loss, stop', async () => {
  const serverSockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    serverSockets.push(s);
    s.on('data', (d) => s.write(`echo:${d.toString()}`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const factory = new AppFactory();
  const service = new ClientService<AppProtocol>(new TcpClientEndpoint(port), factory, { retryPolicy: () => 0.01 });
  try {
    service.startService();
    const proto = await service.whenConnected();
    assert.equal(proto, factory.built[0]);
    proto.transport!.write('ping');
    while (proto.received.length === 0) await settle(1);
    assert.equal(Buffer.concat(proto.received).toString(), 'echo:ping');

    // The server drops the connection: the service reconnects by itself.
    serverSockets[0]!.destroy();
    while (factory.built.length < 2) await new Promise((r) => setTimeout(r, 5));
    const second = await service.whenConnected();
    assert.equal(second, factory.built[1]);
    assert.equal(proto.lost.length, 1, 'the first protocol saw connectionLost');

    // Stop: closes the connection and resolves after connectionLost.
    await service.stopService();
    assert.equal(second.lost.length, 1);
    await assert.rejects(service.whenConnected(), CancelledError);
  } finally {
    await service.stopService();
    for (const s of serverSockets) s.destroy();
    server.close();
    await once(server, 'close');
  }
});

test('#39 #40 over real TCP: refused attempts fail whenConnected({ failAfterFailures: 1 }), then it connects once the server is up (with the Protocol/Factory classes)', async () => {
  // Find a free port, then leave it closed so the first attempts are refused.
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as net.AddressInfo).port;
  probe.close();
  await once(probe, 'close');

  class Greeter extends Protocol {
    got = '';
    override dataReceived(data: Buffer): void {
      this.got += data.toString();
    }
  }
  const factory = new Factory(Greeter);
  const service = new ClientService<Greeter>(new TcpClientEndpoint(port), factory, { retryPolicy: () => 0.02 });
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    accepted.push(s);
    s.write('welcome\n');
  });
  try {
    service.startService();
    await assert.rejects(service.whenConnected({ failAfterFailures: 1 }), (e: unknown) => (e as { code?: string }).code === 'ECONNREFUSED');
    const connected = service.whenConnected();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const proto = await connected;
    assert.ok(proto instanceof Greeter);
    assert.equal(proto.factory, factory);
    while (!proto.got.includes('\n')) await new Promise((r) => setTimeout(r, 5));
    assert.equal(proto.got, 'welcome\n');
    assert.equal(service.failedAttempts, 0);
  } finally {
    await service.stopService();
    for (const s of accepted) s.destroy();
    server.close();
  }
});

test('a retryPolicy that throws or returns a bad delay is logged and falls back to 60 seconds', async () => {
  const logs = captureLogs();
  try {
    let calls = 0;
    const { endpoint, clock, service } = setup({
      retryPolicy: () => {
        calls++;
        if (calls === 1) throw new Error('policy bug');
        return Number.NaN;
      },
    });
    service.startService();
    endpoint.fail(new Error('refused'));
    await settle();
    assert.deepEqual(clock.pending.map((p) => p.delay), [60]);
    clock.advance(60);
    endpoint.fail(new Error('refused'));
    await settle();
    assert.deepEqual(clock.pending.map((p) => p.delay), [60]);
    assert.equal(logs.events.filter((e) => e.level === 'error' && /retryPolicy/.test(e.message)).length, 2);
    await service.stopService();
  } finally {
    logs.stop();
  }
});

test('#38 #42 #43 ClientService with clientFromString("tcp:...") and a LineReceiver: lines, stop, restart', async () => {
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    accepted.push(s);
    s.on('data', (d) => s.write(d.toString().toUpperCase()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  class Shouter extends LineReceiver {
    lines: string[] = [];
    override lineReceived(line: string): void {
      this.lines.push(line);
    }
  }
  const service = new ClientService<Shouter>(clientFromString(`tcp:host=127.0.0.1:port=${port}`), new Factory(Shouter), { retryPolicy: () => 0.01 });
  try {
    service.startService();
    const first = await service.whenConnected();
    first.sendLine('hello');
    while (first.lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(first.lines, ['HELLO']);

    // Stop and start again at once: the restart waits for the close, then reconnects.
    const stopping = service.stopService();
    service.startService();
    await stopping;
    assert.equal(first.connected, false, 'the first connection is closed');
    const second = await service.whenConnected();
    assert.notEqual(second, first);
    second.sendLine('again');
    while (second.lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(second.lines, ['AGAIN']);
    await service.stopService();
    assert.equal(second.connected, false);
  } finally {
    await service.stopService();
    for (const s of accepted) s.destroy();
    server.close();
    await once(server, 'close');
  }
});
