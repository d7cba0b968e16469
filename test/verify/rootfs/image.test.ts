// src/verify/rootfs/image.ts: masking units, and the shell quoting of chroot scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { MASKED_UNITS, maskUnits, sh1 } from '../../../src/verify/rootfs/image.js';

test('sh1: any string survives sh as one word', () => {
  for (const s of ["it's", '$(touch x) `y` "z"', 'a\nb', '']) {
    const r = spawnSync('sh', ['-c', `printf %s ${sh1(s)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, s);
  }
});

test('maskUnits: each unit is a link to /dev/null in etc/systemd/system, replacing what was there', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-mask-'));
  try {
    await fs.mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/systemd/system/fstrim.timer'), '[Timer]\n');
    await maskUnits(root, ['fstrim.timer', 'apt-daily.timer']);
    for (const u of ['fstrim.timer', 'apt-daily.timer']) assert.equal(await fs.readlink(path.join(root, 'etc/systemd/system', u)), '/dev/null');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  assert.ok(MASKED_UNITS.includes('systemd-timesyncd.service'));
});
