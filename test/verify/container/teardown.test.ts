// src/verify/container/teardown.ts: the leftovers of a crashed run are
// unmounted and removed; a live owner's container and a fresh unrecorded
// state dir are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../../src/core/exec.js';
import { processStart } from '../../../src/verify/container/procs.js';
import { containerStateRoot } from '../../../src/verify/container/state.js';
import { cleanupStaleContainers, STOP_STEPS } from '../../../src/verify/container/teardown.js';
import { mountPoints } from '../../../src/verify/mounts.js';
import { skipUnlessSystemd } from '../../helpers/systemd.js';

function noMountsUnder(dir: string): void {
  const left = [...mountPoints()].filter((m) => m === dir || m.startsWith(`${dir}/`));
  assert.deepEqual(left, [], `mounts left behind under ${dir}`);
}

test('stale state of a crashed run is unmounted and removed', async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-stale-'));
  const dir = path.join(root, 'tacd-crashed');
  await fs.mkdir(path.join(dir, 'rw'), { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', 'tacd-stale-test', path.join(dir, 'rw')]);
    // an owner pid that cannot exist: the run that made this is gone
    await fs.writeFile(path.join(dir, 'owner.json'), JSON.stringify({ ownerPid: 2 ** 30, ownerStart: '1', merged: path.join(dir, 'merged') }));
    assert.deepEqual(await cleanupStaleContainers(root), ['tacd-crashed']);
    noMountsUnder(root);
    assert.ok(!existsSync(dir));
  } finally {
    await run('umount', [path.join(dir, 'rw')], { allowFailure: true });
    await fs.rm(root, { recursive: true, force: true });
  }
  assert.equal(containerStateRoot('/x'), '/x');
});

test('cleanupStaleContainers leaves a live owner\'s container and a fresh state dir without owner.json', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-live-'));
  try {
    const mine = path.join(root, 'tacd-mine');
    await fs.mkdir(mine);
    await fs.writeFile(path.join(mine, 'owner.json'), JSON.stringify({ ownerPid: process.pid, ownerStart: processStart(process.pid), merged: path.join(mine, 'merged') }));
    await fs.mkdir(path.join(root, 'tacd-booting'));
    assert.deepEqual(await cleanupStaleContainers(root), []);
    assert.deepEqual((await fs.readdir(root)).sort(), ['tacd-booting', 'tacd-mine']);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  assert.deepEqual(await cleanupStaleContainers(path.join(root, 'gone')), [], 'a missing state root has nothing to clean');
});

test('STOP_STEPS: poweroff first, then a second SIGTERM, SIGKILL last, each bounded', () => {
  assert.deepEqual(STOP_STEPS.map(([sig]) => sig), ['SIGTERM', 'SIGTERM', 'SIGKILL']);
  assert.ok(STOP_STEPS.every(([, ms]) => ms > 0 && ms <= 20_000));
});
