// validateRpmPlan: every refusal is a DataError naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import { rpmFileName, validateRpmPlan, writeRpm } from '../../../src/formats/rpm/rpm.js';
import type { PackagePlan, PayloadEntry } from '../../../src/formats/plan.js';
import { fixturePlan, gzip } from './helpers.js';

function expectField(plan: PackagePlan, field: string, pattern: RegExp): void {
  assert.throws(
    () => validateRpmPlan(plan),
    (e: unknown) => {
      assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
      assert.equal(e.field, field);
      assert.match(e.message, pattern);
      assert.ok(e.message.startsWith(field), `message names the field: ${e.message}`);
      return true;
    },
  );
}

const base = fixturePlan();
const withMeta = (m: Partial<PackagePlan['meta']>): PackagePlan => ({ ...base, meta: { ...base.meta, ...m } });
const withPayload = (...p: PayloadEntry[]): PackagePlan => ({ ...base, payload: [...base.payload, ...p] });

test('the fixture plan is valid', () => {
  validateRpmPlan(base);
});

test('meta fields', () => {
  expectField(withMeta({ name: 'bad name' }), 'meta.name', /not a valid RPM name/);
  expectField(withMeta({ version: '1.0-2' }), 'meta.version', /no '-'/);
  expectField(withMeta({ release: '' }), 'meta.release', /needs a release/);
  expectField(withMeta({ release: 'a b' }), 'meta.release', /not a valid RPM release/);
  expectField(withMeta({ arch: 'pdp11' }), 'meta.arch', /no RPM equivalent; expected one of amd64/);
  expectField(withMeta({ epoch: -1 }), 'meta.epoch', /integer/);
  expectField(withMeta({ summary: 'two\nlines' }), 'meta.summary', /one line/);
  expectField(withMeta({ license: '' }), 'meta.license', /must not be empty/);
  expectField(withMeta({ mtime: 1.5 }), 'meta.mtime', /integer/);
  expectField(withMeta({ changelog: [{ time: 1, author: 'a', version: '1-1', changes: [] }] }), 'meta.changelog[0].changes', /at least one/);
  expectField(withMeta({ relations: { depends: [{ name: 'a b' }] } }), 'meta.relations.depends[0].name', /not a valid dependency name/);
  expectField(withMeta({ relations: { depends: [{ name: 'a', op: '>=' }] } }), 'meta.relations.depends[0]', /op and version/);
  // Soname requires carry (qualifier) suffixes; a bare or unbalanced parenthesis is still refused.
  validateRpmPlan(withMeta({ relations: { depends: [{ name: 'libc.so.6(GLIBC_2.28)(64bit)' }, { name: 'libstdc++.so.6()(64bit)' }, { name: 'rtld(GNU_HASH)' }] } }));
  for (const name of ['(a)', 'a(b', 'a)(b)', 'a(b c)']) expectField(withMeta({ relations: { depends: [{ name }] } }), 'meta.relations.depends[0].name', /not a valid dependency name/);
  expectField(withMeta({ relations: { obsoletes: [{ name: 'a', or: [{ name: 'b' }] }] } }), 'meta.relations.obsoletes[0]', /cannot have alternatives/);
});

test('payload entries', () => {
  const n = base.payload.length;
  expectField(withPayload({ kind: 'file', path: 'rel/path', mode: 0o644, data: new Uint8Array() }), `payload[${n}].path`, /absolute, normalized/);
  expectField(withPayload({ kind: 'file', path: '/a/../b', mode: 0o644, data: new Uint8Array() }), `payload[${n}].path`, /normalized/);
  expectField(withPayload({ kind: 'file', path: '/usr/lib/tacd-fixture/app.js', mode: 0o644, data: new Uint8Array() }), `payload[${n}].path`, /unique/);
  expectField(withPayload({ kind: 'file', path: '/x', mode: 0o10000, data: new Uint8Array() }), `payload[${n}].mode`, /0\.\.0o7777/);
  expectField(withPayload({ kind: 'dir', path: '/usr/bin2', mode: 0o755, owner: 'bad user' }), `payload[${n}].owner`, /not a valid user/);
  expectField(withPayload({ kind: 'symlink', path: '/l', mode: 0o777, target: '' }), `payload[${n}].target`, /non-empty target/);
  expectField(withPayload({ kind: 'symlink', path: '/usr/lib/.build-id/ab/cdef', mode: 0o777, target: '../../../bin/x' }), `payload[${n}].path`, /build-id/);
  // The app.js file used as a directory.
  const fileIdx = base.payload.findIndex((e) => e.path === '/usr/lib/tacd-fixture/app.js');
  expectField(withPayload({ kind: 'file', path: '/usr/lib/tacd-fixture/app.js/x', mode: 0o644, data: new Uint8Array() }), `payload[${fileIdx}].path`, /is a file but/);
});

test('never own distribution directories', () => {
  const plan: PackagePlan = { ...base, payload: base.payload.map((e) => (e.path === '/usr/bin' ? { ...e, owned: true } : e)) };
  const i = base.payload.findIndex((e) => e.path === '/usr/bin');
  expectField(plan, `payload[${i}].owned`, /belongs to the distribution/);
  // ts2rpm writes into these two (init script, preset file): they are chkconfig's and systemd's.
  for (const dir of ['/etc/rc.d/init.d', '/usr/lib/systemd/system-preset']) {
    const n = base.payload.length;
    expectField(withPayload({ kind: 'dir', path: dir, mode: 0o755, owned: true }), `payload[${n}].owned`, /belongs to the distribution/);
  }
});

test('writeRpm validates before writing', async () => {
  await assert.rejects(writeRpm(withMeta({ arch: 'vax' }), { compression: gzip() }), DataError);
});

test('rpmFileName maps Debian architectures', () => {
  const m = base.meta;
  assert.equal(rpmFileName(m), 'tacd-fixture-1.2.3-1.x86_64.rpm');
  assert.equal(rpmFileName({ ...m, arch: 'arm64' }), 'tacd-fixture-1.2.3-1.aarch64.rpm');
  assert.equal(rpmFileName({ ...m, arch: 'all' }), 'tacd-fixture-1.2.3-1.noarch.rpm');
  assert.equal(rpmFileName({ ...m, arch: 'i386' }), 'tacd-fixture-1.2.3-1.i686.rpm');
  assert.equal(rpmFileName({ ...m, epoch: 2 }), 'tacd-fixture-1.2.3-1.x86_64.rpm', 'the epoch is not part of the file name');
  assert.equal(rpmFileName(m, { source: true }), 'tacd-fixture-1.2.3-1.src.rpm');
  assert.throws(() => rpmFileName({ ...m, arch: 'vax' }), DataError);
});

test('a file whose content is longer than its declared size (it changed while packaging) is refused, naming it', async () => {
  const flaky = {
    size: 4,
    open: () =>
      (async function* () {
        yield new Uint8Array(5);
      })(),
  };
  const plan = withPayload({ kind: 'file', path: '/opt/flaky', mode: 0o644, data: flaky });
  await assert.rejects(writeRpm(plan, { compression: gzip() }), (e: unknown) => e instanceof DataError && /opt\/flaky/.test(e.message) && /declared size 4/.test(e.message));
  // And a shorter one.
  const short = withPayload({ kind: 'file', path: '/opt/short', mode: 0o644, data: { size: 10, open: flaky.open } });
  await assert.rejects(writeRpm(short, { compression: gzip() }), (e: unknown) => e instanceof DataError && e.field === 'payload.data');
});
