// src/verify/checks/state.ts: the state marker of an upgrade, against a fake
// container (the real one is in test/verify/verify.test.ts's upgrade runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckFailed } from '../../../src/verify/checks/check.js';
import { markState, stateProblem } from '../../../src/verify/checks/state.js';
import type { Container } from '../../../src/verify/container.js';

/** A container whose files are a Map and whose sh writes "$1" to "$0" unless told to fail. */
function fakeContainer(stateDirectory: string, files: Map<string, string>, exitCode = 0): Container {
  const fake = {
    unitProperties: async () => ({ StateDirectory: stateDirectory }),
    exec: async (argv: readonly string[]) => {
      if (exitCode === 0) files.set(argv[3]!, argv[4]!);
      return { exitCode, stdout: '', stderr: exitCode ? 'Read-only file system' : '', timedOut: false };
    },
    readFile: async (p: string) => {
      const s = files.get(p);
      if (s === undefined) throw new Error(`ENOENT: ${p}`);
      return Buffer.from(s);
    },
  };
  return fake as unknown as Container;
}

test('markState puts a random marker in the first StateDirectory=; stateProblem tells kept, lost and changed apart', async () => {
  const files = new Map<string, string>();
  const c = fakeContainer('echo echo/extra', files);
  const mark = (await markState(c, 'echo.service'))!;
  assert.equal(mark.file, '/var/lib/echo/.tacd-verify-state');
  assert.match(mark.token, /^[0-9a-f]{24}\n$/);
  assert.equal(files.get(mark.file), mark.token);
  assert.equal(await stateProblem(c, mark), undefined);
  files.set(mark.file, 'other\n');
  assert.equal(await stateProblem(c, mark), "the service's state file /var/lib/echo/.tacd-verify-state was changed");
  files.clear();
  assert.equal(await stateProblem(c, mark), "the service's state in /var/lib/echo was lost (.tacd-verify-state is gone)");
});

test('markState: no StateDirectory= is no marker; a marker that cannot be written fails the step naming the file', async () => {
  assert.equal(await markState(fakeContainer('', new Map()), 'x.service'), undefined);
  await assert.rejects(markState(fakeContainer('x', new Map(), 1), 'x.service'), (e: unknown) => e instanceof CheckFailed && /^cannot write \/var\/lib\/x\/\.tacd-verify-state: Read-only file system$/.test(e.message));
});
