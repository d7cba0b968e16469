// The build's timestamp: SOURCE_DATE_EPOCH when set (validated), else the
// app's git HEAD commit time, else the newest mtime of its files (node_modules
// and dot folders left out), else the clock; the source is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataError, exitCodeOf } from '../../src/core/errors.js';
import { EARLIEST_MTIME } from '../../src/formats/epoch.js';
import { run } from '../../src/core/exec.js';
import { buildEpoch, newestMtime, sourceDateEpoch } from '../../src/plan/source-date-epoch.js';
import { tempDir } from '../packaging/helpers.js';

const now = (): number => 1_800_000_000;

function file(dir: string, name: string, mtime: number): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), name);
  utimesSync(path.join(dir, name), mtime, mtime);
}

test('SOURCE_DATE_EPOCH wins and is validated', async () => {
  assert.deepEqual(await buildEpoch({ SOURCE_DATE_EPOCH: '1700000000' }, { appDir: '/nonexistent', now }), { seconds: 1700000000, source: 'SOURCE_DATE_EPOCH', detail: 'SOURCE_DATE_EPOCH=1700000000' });
  await assert.rejects(buildEpoch({ SOURCE_DATE_EPOCH: 'yesterday' }, { now }), DataError);
  assert.throws(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: '100' }, now), /too old/);
  assert.equal(sourceDateEpoch({}, now), 1_800_000_000);
});

test('outside git: the newest mtime of the app folder, node_modules and dot folders left out', async () => {
  const dir = tempDir('tacd-sde-');
  try {
    file(dir, 'app.tac.ts', 1_600_000_000);
    file(dir, 'src/lib.ts', 1_650_000_000);
    file(dir, 'node_modules/dep/index.js', 1_750_000_000);
    file(dir, '.cache/x', 1_760_000_000);
    assert.equal(newestMtime(dir), 1_650_000_000);
    const e = await buildEpoch({ SOURCE_DATE_EPOCH: '' }, { appDir: dir, now });
    assert.equal(e.seconds, 1_650_000_000);
    assert.equal(e.source, 'mtime');
    assert.match(e.detail, /newest mtime/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outside git: package files and the --output folder are outputs, never inputs', async () => {
  const dir = tempDir('tacd-sde-out-');
  try {
    file(dir, 'app.tac.ts', 1_600_000_000);
    for (const name of ['echo_1.0-1_amd64.deb', 'echo-1.0-1.x86_64.rpm', 'echo-1.0-1.src.rpm', 'echo_1.0-1.dsc', 'echo_1.0.orig.tar.gz', 'echo_1.0-1.debian.tar.xz', 'echo_1.0-1_source.changes', 'echo_1.0-1_amd64.buildinfo']) {
      file(dir, name, 1_700_000_000);
    }
    file(dir, 'dist/out/anything.txt', 1_700_000_000);
    file(dir, 'assets/data.tar.gz', 1_610_000_000);
    assert.equal(newestMtime(dir, [path.join(dir, 'dist/out')]), 1_610_000_000);
    assert.equal((await buildEpoch({}, { appDir: dir, exclude: [path.join(dir, 'dist/out')], now })).seconds, 1_610_000_000);
    assert.equal(newestMtime(dir), 1_700_000_000, 'a folder not excluded is an input');
    assert.equal(newestMtime(dir, [dir]), 1_700_000_000, 'the app folder itself is never left out');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in git: the commit time of HEAD, whatever the files\' mtimes', async (t) => {
  const dir = tempDir('tacd-sde-git-');
  try {
    file(dir, 'app.tac.ts', 1_600_000_000);
    const git = (...args: string[]) => run('git', ['-C', dir, ...args], { env: { GIT_AUTHOR_DATE: '@1650000123 +0000', GIT_COMMITTER_DATE: '@1650000123 +0000', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' } });
    try {
      await git('init', '-q');
    } catch {
      return t.skip('git is not installed: the git source cannot be tested');
    }
    await git('add', '.');
    await git('commit', '-q', '-m', 'x');
    file(dir, 'app.tac.ts', 1_700_000_000);
    const e = await buildEpoch({}, { appDir: dir, now });
    assert.deepEqual([e.seconds, e.source], [1_650_000_123, 'git']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no folder, or an empty one: the clock; times before 1976 are raised to it', async () => {
  const dir = tempDir('tacd-sde-');
  try {
    assert.deepEqual((await buildEpoch({}, { appDir: dir, now })).source, 'clock');
    assert.equal((await buildEpoch({}, { now })).seconds, 1_800_000_000);
    file(dir, 'old', 1000);
    assert.equal((await buildEpoch({}, { appDir: dir, now })).seconds, 189_302_400);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a set value is used; unset or empty falls back', () => {
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' }, () => 5), 1700000000);
  assert.equal(sourceDateEpoch({}, () => 1790000000), 1790000000);
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '' }, () => 1790000000), 1790000000);
});

test('a malformed or too old value is a data error (65) naming the variable', () => {
  for (const bad of ['abc', '-1', '1.5', ' 17', String(EARLIEST_MTIME - 1), '0']) {
    assert.throws(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: bad }, () => 0), (e: unknown) => exitCodeOf(e) === 65 && /^SOURCE_DATE_EPOCH=/.test((e as Error).message), bad);
  }
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: String(EARLIEST_MTIME) }, () => 0), EARLIEST_MTIME);
});
