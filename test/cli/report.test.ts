// failure(): the one mapping of an error to a status, a line and (with --json) an object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DataError, UnavailableError } from '../../src/core/errors.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { failure } from '../../src/cli/report.js';

test('ours: its status and one line; with --debug the stack and the causes', () => {
  const e = new UnavailableError('tacd.exec.missing', "required program 'xz' was not found on PATH", { cause: new Error('ENOENT') });
  const f = failure('ts2rpm', e, false);
  assert.equal(f.status, 69);
  assert.equal(f.text, "ts2rpm: required program 'xz' was not found on PATH\n");
  assert.deepEqual(JSON.parse(f.json), { error: { code: 'tacd.exec.missing', message: "required program 'xz' was not found on PATH", status: 69 } });
  const d = failure('ts2rpm', e, true).text;
  assert.match(d, /^ts2rpm: required program 'xz'.*\nUnavailableError: required program/);
  assert.match(d, /\ncaused by:\nError: ENOENT/);
});

test('anything else is a bug: 70, and the line says so', () => {
  const f = failure('tacd', new TypeError('x is undefined'), false);
  assert.equal(f.status, 70);
  assert.equal(f.text, 'tacd: x is undefined\ntacd: this is a bug; run again with --debug for the stack trace\n');
  assert.equal(JSON.parse(f.json).error.code, 'tacd.internal');
  assert.equal(failure('ts2deb', new DataError('tacd.spec.name', 'bad name'), false).status, 65);
});

test("ts2rpm --json on a failure: its own code (ts2rpm.*, not ts2deb.*) in {error} on stdout, the line on stderr", () => {
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2rpm.js'), '/nonexistent/app.tac.ts', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 66, r.stderr);
  assert.equal(r.stderr, 'ts2rpm: tac file not found: /nonexistent/app.tac.ts\n');
  assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'ts2rpm.tac.missing', message: 'tac file not found: /nonexistent/app.tac.ts', status: 66 } });
});
