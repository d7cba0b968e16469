// src/verify/container/exec.ts: the nsenter command line and --check's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TacError } from '../../../src/core/errors.js';
import { checkFailure, containerEnv, CONTAINER_PATH, nsenterArgs } from '../../../src/verify/container/exec.js';

test('containerEnv: a clean, non-interactive base; extra variables win', () => {
  assert.deepEqual(containerEnv({ HOME: '/srv', X: '1' }), {
    PATH: CONTAINER_PATH,
    HOME: '/srv',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    SYSTEMD_PAGER: '',
    SYSTEMD_COLORS: '0',
    DEBIAN_FRONTEND: 'noninteractive',
    X: '1',
  });
});

test('nsenterArgs: all namespaces of the leader, env -i, the command; asUnit goes through systemd-run with the env', () => {
  const env = Object.entries(containerEnv({ X: '1' })).map(([k, v]) => `${k}=${v}`);
  assert.deepEqual(nsenterArgs(42, ['true'], { env: { X: '1' } }), ['-t', '42', '-a', '--', '/usr/bin/env', '-i', ...env, 'true']);
  assert.deepEqual(nsenterArgs(42, ['id'], { asUnit: true, env: { X: '1' } }).slice(6 + env.length), [
    'systemd-run',
    '--quiet',
    '--wait',
    '--pipe',
    '--collect',
    '--service-type=exec',
    '--setenv=X=1',
    '--',
    'id',
  ]);
});

test('checkFailure: only with check; a timeout and a non-zero exit each named in one line', () => {
  const bad = { exitCode: 3, stdout: '', stderr: 'a\nb\nc\nd\n' };
  assert.equal(checkFailure('c1', ['false'], bad, {}), undefined);
  assert.equal(checkFailure('c1', ['true'], { exitCode: 0, stdout: '', stderr: '' }, { check: true }), undefined);
  const e = checkFailure('c1', ['sh', '-c', 'x'], bad, { check: true });
  assert.ok(e instanceof TacError);
  assert.equal(e.message, "in container c1: 'sh -c x' exited 3: b / c / d");
  assert.equal(checkFailure('c1', ['sleep', '9'], { exitCode: 124, stdout: '', stderr: '', timedOut: true }, { check: true, timeoutMs: 2000 })?.message, "in container c1: 'sleep 9' did not finish within 2 s");
});
