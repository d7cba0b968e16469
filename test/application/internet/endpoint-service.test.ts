// StreamServerEndpointService and strports.service: checklist items 32-36
// (tI = twisted/application/test/test_internet.py, tP = test_strports.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { StreamServerEndpointService } from '../../../src/application/internet/endpoint-service.js';
import * as strports from '../../../src/application/strports.js';
import { TCP4ServerEndpoint } from '../../../src/application/endpoints/endpoints.js';
import { CannotListenError } from '../../../src/application/internet/errors.js';
import { cancellable } from '../../../src/application/internet/cancellable.js';
import type { IListeningPort, IProtocolFactory, IStreamServerEndpoint } from '../../../src/application/interfaces.js';
import { globalLogPublisher, type LogEvent } from '../../../src/application/logger/logger.js';
import { MultiService } from '../../../src/application/multi-service.js';
import { echoFactory, roundTrip, connectOutcome } from './net-helpers.js';

/** An endpoint whose listen outcome the test controls (tI's FakeServer). */
class FakeEndpoint implements IStreamServerEndpoint {
  listenCalls: IProtocolFactory[] = [];
  resolve: ((p: IListeningPort) => void) | null = null;
  reject: ((e: unknown) => void) | null = null;
  cancelled = 0;
  failWithOnCancel: Error | null = null;
  immediate: { port?: IListeningPort; error?: Error } | null = null;
  listen(factory: IProtocolFactory): Promise<IListeningPort> {
    this.listenCalls.push(factory);
    if (this.immediate?.error) return Promise.reject(this.immediate.error);
    if (this.immediate?.port) return Promise.resolve(this.immediate.port);
    return cancellable<IListeningPort>('fake listen', (resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      return () => {
        this.cancelled += 1;
      };
    });
  }
  describe(): string {
    return 'fake:1';
  }
}

class FakePort implements IListeningPort {
  stopped = 0;
  release: (() => void) | null = null;
  private readonly slow: boolean;
  constructor(slow = false) {
    this.slow = slow;
  }
  stopListening(): Promise<void> {
    this.stopped += 1;
    if (!this.slow) return Promise.resolve();
    return new Promise((r) => {
      this.release = r;
    });
  }
  getHost() {
    return { type: 'TCP' as const, host: '127.0.0.1', port: 1 };
  }
}

/** Captures the events logged while `fn` runs (through a fresh observer on the global publisher). */
async function captureLogs(fn: () => Promise<void>): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  const observer = (e: LogEvent): void => {
    events.push(e);
  };
  globalLogPublisher.addObserver(observer);
  try {
    await fn();
  } finally {
    globalLogPublisher.removeObserver(observer);
  }
  return events;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('item 32: privilegedStartService calls endpoint.listen(factory) once; startService afterwards does not listen again', async () => {
  const ep = new FakeEndpoint();
  ep.immediate = { port: new FakePort() };
  const factory = echoFactory();
  const svc = new StreamServerEndpointService(ep, factory);
  await svc.privilegedStartService();
  assert.deepEqual(ep.listenCalls, [factory]);
  assert.equal(svc.running, false);
  await svc.startService();
  assert.equal(svc.running, true);
  assert.equal(ep.listenCalls.length, 1);
  await svc.stopService();
  // startService alone listens.
  const ep2 = new FakeEndpoint();
  ep2.immediate = { port: new FakePort() };
  const svc2 = new StreamServerEndpointService(ep2, factory);
  await svc2.startService();
  assert.equal(ep2.listenCalls.length, 1);
  await svc2.stopService();
});

test('item 33: listen failures are logged, not thrown (immediate and later failures) (tI test_failReportsError, test_asynchronousFailReportsError)', async () => {
  const boom = new Error('bind exploded');
  const ep = new FakeEndpoint();
  ep.immediate = { error: boom };
  const svc = new StreamServerEndpointService(ep, echoFactory());
  const events = await captureLogs(async () => {
    await svc.privilegedStartService();
  });
  const failures = events.filter((e) => e.error === boom);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.message, 'Error listening on fake:1');

  const later = new FakeEndpoint();
  const svc2 = new StreamServerEndpointService(later, echoFactory());
  const events2 = await captureLogs(async () => {
    const started = svc2.startService();
    await tick();
    later.reject!(boom);
    await started;
  });
  assert.equal(events2.filter((e) => e.error === boom).length, 1);
  assert.equal(svc2.running, true);
});

test('item 33: with raiseSynchronously an immediate failure throws from privilegedStartService and from startService, once (tI test_synchronousRaise*)', async () => {
  const boom = new CannotListenError('tcp 127.0.0.1:1', 'address already in use');
  for (const method of ['privilegedStartService', 'startService'] as const) {
    const ep = new FakeEndpoint();
    ep.immediate = { error: boom };
    const svc = new StreamServerEndpointService(ep, echoFactory());
    svc.raiseSynchronously = true;
    const events = await captureLogs(async () => {
      await assert.rejects(Promise.resolve(svc[method]()), (e: unknown) => e === boom);
    });
    assert.equal(events.filter((e) => e.error === boom).length, 0, 'thrown, not logged');
    assert.equal(svc.raiseSynchronously, false, 'the flag is cleared after the first start');
  }
});

test('item 34: stopService resolves only after the port stopped listening, and running turns false only then (tI test_stopService)', async () => {
  const ep = new FakeEndpoint();
  const port = new FakePort(true);
  ep.immediate = { port };
  const svc = new StreamServerEndpointService(ep, echoFactory());
  await svc.startService();
  assert.equal(svc.port, port);
  let done = false;
  const stopping = svc.stopService().then(() => {
    done = true;
  });
  await tick();
  assert.equal(port.stopped, 1);
  assert.equal(done, false);
  assert.equal(svc.running, true, 'still running while the port closes');
  port.release!();
  await stopping;
  assert.equal(svc.running, false);
  assert.equal(svc.port, null);
});

test('item 35: stopping before the listen finished cancels it, resolves, and logs nothing for the cancellation (tI test_stopServiceBeforeStartFinished)', async () => {
  const ep = new FakeEndpoint();
  const svc = new StreamServerEndpointService(ep, echoFactory());
  const events = await captureLogs(async () => {
    const starting = svc.privilegedStartService();
    await tick();
    const result = await svc.stopService();
    assert.equal(result, undefined);
    await starting;
  });
  assert.equal(ep.cancelled, 1);
  assert.equal(events.filter((e) => e.level === 'error').length, 0);
  assert.equal(svc.running, false);
});

test('item 35: a port that opens after the stop was requested is closed at once', async () => {
  const port = new FakePort();
  const ep: IStreamServerEndpoint = {
    listen: () => new Promise((r) => setTimeout(() => r(port), 20)), // not cancellable: Node cannot abort a bind
    describe: () => 'slow:1',
  };
  const svc = new StreamServerEndpointService(ep, echoFactory());
  const starting = svc.privilegedStartService();
  await svc.stopService();
  await starting;
  assert.equal(port.stopped, 1);
  assert.equal(svc.port, null);
});

test('item 35: an error other than the cancellation while stopping is logged and the stop still resolves (tI test_stopServiceCancelStartError)', async () => {
  const other = new Error('listen failed while cancelling');
  // A listen whose promise, when cancelled, fails with another error.
  let rejectOuter!: (e: unknown) => void;
  const ep2: IStreamServerEndpoint = {
    listen: () => {
      const p = new Promise<IListeningPort>((_r, rej) => {
        rejectOuter = rej;
      }) as Promise<IListeningPort> & { cancel?: () => void };
      p.cancel = () => rejectOuter(other);
      return p;
    },
    describe: () => 'odd:2',
  };
  const svc = new StreamServerEndpointService(ep2, echoFactory());
  const events = await captureLogs(async () => {
    const starting = svc.privilegedStartService();
    await tick();
    await svc.stopService();
    await starting;
  });
  assert.equal(events.filter((e) => e.error === other).length, 1);
});

test('stopService before any start resolves at once (Twisted raises AttributeError; fixed deliberately)', async () => {
  const svc = new StreamServerEndpointService(new FakeEndpoint(), echoFactory());
  await svc.stopService();
  assert.equal(svc.running, false);
});

test('item 36: strports.service("tcp:1337", f) is an endpoint service with a TCP endpoint on 1337 and raiseSynchronously (tP test_service)', () => {
  const factory = echoFactory();
  const svc = strports.service('tcp:1337', factory);
  assert.ok(svc instanceof StreamServerEndpointService);
  assert.ok(svc.endpoint instanceof TCP4ServerEndpoint);
  assert.equal((svc.endpoint as TCP4ServerEndpoint).port, 1337);
  assert.equal(svc.factory, factory);
  assert.equal(svc.raiseSynchronously, true);
  assert.deepEqual(svc.toJSON(), { name: null, endpoint: 'tcp:1337' });
});

test('item 36: a strports service on a port in use fails startup with the address in the message; a free one serves and stops', async () => {
  const root = new MultiService();
  const first = strports.service('tcp:0:interface=127.0.0.1', echoFactory());
  first.setServiceParent(root);
  await root.privilegedStartService();
  await root.startService();
  const host = first.port!.getHost();
  const port = host.type === 'TCP' ? host.port : 0;
  assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'strports'), 'strports');

  const clash = strports.service(`tcp:${port}:interface=127.0.0.1`, echoFactory());
  await assert.rejects(Promise.resolve(clash.privilegedStartService()), (e: unknown) => {
    assert.ok(e instanceof CannotListenError);
    assert.equal(e.message, `cannot listen on tcp 127.0.0.1:${port}: address already in use`);
    return true;
  });
  await root.stopService();
  assert.equal(await connectOutcome({ port, host: '127.0.0.1' }), 'ECONNREFUSED');
});

test('after stopService, closeAllConnections still closes the connections the port accepted (the runner\'s shutdown step)', async () => {
  const svc = strports.service('tcp:0:interface=127.0.0.1', echoFactory());
  await svc.startService();
  const host = svc.port!.getHost();
  const port = host.type === 'TCP' ? host.port : 0;
  const c = net.connect({ port, host: '127.0.0.1' });
  c.on('error', () => {});
  await new Promise((r) => c.once('connect', r));
  c.write('x');
  await new Promise((r) => c.once('data', r));
  await svc.stopService();
  const closed = new Promise((r) => c.once('close', r));
  svc.closeAllConnections();
  await closed;
});

// The last call wins, as for TCPServer: a start after a stop whose listen is
// still pending listens again, and the stop leaves the new start alone.
test('StreamServerEndpointService start(); stop(); start() while the listen is pending ends running with exactly one port', async () => {
  const service = strports.service('tcp:0:interface=127.0.0.1', echoFactory()) as StreamServerEndpointService;
  await Promise.all([service.startService(), service.stopService(), service.startService()]);
  assert.equal(service.running, true);
  const port = service.port;
  assert.ok(port !== null, 'a port is listening');
  const address = port.getHost() as { port: number };
  assert.equal(await roundTrip({ port: address.port, host: '127.0.0.1' }, 'served'), 'served');
  await service.stopService();
  assert.equal(service.running, false);
  assert.equal(service.port, null);
  assert.equal(await connectOutcome({ port: address.port, host: '127.0.0.1' }), 'ECONNREFUSED', 'the port is closed');
});

test('StreamServerEndpointService start(); stop(); start(); stop() while pending ends stopped with no port', async () => {
  const service = strports.service('tcp:0:interface=127.0.0.1', echoFactory()) as StreamServerEndpointService;
  await Promise.all([service.startService(), service.stopService(), service.startService(), service.stopService()]);
  assert.equal(service.running, false);
  assert.equal(service.port, null);
});
