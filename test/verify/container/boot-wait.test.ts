// src/verify/container/boot-wait.ts: a failed boot's one line, from the console log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { bootFailure, consoleReason } from '../../../src/verify/container/boot-wait.js';

test('consoleReason: the last meaningful console line, nspawn\'s greeting skipped', () => {
  assert.equal(consoleReason('Spawning container x on /m.\nPress ^] three times within 1s to kill container.\n  Failed to execute /sbin/init: No such file  \nDetected virtualization systemd-nspawn.\n\n'), 'Failed to execute /sbin/init: No such file');
  assert.equal(consoleReason('Spawning container x on /m.'), '');
});

test('bootFailure: one line with the reason and the console line; the whole tail as the cause', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-console-'));
  try {
    const log = path.join(dir, 'console.log');
    await fs.writeFile(log, `${Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')}\n`);
    const e = await bootFailure('tacd-x', log, 'systemd-nspawn exited during boot');
    assert.equal(e.code, 'tacd.verify.boot');
    assert.equal(e.exitCode, ExitCode.UNAVAILABLE);
    assert.equal(e.message, 'container tacd-x: systemd-nspawn exited during boot; console: line 19');
    assert.equal((e.cause as Error).message, `console of tacd-x:\n${Array.from({ length: 15 }, (_, i) => `line ${i + 5}`).join('\n')}`);
    assert.equal((await bootFailure('tacd-x', path.join(dir, 'none'), 'why')).message, 'container tacd-x: why');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
