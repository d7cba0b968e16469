// src/verify/container/state.ts: the state dir layout and owner.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TacError } from '../../../src/core/errors.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { processStart } from '../../../src/verify/container/procs.js';
import { containerStateRoot, createState, readOwner, statePaths } from '../../../src/verify/container/state.js';

test('containerStateRoot: the override, else TACD_STATE_DIR, else /run/tacd/containers', () => {
  const saved = process.env.TACD_STATE_DIR;
  try {
    delete process.env.TACD_STATE_DIR;
    assert.equal(containerStateRoot(), '/run/tacd/containers');
    process.env.TACD_STATE_DIR = '/tmp/s';
    assert.equal(containerStateRoot(), '/tmp/s');
    assert.equal(containerStateRoot('/x'), '/x');
  } finally {
    if (saved === undefined) delete process.env.TACD_STATE_DIR;
    else process.env.TACD_STATE_DIR = saved;
  }
});

test('createState: rw, merged and owner.json (this process); an existing state dir is refused with 75', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-state-'));
  try {
    const p = statePaths(root, 'tacd-a');
    assert.deepEqual(p, { stateDir: path.join(root, 'tacd-a'), rw: path.join(root, 'tacd-a/rw'), merged: path.join(root, 'tacd-a/merged'), consoleLog: path.join(root, 'tacd-a/console.log'), ownerFile: path.join(root, 'tacd-a/owner.json') });
    const rec = await createState(p, 'tacd-a');
    assert.deepEqual(rec, { ownerPid: process.pid, ownerStart: processStart(process.pid), merged: p.merged });
    assert.deepEqual(readOwner(p.stateDir), rec);
    assert.deepEqual((await fs.readdir(p.stateDir)).sort(), ['merged', 'owner.json', 'rw']);
    await assert.rejects(createState(p, 'tacd-a'), (e: unknown) => e instanceof TacError && e.code === 'tacd.verify.exists' && e.exitCode === ExitCode.TEMPFAIL);
    assert.equal(readOwner(path.join(root, 'nothing')), undefined);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
