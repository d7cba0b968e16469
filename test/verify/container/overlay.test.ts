// src/verify/container/overlay.ts: the overlay's options and the pre-boot changes to the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { overlayOptions, prepareRoot } from '../../../src/verify/container/overlay.js';

test('overlayOptions: the rootfs as lower dir, upper and work on the tmpfs', () => {
  assert.equal(overlayOptions('/cache/x/root', '/run/s/rw'), 'lowerdir=/cache/x/root,upperdir=/run/s/rw/upper,workdir=/run/s/rw/work');
});

test('prepareRoot: policy-rc.d removed, the units masked', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-merged-'));
  try {
    await fs.mkdir(path.join(root, 'usr/sbin'), { recursive: true });
    await fs.mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
    await fs.writeFile(path.join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n');
    await prepareRoot(root, ['cron.service']);
    assert.equal(existsSync(path.join(root, 'usr/sbin/policy-rc.d')), false);
    assert.equal(await fs.readlink(path.join(root, 'etc/systemd/system/cron.service')), '/dev/null');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
