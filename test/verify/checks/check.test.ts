// src/verify/checks/check.ts: the helpers every check shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TacError } from '../../../src/core/errors.js';
import { CheckFailed, ended, fail, newContext, packageOf, problemLines, scriptletFailure } from '../../../src/verify/checks/check.js';
import type { Container } from '../../../src/verify/container.js';

test('fail() throws CheckFailed with the reason', () => {
  assert.throws(() => fail('why'), (e: unknown) => e instanceof CheckFailed && e.message === 'why');
});

test('problemLines: the error lines (last 3), else the last 3 lines', () => {
  const out = 'Selecting x\nUnpacking x\nSetting up x\ndpkg: error processing package x (--install):\n installed x package post-installation script subprocess returned error exit status 1\nErrors were encountered while processing:\n x\n';
  assert.equal(problemLines(out), 'dpkg: error processing package x (--install): / installed x package post-installation script subprocess returned error exit status 1 / Errors were encountered while processing:');
  assert.equal(problemLines('a\nb\n\nc\nd'), 'b / c / d');
});

test('scriptletFailure: rpm\'s warning line, trimmed', () => {
  assert.equal(scriptletFailure('x\n  warning: %post(echo-1-1.noarch) scriptlet failed, exit status 1 \ny'), 'warning: %post(echo-1-1.noarch) scriptlet failed, exit status 1');
  assert.equal(scriptletFailure('all fine'), undefined);
});

test('ended: the exit status, or the timeout for a killed command', () => {
  assert.equal(ended({ exitCode: 2, stdout: '', stderr: '' }, 60_000), 'exited 2');
  assert.equal(ended({ exitCode: 124, stdout: '', stderr: '', timedOut: true }, 60_000), 'did not finish within 60 s');
});

test('newContext starts with nothing found; packageOf refuses a context without a package', () => {
  const x = newContext({ c: {} as Container, format: 'rpm', result: { ok: true, pkg: 'p', format: 'rpm', steps: [], totalMs: 0 }, inside: '/i', oldInside: undefined, settleMs: 1, probeTimeoutMs: 2, probe: undefined });
  assert.deepEqual([x.info, x.unit, x.installed, x.probeNote, x.cursor, x.user], [undefined, '', false, '', '', undefined]);
  assert.throws(() => packageOf(x), (e: unknown) => e instanceof TacError && e.code === 'tacd.verify.internal');
  x.info = { name: 'p', version: '1', unit: 'p.service', conffiles: [], files: [], ownDirs: [] };
  x.unit = 'p.service';
  assert.equal(packageOf(x).name, 'p');
});
