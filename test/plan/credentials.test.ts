// tacd.credentials: a list of names or an object NAME: {description},
// validated into spec.credentials (one-line errors naming the entry, 65).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, exitCodeOf } from '../../src/core/errors.js';
import { credentialsFromPackageJson } from '../../src/plan/credentials.js';

test('absent: none', () => {
  assert.deepEqual(credentialsFromPackageJson(undefined, 'p.json'), []);
});

test('a list of names, or an object with descriptions, in order', () => {
  assert.deepEqual(credentialsFromPackageJson(['api-token', 'db.password'], 'p.json'), [
    { name: 'api-token', description: undefined },
    { name: 'db.password', description: undefined },
  ]);
  assert.deepEqual(credentialsFromPackageJson({ 'api-token': { description: 'Token for api.example.org: 100%' }, tls_key: {} }, 'p.json'), [
    { name: 'api-token', description: 'Token for api.example.org: 100%' },
    { name: 'tls_key', description: undefined },
  ]);
});

function refused(v: unknown, re: RegExp): void {
  assert.throws(
    () => credentialsFromPackageJson(v, '/a/package.json'),
    (e: Error) => e instanceof DataError && exitCodeOf(e) === 65 && re.test(e.message) && !e.message.includes('\n'),
  );
}

test('names a unit line or /etc/credstore cannot take are refused naming the entry', () => {
  refused(['ok', 'a/b'], /^\/a\/package\.json: tacd\.credentials\[1\]: "a\/b" is not a credential name/);
  refused(['a:b'], /tacd\.credentials\[0\]: "a:b" is not a credential name/);
  refused(['.hidden'], /"\.hidden" is not a credential name/);
  refused(['100%'], /"100%" is not a credential name/);
  refused(['two words'], /"two words" is not a credential name/);
  refused([''], /"" is not a credential name/);
  refused([7], /tacd\.credentials\[0\]: 7 is not a credential name/);
  refused(['x'.repeat(256)], /is not a credential name/);
  refused({ 'a b': {} }, /tacd\.credentials\.a b: "a b" is not a credential name/);
  refused({ 'a\nb': {} }, /tacd\.credentials\."a\\nb": "a\\nb" is not a credential name/);
});

test('bad shapes and descriptions are refused', () => {
  refused('token', /tacd\.credentials: expected a list of names or an object/);
  refused({ tok: 'the token' }, /tacd\.credentials\.tok: expected \{"description": "..."\}/);
  refused({ tok: { description: 'two\nlines' } }, /tacd\.credentials\.tok\.description: expected one line/);
  refused(['tok', 'tok'], /tacd\.credentials: tok is listed twice/);
});
