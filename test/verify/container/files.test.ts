// src/verify/container/files.ts: paths resolved inside a root, never on the host (runs on any tree, no container).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TacError } from '../../../src/core/errors.js';
import { copyInto, readFrom, resolveInside, writeInto } from '../../../src/verify/container/files.js';

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-root-'));
  try {
    await fn(root);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

test('resolveInside: absolute and relative symlinks, the last component\'s too, and .. stay under the root', () =>
  withRoot(async (root) => {
    await fs.mkdir(path.join(root, 'run'));
    await fs.mkdir(path.join(root, 'var'));
    await fs.symlink('/run', path.join(root, 'var/run'));
    await fs.symlink('../run/target', path.join(root, 'var/rel'));
    await fs.symlink('/etc/passwd', path.join(root, 'var/passwd'));
    assert.equal(await resolveInside(root, '/var/run/x', false), path.join(root, 'run/x'));
    assert.equal(await resolveInside(root, 'var/rel', false), path.join(root, 'run/target'));
    assert.equal(await resolveInside(root, '/var/passwd', false), path.join(root, 'etc/passwd'));
    assert.equal(await resolveInside(root, '/../../var/./run/../x', false), path.join(root, 'x'));
    assert.equal(existsSync(path.join(root, 'a')), false);
    assert.equal(await resolveInside(root, '/a/b/c', true), path.join(root, 'a/b/c'));
    assert.equal((await fs.stat(path.join(root, 'a/b'))).isDirectory(), true, 'parents created');
  }));

test('resolveInside: a symlink loop fails after 40 hops with one line', () =>
  withRoot(async (root) => {
    await fs.symlink('/loop', path.join(root, 'loop'));
    await assert.rejects(resolveInside(root, '/loop', false), (e: unknown) => e instanceof TacError && e.code === 'tacd.verify.path' && e.message === 'too many symlinks resolving /loop in the container');
  }));

test('copyInto, writeInto, readFrom: through the resolved path, with modes', () =>
  withRoot(async (root) => {
    await fs.mkdir(path.join(root, 'run'));
    await fs.symlink('/run', path.join(root, 'link'));
    const src = path.join(root, 'src.txt');
    await fs.writeFile(src, 'copied');
    await copyInto(root, src, '/link/sub/c.txt', { mode: 0o600 });
    assert.equal(await fs.readFile(path.join(root, 'run/sub/c.txt'), 'utf8'), 'copied');
    assert.equal((await fs.stat(path.join(root, 'run/sub/c.txt'))).mode & 0o777, 0o600);
    await writeInto(root, '/link/w.txt', 'written', 0o640);
    assert.equal((await readFrom(root, '/run/w.txt')).toString(), 'written');
    assert.equal((await fs.stat(path.join(root, 'run/w.txt'))).mode & 0o777, 0o640);
  }));
