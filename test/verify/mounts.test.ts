// src/verify/mounts.ts: mountinfo parsing, and unmounting what is not mounted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeMountPath, mountPoints, parseMountPoints, unmountIfMounted } from '../../src/verify/mounts.js';

test('parseMountPoints: field 5 of each mountinfo line, octal escapes decoded', () => {
  const text = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '45 22 0:40 / /run/tacd/with\\040space rw - tmpfs tmpfs rw',
    '',
  ].join('\n');
  assert.deepEqual([...parseMountPoints(text)], ['/', '/run/tacd/with space']);
  assert.equal(decodeMountPath('a\\011b\\134c'), 'a\tb\\c');
});

test('mountPoints: this namespace has a root mount; unmountIfMounted of a plain dir is true at once', async () => {
  assert.ok(mountPoints().has('/'));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-nomount-'));
  try {
    assert.equal(await unmountIfMounted(dir), true);
  } finally {
    await fs.rm(dir, { recursive: true });
  }
});
