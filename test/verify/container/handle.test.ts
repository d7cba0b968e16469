// src/verify/container/handle.ts: the pure parts of the Container object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TacError } from '../../../src/core/errors.js';
import { journalArgs, parseProperties, upGuard } from '../../../src/verify/container/handle.js';

test('parseProperties: key=value lines; values keep their = signs', () => {
  assert.deepEqual(parseProperties('MainPID=42\nExecStart={ path=/bin/x ; argv[]=x a=b }\n\nnot a property\n'), { MainPID: '42', ExecStart: '{ path=/bin/x ; argv[]=x a=b }' });
});

test('journalArgs: this boot, precise times, optionally one unit and a line count', () => {
  assert.deepEqual(journalArgs(), ['journalctl', '--no-pager', '-b', '-o', 'short-precise']);
  assert.deepEqual(journalArgs('x.service', 100), ['journalctl', '--no-pager', '-b', '-o', 'short-precise', '-u', 'x.service', '-n', '100']);
});

test('upGuard: passes while up, then throws naming the container', () => {
  let down = false;
  const guard = upGuard('tacd-x', () => down);
  guard();
  down = true;
  assert.throws(guard, (e: unknown) => e instanceof TacError && e.code === 'tacd.verify.down' && e.message === 'container tacd-x is shut down');
});
