// src/verify/host.ts: what the host lacks is named in one line with the sysexits status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { TacError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { DIST_SRC_DIR } from '../../src/core/paths.js';
import { requireProgram, requirePrograms } from '../../src/verify/host.js';

const missing = (e: unknown, message: string): boolean => e instanceof TacError && e.code === 'tacd.verify.missing' && e.exitCode === ExitCode.UNAVAILABLE && e.message === message;

test('requireProgram: a missing program is 69, naming it, its Debian package and how to install it', async () => {
  await requireProgram('sh', 'dash', 'testing');
  await assert.rejects(requireProgram('tacd-no-such-program', 'tacd-pkg', 'testing'), (e) =>
    missing(e, "testing needs 'tacd-no-such-program' (Debian package tacd-pkg); install it with apt-get install tacd-pkg"),
  );
});

test('requirePrograms: the first missing program in the list is the one named', async () => {
  await assert.rejects(
    requirePrograms(
      [
        ['sh', 'dash'],
        ['tacd-missing-1', 'one'],
        ['tacd-missing-2', 'two'],
      ],
      'x',
    ),
    (e) => missing(e, "x needs 'tacd-missing-1' (Debian package one); install it with apt-get install one"),
  );
});

test('requireRoot: not root is 77 with one line', { skip: process.getuid?.() !== 0 ? 'needs root to drop to nobody' : false }, () => {
  const script = `import(${JSON.stringify(path.join(DIST_SRC_DIR, 'verify/host.js'))}).then((m) => m.requireRoot('testing')).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(e.exitCode); })`;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', cwd: '/' });
  assert.equal(r.status, ExitCode.NOPERM, r.stderr);
  assert.equal(r.stderr, 'testing needs root (mount, chroot, systemd-nspawn); run as root\n');
});
