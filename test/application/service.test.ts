// The service tree: checklist items 1-17 and 19 of twisted-runtime.md §5
// (after twisted/test/test_application.py). Item 18 (loading a .tac) is the runner's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Service, ServiceError, type IService } from '../../src/application/service.js';
import { MultiService } from '../../src/application/multi-service.js';
import { Application, Process, SystemEventTriggers, startApplication } from '../../src/application/application.js';
import { TacError } from '../../src/core/errors.js';
import { captureLogs, deferred, settle } from './helpers.js';

test('#1 setName sets the name', () => {
  const s = new Service();
  assert.equal(s.name, null);
  s.setName('hello');
  assert.equal(s.name, 'hello');
});

test('#2 setServiceParent puts the child in the parent and sets child.parent', () => {
  const s = new Service();
  const p = new MultiService();
  s.setServiceParent(p);
  assert.deepEqual([...p], [s]);
  assert.equal(s.parent, p);
});

test('#3 an Application works as a parent; child.parent is the application', () => {
  const app = new Application('hello');
  const s = new Service();
  s.setServiceParent(app);
  assert.deepEqual([...app], [s]);
  assert.equal(s.parent, app);
});

test('#4 getServiceNamed returns the named child; a missing name throws', () => {
  const s = new Service();
  const p = new MultiService();
  s.setName('hello');
  s.setServiceParent(p);
  assert.equal(p.getServiceNamed('hello'), s);
  assert.throws(
    () => p.getServiceNamed('nope'),
    (e: unknown) => e instanceof ServiceError && e.code === 'tacd.service.notFound' && /'nope'/.test(e.message),
  );
});

test('#5 setName after parenting throws "cannot change name when parent exists"', () => {
  const s = new Service();
  const p = new MultiService();
  s.setName('hello');
  s.setServiceParent(p);
  assert.throws(
    () => s.setName('lala'),
    (e: unknown) =>
      e instanceof ServiceError && e instanceof TacError && e.code === 'tacd.service.nameAfterParent' && /cannot change name when parent exists/.test(e.message),
  );
  assert.equal(s.name, 'hello');
});

test('#6 adding a second child with the same name throws a ServiceError naming the name', () => {
  const p = new MultiService();
  const a = new Service();
  a.setName('hello');
  a.setServiceParent(p);
  const b = new Service();
  b.setName('hello');
  assert.throws(
    () => b.setServiceParent(p),
    (e: unknown) => e instanceof ServiceError && e.code === 'tacd.service.duplicateName' && /'hello'/.test(e.message),
  );
  assert.deepEqual([...p], [a]);
  assert.equal(p.getServiceNamed('hello'), a);
  assert.equal(b.parent, null, 'documented deviation: the rejected child is left without a parent');
});

test('#7 disownServiceParent removes the child and clears parent', () => {
  const s = new Service();
  const p = new MultiService();
  s.setName('hello');
  s.setServiceParent(p);
  assert.deepEqual([...p], [s]);
  s.disownServiceParent();
  assert.deepEqual([...p], []);
  assert.equal(s.parent, null);
  assert.throws(() => p.getServiceNamed('hello'), ServiceError);
});

test('#8 Service.running: false, startService → true, stopService → false', () => {
  const s = new Service();
  assert.equal(s.running, false);
  s.startService();
  assert.equal(s.running, true);
  s.stopService();
  assert.equal(s.running, false);
});

test('#9 MultiService start/stop start and stop all children and set both flags', async () => {
  const p = new MultiService();
  const s1 = new Service();
  const s2 = new Service();
  s1.setServiceParent(p);
  s2.setServiceParent(p);
  const started = p.startService();
  // Synchronous children are started before startService returns, as in Twisted.
  assert.deepEqual([p.running, s1.running, s2.running], [true, true, true]);
  await started;
  const stopped = p.stopService();
  assert.deepEqual([p.running, s1.running, s2.running], [false, false, false]);
  await stopped;
});

test('#10 children start in insertion order and stop in reverse (a later sibling sees the earlier one running)', async () => {
  const calls: string[] = [];
  class Watcher extends Service {
    readonly label: string;
    readonly sibling: IService | null;
    constructor(label: string, sibling: IService | null) {
      super();
      this.label = label;
      this.sibling = sibling;
    }
    override startService(): void {
      calls.push(`start ${this.label} (sibling running: ${this.sibling?.running ?? '-'})`);
      super.startService();
    }
    override stopService(): void {
      calls.push(`stop ${this.label} (sibling running: ${this.sibling?.running ?? '-'})`);
      super.stopService();
    }
  }
  const p = new MultiService();
  const first = new Watcher('first', null);
  const second = new Watcher('second', first);
  first.setServiceParent(p);
  second.setServiceParent(p);
  await p.startService();
  await p.stopService();
  assert.deepEqual(calls, [
    'start first (sibling running: -)',
    'start second (sibling running: true)',
    'stop second (sibling running: true)',
    'stop first (sibling running: -)',
  ]);
});

test('#11 adding into a running parent privileged-starts then starts the child; disowning stops it and returns its stop result', async () => {
  const calls: string[] = [];
  const stopped = deferred();
  class Child extends Service {
    override privilegedStartService(): void {
      calls.push('privileged');
    }
    override startService(): void {
      calls.push('start');
      super.startService();
    }
    override stopService(): Promise<void> {
      calls.push('stop');
      super.stopService();
      return stopped.promise;
    }
  }
  const p = new MultiService();
  await p.startService();
  const c = new Child();
  await c.setServiceParent(p);
  assert.deepEqual(calls, ['privileged', 'start']);
  assert.equal(c.running, true);
  const result = c.disownServiceParent();
  assert.deepEqual(calls, ['privileged', 'start', 'stop']);
  assert.equal(c.running, false);
  assert.equal(c.parent, null);
  let done = false;
  void Promise.resolve(result).then(() => (done = true));
  await settle();
  assert.equal(done, false, 'the disown result is the child stop Promise, still pending');
  stopped.resolve();
  await settle();
  assert.equal(done, true);
  // Not running: adding and disowning do not start or stop.
  await p.stopService();
  const d = new Child();
  calls.length = 0;
  d.setServiceParent(p);
  assert.equal(d.disownServiceParent(), undefined);
  assert.deepEqual(calls, []);
});

test('#12 MultiService.privilegedStartService forwards to every child in order, without setting running', async () => {
  const calls: string[] = [];
  class Child extends Service {
    readonly label: string;
    constructor(label: string) {
      super();
      this.label = label;
    }
    override async privilegedStartService(): Promise<void> {
      calls.push(`${this.label} begin`);
      await settle(1);
      calls.push(`${this.label} end`);
    }
  }
  const p = new MultiService();
  new Child('a').setServiceParent(p);
  new Child('b').setServiceParent(p);
  await p.privilegedStartService();
  assert.deepEqual(calls, ['a begin', 'a end', 'b begin', 'b end']);
  assert.equal(p.running, false);
});

test('#13 MultiService.stopService waits for every async child stop; a failing child neither rejects nor blocks siblings', async () => {
  const logs = captureLogs();
  try {
    const slow = deferred();
    class Slow extends Service {
      override stopService(): Promise<void> {
        super.stopService();
        return slow.promise;
      }
    }
    class Broken extends Service {
      override stopService(): Promise<void> {
        super.stopService();
        return Promise.reject(new Error('boom on stop'));
      }
    }
    class Throws extends Service {
      override stopService(): void {
        throw new Error('sync boom on stop');
      }
    }
    const p = new MultiService();
    const a = new Slow();
    const b = new Broken();
    const c = new Throws();
    const d = new Service();
    for (const s of [a, b, c, d]) s.setServiceParent(p);
    await p.startService();
    let done = false;
    const stopping = p.stopService().then(() => (done = true));
    await settle();
    assert.equal(done, false, 'still waiting for the slow child');
    assert.equal(a.running, false);
    assert.equal(d.running, false, 'siblings of the failing children were stopped');
    slow.resolve();
    await stopping;
    assert.equal(done, true);
    const failures = logs.events.filter((e) => e.level === 'error');
    assert.deepEqual(
      failures.map((e) => (e.error as Error).message).sort(),
      ['boom on stop', 'sync boom on stop'],
    );
  } finally {
    logs.stop();
  }
});

test('#14 setServiceParent on a parented service re-parents it (disowns first)', () => {
  const p1 = new MultiService();
  const p2 = new MultiService();
  const s = new Service();
  s.setName('x');
  s.setServiceParent(p1);
  s.setServiceParent(p2);
  assert.deepEqual([...p1], []);
  assert.deepEqual([...p2], [s]);
  assert.equal(s.parent, p2);
  assert.throws(() => p1.getServiceNamed('x'), ServiceError);
  assert.equal(p2.getServiceNamed('x'), s);
});

test('#15 a copy of a running service is not running; the original is unaffected', () => {
  const s = new Service();
  s.setName('copied');
  s.startService();
  const viaAssign = Object.assign(Object.create(Object.getPrototypeOf(s) as object) as Service, s);
  const viaSpread = { ...s } as Partial<Service>;
  const viaClone = structuredClone(s) as Partial<Service>;
  const viaJson = JSON.parse(JSON.stringify(s)) as Partial<Service>;
  assert.equal(viaAssign.running, false);
  assert.equal(viaAssign.name, 'copied');
  assert.ok(!viaSpread.running);
  assert.ok(!viaClone.running);
  assert.ok(!viaJson.running);
  assert.equal(viaJson.name, 'copied');
  assert.equal(s.running, true);
});

test('#16 Process stores uid/gid (default null) and a settable processName (default null)', () => {
  const p = new Process(5, 6);
  assert.equal(p.uid, 5);
  assert.equal(p.gid, 6);
  const d = new Process();
  assert.equal(d.uid, null);
  assert.equal(d.gid, null);
  assert.equal(d.processName, null);
  d.processName = 'hello';
  assert.equal(d.processName, 'hello');
});

test('#17 Application(name, uid?, gid?): its service is its collection, named, parentless, with the process ids', () => {
  const a = new Application('hello');
  assert.equal(a.name, 'hello');
  assert.equal(a.parent, null);
  assert.equal(a.process.uid, null);
  assert.equal(a.process.gid, null);
  // It is both the service and the collection.
  const child = new Service();
  child.setServiceParent(a);
  assert.equal(child.parent, a);
  assert.equal(typeof a.startService, 'function');
  const positional = new Application('hello', 5, 6);
  assert.deepEqual([positional.process.uid, positional.process.gid], [5, 6]);
  const named = new Application('hello', { uid: 'www-data', gid: 'www-data' });
  assert.deepEqual([named.process.uid, named.process.gid], ['www-data', 'www-data']);
});

test('#18 loading a .tac file yields its application export; a missing export is refused with Twisted\'s message', async () => {
  const { loadApplication } = await import('../../src/runner/tac-loader.js');
  const { FIXTURES_DIR, PROJECT_ROOT } = await import('../../src/core/paths.js');
  const app = await loadApplication(`${FIXTURES_DIR}/echo/app.tac.ts`);
  assert.equal(app.name, 'echo');
  assert.ok([...app].length >= 1, 'the echo application holds its TCP server');
  await assert.rejects(loadApplication(`${PROJECT_ROOT}/test/fixtures/runner/no-export.tac.mjs`), (e: unknown) => {
    assert.ok(e instanceof TacError);
    assert.equal(e.exitCode, 65);
    assert.match(e.message, /Could not find 'application'/);
    return true;
  });
});

test('#19 startApplication starts the tree and registers its stop for "before shutdown"', async () => {
  const app = new Application('hello');
  const child = new Service();
  child.setServiceParent(app);
  const triggers = new SystemEventTriggers();
  const registered: string[] = [];
  const spy = {
    addSystemEventTrigger: (phase: 'before' | 'during' | 'after', event: 'shutdown', fn: () => void | Promise<void>) => {
      registered.push(`${phase} ${event}`);
      triggers.addSystemEventTrigger(phase, event, fn);
    },
  };
  await startApplication(app, spy);
  assert.equal(app.running, true);
  assert.equal(child.running, true);
  assert.deepEqual(registered, ['before shutdown']);
  await triggers.fireShutdown();
  assert.equal(app.running, false);
  assert.equal(child.running, false);
});

test('SystemEventTriggers runs before, during, after in order and awaits each phase', async () => {
  const t = new SystemEventTriggers();
  const calls: string[] = [];
  const gate = deferred();
  t.addSystemEventTrigger('after', 'shutdown', () => void calls.push('after'));
  t.addSystemEventTrigger('during', 'shutdown', () => void calls.push('during'));
  t.addSystemEventTrigger('before', 'shutdown', async () => {
    await gate.promise;
    calls.push('before');
  });
  const done = t.fireShutdown();
  await settle();
  assert.deepEqual(calls, []);
  gate.resolve();
  await done;
  assert.deepEqual(calls, ['before', 'during', 'after']);
});

test('MultiService.startService: a throwing child stops the start and rejects', async () => {
  class Broken extends Service {
    override startService(): void {
      throw new Error('cannot start');
    }
  }
  const p = new MultiService();
  const a = new Service();
  const later = new Service();
  a.setServiceParent(p);
  new Broken().setServiceParent(p);
  later.setServiceParent(p);
  await assert.rejects(p.startService(), /cannot start/);
  assert.equal(a.running, true);
  assert.equal(later.running, false);
});

test('removeService of a non-child throws a ServiceError', () => {
  const p = new MultiService();
  assert.throws(
    () => p.removeService(new Service()),
    (e: unknown) => e instanceof ServiceError && e.code === 'tacd.service.notChild',
  );
});
