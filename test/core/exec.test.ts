// src/core/exec.ts: the one module that runs programs. The light functions
// (node:child_process, no execa) keep run()'s error contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from '../../src/core/exit-codes.js';
import { TacError } from '../../src/core/errors.js';
import { run, runLight, spawnDetached } from '../../src/core/exec.js';

test('runLight: output, a missing program (69), a non-zero exit with its stderr, a timeout, a signal', async () => {
  assert.deepEqual(await runLight('sh', ['-c', 'printf out; printf err >&2']), { exitCode: 0, stdout: 'out', stderr: 'err' });
  await assert.rejects(runLight('tacd-no-such-program', []), (e: unknown) => e instanceof TacError && e.exitCode === ExitCode.UNAVAILABLE && /'tacd-no-such-program' was not found on PATH/.test(e.message));
  await assert.rejects(runLight('sh', ['-c', 'echo one >&2; echo two >&2; exit 3']), (e: unknown) => e instanceof TacError && e.message === "'sh -c echo one >&2; echo two >&2; exit 3' exited 3: one / two");
  await assert.rejects(runLight('sleep', ['5'], { timeoutMs: 200 }), (e: unknown) => e instanceof TacError && e.message === "'sleep 5' did not finish within 0.2 s");
  await assert.rejects(runLight('sh', ['-c', 'kill -TERM $$']), (e: unknown) => e instanceof TacError && e.message === "'sh' was killed by SIGTERM");
  // The same program through execa's run() gives the same messages for the shared cases.
  await assert.rejects(run('sh', ['-c', 'echo one >&2; echo two >&2; exit 3']), (e: unknown) => e instanceof TacError && e.message === "'sh -c echo one >&2; echo two >&2; exit 3' exited 3: one / two");
});

test('spawnDetached: a new session, the given environment only, extra pipes', async () => {
  const child = spawnDetached('sh', ['-c', 'echo "$(ps -o sid= -p $$) $$ ${HOME-unset} $ONLY" >&3'], { cwd: '/', env: { ONLY: 'this', PATH: process.env['PATH'] }, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stdio[3]!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => child.once('close', r));
  assert.equal(code, 0);
  const [sid, pid, home, only] = out.trim().split(/\s+/);
  assert.equal(sid, pid, 'the child leads its own session');
  assert.equal(home, 'unset');
  assert.equal(only, 'this');
});
