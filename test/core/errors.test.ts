// The error model: one base class whose default status is 70, a class per
// sysexits status, and the README's table of statuses matching the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as errors from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';

const { TacError, describeError, exitCodeOf, isTacError } = errors;

/** Every exported class that is TacError or extends it, with an instance of it. */
function errorClasses(): { name: string; instance: errors.TacError }[] {
  const out: { name: string; instance: errors.TacError }[] = [];
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value !== 'function' || !(value === TacError || value.prototype instanceof TacError)) continue;
    const Ctor = value as unknown as new (a: string, b: string) => errors.TacError;
    out.push({ name, instance: new Ctor('x.y.z', 'a message') });
  }
  return out;
}

/** The README's status table: class name -> status. */
function readmeTable(): Map<string, number> {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Exit codes'));
  const rows = [...section.matchAll(/^\| (\d+) \| `(\w+)` \|/gm)];
  return new Map(rows.map((m) => [m[2]!, Number(m[1])]));
}

test('the base class defaults to 70 (internal), never to 1', () => {
  assert.equal(new TacError('tacd.x', 'm').exitCode, ExitCode.SOFTWARE);
  assert.equal(exitCodeOf(new Error('not ours')), 70);
  assert.equal(exitCodeOf('a string'), 70);
});

test('every error class is in the README table with its status, and every row is a class', () => {
  const classes = errorClasses();
  const table = readmeTable();
  assert.ok(classes.length >= 12, `found ${classes.map((c) => c.name).join(', ')}`);
  for (const { name, instance } of classes) {
    assert.equal(table.get(name), instance.exitCode, `README row for ${name}`);
    assert.equal(exitCodeOf(instance), instance.exitCode);
    assert.equal(instance.name, name, 'the class name is the error name (shown with --debug)');
    assert.ok(isTacError(instance));
  }
  assert.deepEqual([...table.keys()].sort(), classes.map((c) => c.name).sort());
});

test('no two classes share a status, and none uses 1 (the failed-check status)', () => {
  const statuses = errorClasses().map((c) => c.instance.exitCode);
  assert.equal(new Set(statuses).size, statuses.length);
  assert.ok(!statuses.includes(ExitCode.FAILURE));
});

test('code, message and cause are kept; describeError shows the first line only', () => {
  const cause = new Error('root');
  const e = new errors.UnavailableError('tacd.exec.missing', "required program 'xz' was not found\nsecond line", { cause });
  assert.equal(e.code, 'tacd.exec.missing');
  assert.equal(e.cause, cause);
  assert.equal(describeError(e), "required program 'xz' was not found");
  assert.ok(e instanceof errors.UnavailableError && e instanceof TacError);
});
