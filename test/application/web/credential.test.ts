// credential(name): $CREDENTIALS_DIRECTORY/NAME in-process, the errors naming
// the credential and the variable, and (where systemd is the init system)
// a real `systemd-run -p LoadCredential=` unit reading it through tacd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_SRC_DIR } from '../../../src/core/paths.js';
import { haveProgram, run } from '../../../src/core/exec.js';
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
        e.message === "credential 'api-token': $CREDENTIALS_DIRECTORY is not set (not started by systemd with credentials): set LoadCredential=api-token:/etc/credstore/api-token (or SetCredential=api-token:VALUE) in the unit",
    );
    assert.throws(
      () => credential('api-token', { env: { CREDENTIALS_DIRECTORY: dir } }),
      (e: Error) => e instanceof NoInputError && e.code === 'tacd.credential.missing' && e.message === `credential 'api-token' not found in $CREDENTIALS_DIRECTORY (${dir}): set LoadCredential=api-token:/etc/credstore/api-token (or SetCredential=api-token:VALUE) in the unit`,
    );
    for (const bad of ['', '..', 'a/b', 3]) {
      assert.throws(() => credential(bad as string, { env: { CREDENTIALS_DIRECTORY: dir } }), (e: Error) => e instanceof TypeError && /^credential: name must be a credential name/.test(e.message));
    }
  } finally {
    cleanup();
  }
});

const booted = fs.existsSync('/run/systemd/system');
const noSystemd = !booted ? 'systemd is not the init system here (no /run/systemd/system): systemd-run cannot start a unit' : !(await haveProgram('systemd-run')) ? 'systemd-run is not installed' : process.getuid?.() !== 0 ? 'systemd-run of a system unit needs root' : false;

test('a real unit: systemd-run -p LoadCredential=NAME:PATH, and the app reads it with credential()', { skip: noSystemd }, async () => {
  const { dir, cleanup } = tempDir('tacd-cred-');
  try {
    const secret = path.join(dir, 'secret');
    fs.writeFileSync(secret, 'from LoadCredential\n', { mode: 0o600 });
    const script = path.join(dir, 'read.mjs');
    fs.writeFileSync(script, `import { credential } from ${JSON.stringify(pathToFileURL(path.join(DIST_SRC_DIR, 'index.js')).href)};\nprocess.stdout.write(JSON.stringify(credential('app-secret')));\n`);
    const r = await run('systemd-run', ['--wait', '--pipe', '--quiet', '-p', `LoadCredential=app-secret:${secret}`, process.execPath, script], { timeoutMs: 30_000, allowFailure: true });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), 'from LoadCredential\n');
  } finally {
    cleanup();
  }
});
