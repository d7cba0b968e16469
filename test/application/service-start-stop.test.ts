// The service tree when starts and stops overlap or fail: a stop ends a start
// in progress (nothing keeps starting after the tree stopped), a child whose
// start throws stays parented, and start Promises are safe to ignore (a
// failure nobody awaits is logged once, never an unhandled rejection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Service, type IService } from '../../src/application/service.js';
import { MultiService } from '../../src/application/multi-service.js';
import { Application } from '../../src/application/application.js';
import { TCPServer } from '../../src/application/internet/servers.js';
import { captureLogs, deferred, settle } from './helpers.js';
import { echoFactory } from './internet/net-helpers.js';

/** A service whose start takes until `gate` resolves; records its calls. */
class Slow extends Service {
  readonly gate = deferred();
  readonly calls: string[];
  constructor(calls: string[], name: string) {
    super();
    this.calls = calls;
    this.setName(name);
  }
  override startService(): Promise<void> {
    this.calls.push(`start ${this.name}`);
    super.startService();
    return this.gate.promise;
  }
  override stopService(): void {
    this.calls.push(`stop ${this.name}`);
    super.stopService();
  }
}

/** Records start/stop calls. */
class Recorder extends Service {
  readonly calls: string[];
  constructor(calls: string[], name: string) {
    super();
    this.calls = calls;
    this.setName(name);
  }
  override privilegedStartService(): void {
    this.calls.push(`privileged ${this.name}`);
  }
  override startService(): void {
    this.calls.push(`start ${this.name}`);
    super.startService();
  }
  override stopService(): void {
    this.calls.push(`stop ${this.name}`);
    super.stopService();
  }
}

function running(root: IService & Iterable<IService>): string[] {
  const out: string[] = [];
  const walk = (s: IService): void => {
    if (s.running) out.push(s.name ?? s.constructor.name);
    if (Symbol.iterator in s) for (const c of s as unknown as Iterable<IService>) walk(c);
  };
  walk(root);
  return out;
}

test('a stop during a start: later children are never started, and after the stop nothing runs and no port is open', async () => {
  const calls: string[] = [];
  const m = new MultiService();
  const slow = new Slow(calls, 'slow');
  slow.setServiceParent(m);
  new Recorder(calls, 'b').setServiceParent(m);
  const tcp = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  tcp.setName('tcp');
  tcp.setServiceParent(m);

  try {
    await interruptedStart(m, slow, tcp, calls);
  } finally {
    await m.stopService();
    await tcp.stopService(); // in case the tree lost track of it
  }
});

async function interruptedStart(m: MultiService, slow: Slow, tcp: TCPServer, calls: string[]): Promise<void> {
  const starting = m.startService();
  let stopped = false;
  const stopping = m.stopService().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, 'the stop waits for the child that is still starting');
  slow.gate.resolve();
  await stopping;
  assert.deepEqual(running(m), []);
  assert.equal(tcp.port, null);
  await starting; // the interrupted start resolves
  await settle();
  assert.deepEqual(running(m), [], 'still nothing running once the start has settled');
  assert.equal(tcp.port, null, 'the TCPServer never bound');
  assert.deepEqual(calls, ['start slow', 'stop b', 'stop slow'], 'b was stopped (Twisted stops every child) but never started');

  // The tree starts normally afterwards.
  await m.startService();
  assert.deepEqual(running(m).sort(), ['MultiService', 'b', 'slow', 'tcp']);
  assert.notEqual(tcp.port, null);
  await m.stopService();
  assert.equal(tcp.port, null);
}

test('a child that finishes starting after the stop began (and comes up running) is stopped again', async () => {
  const calls: string[] = [];
  const gate = deferred();
  class LateRunner extends Service {
    override async startService(): Promise<void> {
      calls.push('start');
      await gate.promise;
      super.startService(); // running only once started
    }
    override stopService(): void {
      calls.push(`stop (running: ${this.running})`);
      super.stopService();
    }
  }
  const m = new MultiService();
  const late = new LateRunner();
  late.setServiceParent(m);
  const starting = m.startService();
  const stopping = m.stopService();
  gate.resolve();
  await stopping;
  assert.equal(late.running, false);
  assert.deepEqual(calls, ['start', 'stop (running: false)', 'stop (running: true)']);
  await starting;
});

test('a stop during a privileged start: later children are not privileged-started and no port opens', async () => {
  const calls: string[] = [];
  const gate = deferred();
  class SlowPrivileged extends Service {
    override privilegedStartService(): Promise<void> {
      calls.push('privileged slow');
      return gate.promise;
    }
  }
  const m = new MultiService();
  new SlowPrivileged().setServiceParent(m);
  new Recorder(calls, 'r').setServiceParent(m);
  const tcp = new TCPServer(0, echoFactory(), { interface: '127.0.0.1' });
  tcp.setServiceParent(m);
  try {
    const privileged = m.privilegedStartService();
    const stopping = m.stopService();
    gate.resolve();
    await stopping;
    await privileged;
    await settle();
    assert.deepEqual(calls, ['privileged slow', 'stop r']);
    assert.equal(tcp.port, null);
  } finally {
    await tcp.stopService();
  }
});

test('a stop of the outer tree ends the start of a nested MultiService too', async () => {
  const calls: string[] = [];
  const outer = new MultiService();
  const inner = new MultiService();
  inner.setServiceParent(outer);
  const slow = new Slow(calls, 'slow');
  slow.setServiceParent(inner);
  new Recorder(calls, 'after').setServiceParent(inner);
  const starting = outer.startService();
  const stopping = outer.stopService();
  slow.gate.resolve();
  await stopping;
  await starting;
  await settle();
  assert.deepEqual(running(outer), []);
  assert.ok(!calls.includes('start after'), `'after' must not start: ${calls.join(', ')}`);
});

test('a child whose startService throws when added to a running parent stays listed and parented, so it can be disowned', async () => {
  class Broken extends Service {
    override startService(): void {
      super.startService();
      throw new Error('start boom');
    }
  }
  const p = new MultiService();
  await p.startService();
  const bad = new Broken();
  assert.throws(() => bad.setServiceParent(p), /start boom/);
  assert.equal(bad.parent, p, 'parented, as in Twisted');
  assert.deepEqual([...p], [bad]);
  bad.disownServiceParent();
  assert.equal(bad.parent, null);
  assert.deepEqual([...p], []);
  assert.equal(bad.running, false, 'disowning from a running parent stopped it');
  await p.stopService();
});

/** Collects unhandled rejections while `fn` runs (and a few turns after). */
async function unhandledDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    await fn();
    await settle(5);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return seen;
}

async function busyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('ignoring the Promise of setServiceParent on a running app (Twisted\'s idiom) logs a failed bind once and never rejects unhandled', async () => {
  const busy = await busyPort();
  const logs = captureLogs();
  const app = new Application('app');
  try {
    await app.startService();
    const unhandled = await unhandledDuring(async () => {
      const server = new TCPServer(busy.port, echoFactory(), 50, '127.0.0.1');
      server.setName('web');
      server.setServiceParent(app); // result ignored
      await new Promise((r) => setTimeout(r, 50));
    });
    assert.deepEqual(unhandled, []);
    const failures = logs.events.filter((e) => e.level === 'error' && /failed to start/.test(e.message));
    assert.equal(failures.length, 1, failures.map((e) => e.message).join(' | '));
    assert.match(failures[0]!.message, /TCPServer 'web' failed to start/);
    assert.match(String((failures[0]!.error as Error).message), /address already in use/);
  } finally {
    logs.stop();
    await app.stopService();
    await busy.close();
  }
});

test('a bare m.startService() whose child fails to bind logs once, naming the child; an awaited start rejects and logs nothing', async () => {
  const busy = await busyPort();
  const logs = captureLogs();
  try {
    const m = new MultiService();
    const inner = new MultiService();
    inner.setServiceParent(m);
    const server = new TCPServer(busy.port, echoFactory(), { interface: '127.0.0.1' });
    server.setName('api');
    server.setServiceParent(inner);
    const unhandled = await unhandledDuring(async () => {
      void m.startService();
      await new Promise((r) => setTimeout(r, 50));
    });
    assert.deepEqual(unhandled, []);
    const failures = logs.events.filter((e) => e.level === 'error' && /failed to start/.test(e.message));
    assert.deepEqual(
      failures.map((e) => e.message),
      ["TCPServer 'api' failed to start"],
      'one line, for the innermost service that failed',
    );
    await m.stopService();

    logs.events.length = 0;
    await assert.rejects(m.startService(), /address already in use/);
    await assert.rejects(Promise.race([m.privilegedStartService()]), /address already in use/);
    await settle(3);
    assert.deepEqual(logs.events.filter((e) => /failed to start/.test(e.message)), [], 'whoever awaits the start reports it');
    await m.stopService();
  } finally {
    logs.stop();
    await busy.close();
  }
});
