// The atomic write of a build's outputs: all or nothing, never a user's file replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../../src/core/errors.js';
import { writeAtomically } from '../../../src/cli/package/atomic-write.js';
import { tempDir } from '../../packaging/helpers.js';

test('writeAtomically: a failed rename leaves no temp file and is EX_CANTCREAT', async () => {
  const out = tempDir('tacd-out-');
  try {
    mkdirSync(path.join(out, 'x.deb'));
    await assert.rejects(() => writeAtomically(out, 'x.deb', [Buffer.from('data')], () => true), (e: unknown) => exitCodeOf(e) === 73 && /cannot (write|replace) .*x\.deb/.test(describeError(e)));
    assert.deepEqual(readdirSync(out), ['x.deb']);
    const deb = Buffer.from('!<arch>\ndebian-binary   ...');
    await writeAtomically(out, 'y.deb', [deb, Buffer.from('one')]);
    await writeAtomically(out, 'y.deb', [deb, Buffer.from('two')]);
    assert.deepEqual(readdirSync(out).sort(), ['x.deb', 'y.deb'], 'our previous output of the same name is replaced, nothing else');
    writeFileSync(path.join(out, 'z.deb'), 'my notes');
    await assert.rejects(() => writeAtomically(out, 'z.deb', [deb]), /refusing to replace .*z\.deb: it exists and is not a package/);
    assert.equal(readFileSync(path.join(out, 'z.deb'), 'utf8'), 'my notes', "the user's file is untouched");
    assert.deepEqual(readdirSync(out).sort(), ['x.deb', 'y.deb', 'z.deb']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("writeAtomically: a killed run's temp file of the same name (over 10 minutes old) is removed; a fresh one, or another name's, is not", async () => {
  const out = tempDir('tacd-out-');
  try {
    const stale = path.join(out, '.y.deb.0123456789ab.tmp');
    const fresh = path.join(out, '.y.deb.ba9876543210.tmp');
    const other = path.join(out, '.z.deb.0123456789ab.tmp');
    const mine = path.join(out, '.y.deb.notes.tmp');
    for (const f of [stale, fresh, other, mine]) writeFileSync(f, 'partial');
    const old = new Date(Date.now() - 11 * 60_000);
    for (const f of [stale, other, mine]) utimesSync(f, old, old);
    await writeAtomically(out, 'y.deb', [Buffer.from('!<arch>\ndebian-binary   ...')]);
    assert.deepEqual(readdirSync(out).sort(), ['.y.deb.ba9876543210.tmp', '.y.deb.notes.tmp', '.z.deb.0123456789ab.tmp', 'y.deb']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

