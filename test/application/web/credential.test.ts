// credential(name): $CREDENTIALS_DIRECTORY/NAME in-process, the errors naming
// the credential and the variable, and (where systemd is the init system)
// a real `systemd-run -p LoadCredential=` unit reading it through tacd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NoInputError } from '../../../src/core/errors.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { credential, credentialBytes, credentialPath } from '../../../src/application/web/credential.js';
import { tempDir } from '../internet/net-helpers.js';

test('credential(name) reads $CREDENTIALS_DIRECTORY/NAME exactly (a trailing newline is kept; bytes too)', () => {
  const { dir, cleanup } = tempDir('tacd-cred-');
  try {
    fs.writeFileSync(path.join(dir, 'db-password'), 's3cr\u00e9t\n');
    fs.writeFileSync(path.join(dir, 'key.bin'), Buffer.from([0, 255, 10]));
    const env = { CREDENTIALS_DIRECTORY: dir };
    assert.equal(credential('db-password', { env }), 's3cr\u00e9t\n');
    assert.deepEqual([...credentialBytes('key.bin', { env })], [0, 255, 10]);
    assert.equal(credentialPath('db-password', { env }), path.join(dir, 'db-password'));
  } finally {
    cleanup();
  }
});

test('a missing credential or variable is a one-line NoInputError (66) naming the credential, the variable and the unit setting', () => {
  const { dir, cleanup } = tempDir('tacd-cred-');
  try {
    assert.throws(
      () => credential('api-token', { env: {} }),
      (e: Error) =>
        e instanceof NoInputError &&
        e.exitCode === ExitCode.NOINPUT &&
        e.code === 'tacd.credential.noDirectory' &&
        e.message === "credential 'api-token': $CREDENTIALS_DIRECTORY is not set (not started by systemd with credentials): put it in /etc/credstore/api-token (mode 0600) and set LoadCredential=api-token in the unit (tacd.credentials does), or SetCredential=api-token:VALUE",
    );
    assert.throws(
      () => credential('api-token', { env: { CREDENTIALS_DIRECTORY: dir } }),
      (e: Error) => e instanceof NoInputError && e.code === 'tacd.credential.missing' && e.message === `credential 'api-token' not found in $CREDENTIALS_DIRECTORY (${dir}): put it in /etc/credstore/api-token (mode 0600) and set LoadCredential=api-token in the unit (tacd.credentials does), or SetCredential=api-token:VALUE`,
    );
    for (const bad of ['', '..', 'a/b', 3]) {
      assert.throws(() => credential(bad as string, { env: { CREDENTIALS_DIRECTORY: dir } }), (e: Error) => e instanceof TypeError && /^credential: name must be a credential name/.test(e.message));
    }
  } finally {
    cleanup();
  }
});

// A real unit reading its credentials (a 0600 /etc/credstore file and a systemd-creds
// encrypted one) is test/packaging/env-credentials.test.ts, in a booted systemd (nspawn):
// this host's systemd is not the init system, so systemd-run cannot start a unit here.
