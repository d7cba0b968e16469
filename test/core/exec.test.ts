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

test('run: a timeout and a signal are named as runLight names them; with allowFailure a timeout is exit status 124', async () => {
  await assert.rejects(run('sleep', ['5'], { timeoutMs: 200 }), (e: unknown) => e instanceof TacError && e.code === 'tacd.exec.timeout' && e.message === "'sleep 5' did not finish within 0.2 s");
  await assert.rejects(run('sleep', ['5'], { timeoutMs: 200, allowFailure: false }), /'sleep 5' did not finish within 0\.2 s/);
  const t0 = Date.now();
  const r = await run('sh', ['-c', 'echo started; exec sleep 5'], { timeoutMs: 300, allowFailure: true });
  assert.ok(Date.now() - t0 < 4000, 'killed at its timeout');
  assert.deepEqual(r, { exitCode: 124, stdout: 'started\n', stderr: '', timedOut: true });
  // a program that ignores SIGTERM and exits 0 after its time still timed out
  await assert.rejects(run('sh', ['-c', 'trap "" TERM; sleep 1'], { timeoutMs: 200 }), /did not finish within 0\.2 s/);
  await assert.rejects(run('sh', ['-c', 'kill -TERM $$']), (e: unknown) => e instanceof TacError && e.code === 'tacd.exec.failed' && e.message === "'sh' was killed by SIGTERM");
  // a normal run carries no timedOut
  assert.deepEqual(await run('sh', ['-c', 'exit 3'], { timeoutMs: 5000, allowFailure: true }), { exitCode: 3, stdout: '', stderr: '' });
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
