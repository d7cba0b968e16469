// ListenFDs.fromEnvironment: checklist item 49 (tS = twisted/python/test/test_systemd.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListenFDs } from '../../../src/application/endpoints/listen-fds.js';

const PID = 4242;

function env(vars: Record<string, string>): Record<string, string | undefined> {
  return { OTHER: 'kept', ...vars };
}

test('item 49: descriptors 3..3+N-1 with their names when LISTEN_PID is ours; LISTEN_PID and LISTEN_FDS are removed, LISTEN_FDNAMES kept', () => {
  const e = env({ LISTEN_PID: String(PID), LISTEN_FDS: '3', LISTEN_FDNAMES: 'a:b:c' });
  const fds = ListenFDs.fromEnvironment(e, null, PID);
  assert.deepEqual(fds.inheritedDescriptors(), [3, 4, 5]);
  assert.deepEqual([...fds.inheritedNamedDescriptors()], [['a', 3], ['b', 4], ['c', 5]]);
  assert.deepEqual(e, { OTHER: 'kept', LISTEN_FDNAMES: 'a:b:c' });
});

test('item 49: a second read of the same environment finds nothing (tS test_secondEnvironment)', () => {
  const e = env({ LISTEN_PID: String(PID), LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' });
  assert.deepEqual(ListenFDs.fromEnvironment(e, null, PID).inheritedDescriptors(), [3]);
  assert.deepEqual(ListenFDs.fromEnvironment(e, null, PID).inheritedDescriptors(), []);
});

test('item 49: another PID gets nothing and the environment is left alone (tS test_mismatchedPID)', () => {
  const e = env({ LISTEN_PID: String(PID + 1), LISTEN_FDS: '2', LISTEN_FDNAMES: 'a:b' });
  assert.deepEqual(ListenFDs.fromEnvironment(e, null, PID).inheritedDescriptors(), []);
  assert.equal(e.LISTEN_PID, String(PID + 1));
  assert.equal(e.LISTEN_FDS, '2');
});

test('item 49: missing or non-integer LISTEN_PID / LISTEN_FDS give nothing (tS test_missingPIDVariable, test_nonIntegerPIDVariable, test_missingFDSVariable, test_nonIntegerFDSVariable)', () => {
  assert.deepEqual(ListenFDs.fromEnvironment(env({ LISTEN_FDS: '1', LISTEN_FDNAMES: 'x' }), null, PID).inheritedDescriptors(), []);
  assert.deepEqual(ListenFDs.fromEnvironment(env({ LISTEN_PID: 'hello', LISTEN_FDS: '1', LISTEN_FDNAMES: 'x' }), null, PID).inheritedDescriptors(), []);
  assert.deepEqual(ListenFDs.fromEnvironment(env({ LISTEN_PID: String(PID), LISTEN_FDNAMES: 'x' }), null, PID).inheritedDescriptors(), []);
  const e = env({ LISTEN_PID: String(PID), LISTEN_FDS: 'hello', LISTEN_FDNAMES: 'x' });
  assert.deepEqual(ListenFDs.fromEnvironment(e, null, PID).inheritedDescriptors(), []);
});

test('item 49: a name count that does not match the descriptor count gives nothing (also when LISTEN_FDNAMES is missing)', () => {
  assert.deepEqual(ListenFDs.fromEnvironment(env({ LISTEN_PID: String(PID), LISTEN_FDS: '2', LISTEN_FDNAMES: 'only-one' }), null, PID).inheritedDescriptors(), []);
  const noNames = env({ LISTEN_PID: String(PID), LISTEN_FDS: '1' });
  assert.deepEqual(ListenFDs.fromEnvironment(noNames, null, PID).inheritedDescriptors(), []);
  assert.equal(noNames.LISTEN_PID, undefined, 'the variables are consumed even then');
  assert.deepEqual(ListenFDs.fromEnvironment(env({ LISTEN_PID: String(PID), LISTEN_FDS: '0', LISTEN_FDNAMES: '' }), null, PID).inheritedDescriptors(), []);
});

test('inheritedDescriptors returns a copy; defaults read process.env for process.pid', () => {
  const fds = new ListenFDs([3, 4], ['a', 'b']);
  fds.inheritedDescriptors().push(99);
  assert.deepEqual(fds.inheritedDescriptors(), [3, 4]);
  const saved = { pid: process.env.LISTEN_PID, fds: process.env.LISTEN_FDS, names: process.env.LISTEN_FDNAMES };
  try {
    process.env.LISTEN_PID = String(process.pid);
    process.env.LISTEN_FDS = '1';
    process.env.LISTEN_FDNAMES = 'mine';
    assert.deepEqual([...ListenFDs.fromEnvironment().inheritedNamedDescriptors()], [['mine', 3]]);
    assert.equal(process.env.LISTEN_PID, undefined);
  } finally {
    for (const [k, v] of [['LISTEN_PID', saved.pid], ['LISTEN_FDS', saved.fds], ['LISTEN_FDNAMES', saved.names]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('fromEnvironment takes Twisted\'s (environ, start): descriptors are numbered from start', () => {
  const saved = { pid: process.env.LISTEN_PID };
  const e = env({ LISTEN_PID: String(process.pid), LISTEN_FDS: '2', LISTEN_FDNAMES: 'a:b' });
  assert.deepEqual([...ListenFDs.fromEnvironment(e, 10).inheritedNamedDescriptors()], [['a', 10], ['b', 11]]);
  assert.equal(e.LISTEN_PID, undefined);
  assert.equal(process.env.LISTEN_PID, saved.pid, 'the process environment is not touched');
  const other = env({ LISTEN_PID: String(PID), LISTEN_FDS: '1', LISTEN_FDNAMES: 'x' });
  assert.deepEqual(ListenFDs.fromEnvironment(other, undefined, PID).inheritedDescriptors(), [3]);
  for (const bad of ['3', -1, 1.5]) {
    assert.throws(() => ListenFDs.fromEnvironment({}, bad as never), (err: unknown) => err instanceof TypeError && /start/.test(err.message));
  }
  assert.throws(() => ListenFDs.fromEnvironment('LISTEN_FDS=1' as never), (err: unknown) => err instanceof TypeError && /environ/.test(err.message));
});
