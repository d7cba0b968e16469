// The --output folder: checked and probed before the build, made with bounded `mkdir -p`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../../src/core/errors.js';
import { checkOutputDir, createOutputDir, removeCreatedDirs } from '../../../src/cli/package/output-dir.js';
import { tempDir } from '../../packaging/helpers.js';

test('a folder that cannot be made (under /proc) fails at once with 73 naming it; nothing is left', () => {
  assert.throws(
    () => checkOutputDir('/proc/nope/deeper'),
    (e: unknown) => exitCodeOf(e) === 73 && describeError(e) === '--output /proc/nope/deeper: cannot create the folder /proc/nope (ENOENT)',
  );
  assert.equal(existsSync('/proc/nope'), false);
});

test('createOutputDir makes the missing levels top first; removeCreatedDirs takes them away again', () => {
  const root = tempDir('tacd-outdir-');
  try {
    const dir = path.join(root, 'a', 'b', 'c');
    checkOutputDir(dir);
    assert.equal(existsSync(path.join(root, 'a')), false, 'the probe leaves nothing');
    const made = createOutputDir(dir);
    assert.deepEqual(made, [path.join(root, 'a'), path.join(root, 'a', 'b'), dir]);
    assert.deepEqual(createOutputDir(dir), [], 'an existing folder needs nothing');
    removeCreatedDirs(made);
    assert.equal(existsSync(path.join(root, 'a')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file in the way is 73: as the folder itself, or as one of its parents', () => {
  const root = tempDir('tacd-outdir-');
  try {
    const file = path.join(root, 'f');
    writeFileSync(file, 'mine');
    assert.throws(() => checkOutputDir(file), /^CantCreateError: --output .*\/f: exists and is not a folder$/);
    assert.throws(() => checkOutputDir(path.join(file, 'x')), (e: unknown) => exitCodeOf(e) === 73 && /is not a folder$/.test(describeError(e)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
