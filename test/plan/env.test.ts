// The service's environment: tacd.env in package.json and --env on the
// command line, merged (the command line wins) into spec.env; names and
// values refused with one line naming the key (exit 65; 64 for --env without '=').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataError, exitCodeOf, UsageError } from '../../src/core/errors.js';
import { envFromArgs, envFromPackageJson, mergeEnv } from '../../src/plan/env.js';
import { normalizeSpec, type SpecInput } from '../../src/plan/spec.js';
import { tempDir } from '../packaging/helpers.js';

const PKG = { name: 'hello', version: '1.0.0', author: 'Ann <ann@example.org>' };

function specOf(pkg: object, cli: SpecInput = {}) {
  const dir = tempDir('tacd-env-');
  try {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    writeFileSync(path.join(dir, 'app.tac.ts'), '');
    return normalizeSpec({ cli, source: { kind: 'tac', file: path.join(dir, 'app.tac.ts') }, cwd: dir, execPath: process.execPath });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no tacd.env and no --env: spec.env is empty', () => {
  assert.deepEqual(specOf(PKG).env, []);
});

test('tacd.env in order, a number as JSON writes it; --env overrides one in place and adds another', () => {
  const s = specOf({ ...PKG, tacd: { env: { PORT: 3000, GREETING: 'hi there' } } }, { env: ['GREETING=a=b "c"', 'EXTRA='] });
  assert.deepEqual(s.env, [
    { name: 'PORT', value: '3000' },
    { name: 'GREETING', value: 'a=b "c"' },
    { name: 'EXTRA', value: '' },
  ]);
});

test('any text an environment variable holds is kept: newlines, tabs, quotes, $, backslashes, non-ASCII', () => {
  const value = 'line1\nline2\t$HOME `x` \\n \'q\' "d" é 😀 \u001b[0m';
  assert.deepEqual(envFromPackageJson({ V: value }, 'p.json'), [{ name: 'V', value }]);
});

function refused(fn: () => unknown, re: RegExp, status = 65): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof (status === 65 ? DataError : UsageError), e.message);
    assert.equal(exitCodeOf(e), status);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

test('bad names are refused naming the file and key', () => {
  refused(() => envFromPackageJson({ '1X': 'v' }, '/a/package.json'), /^\/a\/package\.json: tacd\.env\.1X: '1X' is not a variable name/);
  refused(() => envFromPackageJson({ 'A-B': 'v' }, 'p.json'), /tacd\.env\.A-B: 'A-B' is not a variable name/);
  refused(() => envFromPackageJson({ LISTEN_FDS: '3' }, 'p.json'), /tacd\.env\.LISTEN_FDS: LISTEN_FDS is set by systemd or tacd/);
  refused(() => envFromPackageJson({ TACD_ARGS: '-n' }, 'p.json'), /TACD_ARGS is set by systemd or tacd/);
  refused(() => envFromPackageJson({ PIDFILE: '/x' }, 'p.json'), /PIDFILE is a variable of the package's init script/);
  refused(() => envFromArgs(['9=x']), /^--env 9: '9' is not a variable name/);
  refused(() => envFromArgs(['A\nB=x']), /^--env "A\\nB": '"A\\nB"' is not a variable name/);
  refused(() => envFromPackageJson({ 'A\tB': 'x' }, 'p.json'), /tacd\.env\."A\\tB": /);
});

test('values systemd cannot pass unchanged are refused naming the key', () => {
  refused(() => envFromPackageJson({ K: 'a\u0000b' }, 'p.json'), /tacd\.env\.K: the value of K contains a NUL character/);
  refused(() => envFromPackageJson({ K: 'a\ud800b' }, 'p.json'), /the value of K is not valid Unicode \(a lone surrogate\)/);
  refused(() => envFromPackageJson({ K: '\udc00' }, 'p.json'), /lone surrogate/);
  refused(() => envFromArgs([`BIG=${'x'.repeat(131072)}`]), /^--env BIG: the value of BIG is 131072 bytes: NAME=value must fit in 131072 bytes/);
  assert.equal(envFromArgs([`BIG=${'x'.repeat(131072 - 5)}`])[0]!.value.length, 131067, 'the largest that fits');
});

test('values and tacd.env of the wrong type are refused', () => {
  refused(() => envFromPackageJson({ K: true }, 'p.json'), /tacd\.env\.K: expected a string, got true/);
  refused(() => envFromPackageJson({ K: null }, 'p.json'), /tacd\.env\.K: expected a string, got null/);
  refused(() => envFromPackageJson(['A=1'], 'p.json'), /^p\.json: tacd\.env: expected an object of NAME: "value"/);
  refused(() => specOf({ ...PKG, tacd: { env: 'A=1' } }), /package\.json: tacd\.env: expected an object/);
});

test('--env without a NAME= is a usage error (64)', () => {
  refused(() => envFromArgs(['GREETING']), /^--env "GREETING": expected NAME=VALUE$/, 64);
  refused(() => envFromArgs(['=x']), /expected NAME=VALUE/, 64);
});

test('mergeEnv: a later value replaces an earlier one in its place', () => {
  assert.deepEqual(mergeEnv([{ name: 'A', value: '1' }, { name: 'B', value: '2' }], [{ name: 'A', value: '3' }]), [
    { name: 'A', value: '3' },
    { name: 'B', value: '2' },
  ]);
});
