// The service tree when starts and stops overlap or fail: a child whose
// start throws when added to a running parent stays parented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Service, MultiService } from '../../src/application/service.js';

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
