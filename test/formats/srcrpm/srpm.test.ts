// The .src.rpm end to end with rpm 4.18's own tools: rpm -qpl / -qp / -K, rpmlint,
// and `rpmbuild --rebuild`, whose binary package must read back like writeRpm(plan).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/core/exec.js';
import { PROJECT_ROOT } from '../../../src/core/paths.js';
import { DataError } from '../../../src/core/errors.js';
import type { PackagePlan } from '../../../src/formats/plan.js';
import { rpmFileName, writeRpm } from '../../../src/formats/rpm/rpm.js';
import { rpmArch } from '../../../src/formats/rpm/validate.js';
import { payloadTarball, sourceRpmFileName, sourceTarballName, writeSourceRpm } from '../../../src/formats/srcrpm/srpm.js';
import { renderSpec } from '../../../src/formats/srcrpm/spec.js';
import { gzip, needTools, rpmq, splitRpm, tmp, xz } from '../rpm/helpers.js';
import { srcFixturePlan } from './fixture.js';

let work: { dir: string; cleanup: () => void };
let srpm: string;
const PLAN = srcFixturePlan();

before(async () => {
  work = tmp('srcrpm');
  srpm = path.join(work.dir, sourceRpmFileName(PLAN.meta));
  writeFileSync(srpm, Buffer.concat(await writeSourceRpm(PLAN, { compression: gzip() })));
});
after(() => work.cleanup());

test('file name, lead type 1, SOURCEPACKAGE = 1, no SOURCERPM, arch src; rpm -K digests OK', async (t) => {
  assert.equal(path.basename(srpm), 'tacd-srcfix-1.4.0-2.src.rpm');
  const bytes = readFileSync(srpm);
  assert.equal(bytes.readUInt16BE(6), 1, 'lead type 1 (source)');
  if (await needTools(t, 'rpm')) return;
  assert.equal((await rpmq(['-K', srpm])).stdout.trim(), `${srpm}: digests OK`);
  const q = await rpmq(['-qp', '--qf', '%{SOURCEPACKAGE} %{SOURCERPM} %{ARCH} %{NEVR}\n', srpm]);
  assert.equal(q.exitCode, 0, q.stderr);
  assert.equal(q.stdout, '1 (none) src tacd-srcfix-1.4.0-2\n');
});

test('rpm -qpl lists NAME.spec and the Source0 tarball, as bare names; the spec is flagged specfile; only NAME = EVR provided', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const l = await rpmq(['-qpl', srpm]);
  assert.equal(l.exitCode, 0, l.stderr);
  assert.equal(l.stdout, 'tacd-srcfix-1.4.0.tar.gz\ntacd-srcfix.spec\n');
  const f = await rpmq(['-qp', '--qf', '[%{FILENAMES} %{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME}\n]', srpm]);
  assert.equal(f.stdout, 'tacd-srcfix-1.4.0.tar.gz  -rw-r--r-- root:root\ntacd-srcfix.spec s -rw-r--r-- root:root\n');
  const deps = await rpmq(['-qp', '--qf', '[P %{PROVIDENEVRS}\n][R %{REQUIRENEVRS}\n]', srpm]);
  assert.equal(deps.stdout, 'P tacd-srcfix = 1.4.0-2\nR rpmlib(CompressedFileNames) <= 3.0.4-1\nR rpmlib(FileDigests) <= 4.6.0-1\n');
  // The payload is the spec and the tarball, byte for byte.
  mkdirSync(path.join(work.dir, 'x'), { recursive: true });
  const x = await run('sh', ['-c', 'cd "$2" && rpm2cpio "$1" | cpio -i --quiet && ls', 'sh', srpm, path.join(work.dir, 'x')], { allowFailure: true });
  assert.equal(x.stdout, 'tacd-srcfix-1.4.0.tar.gz\ntacd-srcfix.spec\n', x.stderr);
  assert.equal(readFileSync(path.join(work.dir, 'x/tacd-srcfix.spec'), 'utf8'), renderSpec(PLAN, { sourceName: sourceTarballName(PLAN.meta) }));
  assert.deepEqual(readFileSync(path.join(work.dir, 'x/tacd-srcfix-1.4.0.tar.gz')), Buffer.from(await payloadTarball(PLAN)));
});

test('Source0: GNU tar, sorted, implied parents, root owners, plan mtime, no %ghost, no PAX', async (t) => {
  const tar = gunzipSync(await payloadTarball(PLAN));
  // No PAX ('x'/'g') headers anywhere.
  for (let off = 0; off + 512 <= tar.length; off += 512) {
    const name = tar.subarray(off, off + 100).toString('latin1');
    assert.ok(!name.startsWith('././@PaxHeader'), 'no PAX header');
  }
  if (await needTools(t, 'tar')) return;
  const file = path.join(work.dir, 'src0.tar.gz');
  writeFileSync(file, await payloadTarball(PLAN));
  const r = await run('tar', ['--list', '--verbose', '--numeric-owner', '--full-time', '-zf', file], { env: { TZ: 'UTC', LC_ALL: 'C' } });
  const lines = r.stdout.trim().split('\n').map((l) => l.replace(/\s+/g, ' '));
  const names = lines.map((l) => l.split(' ').slice(5).join(' '));
  assert.deepEqual(names, [
    './etc/',
    './etc/tacd-srcfix/',
    './etc/tacd-srcfix/config.json',
    './usr/',
    './usr/bin/',
    './usr/bin/tacd-srcfix -> ../lib/tacd-srcfix/app',
    './usr/lib/',
    './usr/lib/systemd/',
    './usr/lib/systemd/system/',
    './usr/lib/systemd/system/tacd-srcfix.service',
    './usr/lib/tacd-srcfix/',
    './usr/lib/tacd-srcfix/app',
    './usr/lib/tacd-srcfix/with space.txt',
    './usr/share/',
    './usr/share/doc/',
    './usr/share/doc/tacd-srcfix/',
    './usr/share/doc/tacd-srcfix/README',
    './usr/share/licenses/',
    './usr/share/licenses/tacd-srcfix/',
    './usr/share/licenses/tacd-srcfix/LICENSE',
    './var/',
    './var/lib/',
    './var/lib/tacd-srcfix/',
  ]);
  for (const l of lines) {
    assert.match(l, / 0\/0 /, l);
    assert.match(l, / 2023-11-14 22:13:20 /, l);
  }
  assert.match(lines.find((l) => l.endsWith('./usr/lib/tacd-srcfix/app'))!, /^-rwxr-xr-x /);
  assert.match(lines.find((l) => l.endsWith('./var/lib/tacd-srcfix/'))!, /^drwxr-x--- /);
  assert.match(lines.find((l) => l.endsWith('./var/'))!, /^drwxr-xr-x /);
});

test('rpmlint: 0 errors on the .src.rpm (only the no-signature noise filtered)', async (t) => {
  if (await needTools(t, 'rpmlint')) return;
  const rc = path.join(PROJECT_ROOT, 'test/fixtures/srcrpm/srpm.rpmlintrc');
  const r = await run('rpmlint', ['-r', rc, srpm], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
  const summary = /(\d+) errors, (\d+) warnings/.exec(r.stdout);
  assert.ok(summary, `rpmlint printed no summary:\n${r.stdout}${r.stderr}`);
  assert.equal(Number(summary[1]), 0, r.stdout);
  assert.doesNotMatch(r.stdout, /invalid-spec-name|no-group-tag|no-changelogname-tag|no-packager-tag/);
});

/**
 * rpmbuild --rebuild of our .src.rpm, queried like writeRpm(plan)'s package. The
 * build pins what would otherwise come from the build host: SOURCE_DATE_EPOCH with
 * use_source_date_epoch_as_buildtime (BUILDTIME) and clamp_mtime_to_source_date_epoch
 * (the %ghost's mtime, absent from the buildroot, else the wall clock), _buildhost.
 */
async function rebuildAndCompare(t: { skip: (m: string) => void }, plan: PackagePlan, label: string): Promise<void> {
  const dir = path.join(work.dir, `rebuild-${label}`);
  mkdirSync(dir);
  const src = path.join(dir, sourceRpmFileName(plan.meta));
  writeFileSync(src, Buffer.concat(await writeSourceRpm(plan, { compression: xz() })));
  const arch = rpmArch(plan.meta.arch);
  const top = path.join(dir, 'top');
  const built = await run(
    'rpmbuild',
    [
      '--rebuild',
      ...(arch === 'noarch' ? [] : ['--target', arch]),
      '--define', `_topdir ${top}`,
      '--define', 'use_source_date_epoch_as_buildtime 1',
      '--define', 'clamp_mtime_to_source_date_epoch 1',
      '--define', `_buildhost ${plan.meta.buildHost}`,
      src,
    ],
    { allowFailure: true, env: { SOURCE_DATE_EPOCH: String(plan.meta.mtime), LC_ALL: 'C.UTF-8' } },
  );
  assert.equal(built.exitCode, 0, `rpmbuild --rebuild failed:\n${built.stdout}\n${built.stderr}`);
  assert.doesNotMatch(built.stderr, /warning:/i, built.stderr);
  const theirs = path.join(top, 'RPMS', arch, rpmFileName(plan.meta));
  const ours = path.join(dir, 'ours.rpm');
  writeFileSync(ours, Buffer.concat(await writeRpm(plan, { compression: gzip() })));
  const owned = plan.payload.filter((e) => e.kind !== 'dir' || e.owned === true).length;
  assert.equal((await rpmq(['-qp', '--dump', theirs])).stdout.trim().split('\n').length, owned, 'every owned path is in the rebuilt package');
  // Noon UTC of the entry's day: a spec's %changelog date has no time of day.
  const noon = (s: number) => Math.floor(s / 86400) * 86400 + 43200;
  const queries: [string, string[]][] = [
    ['--dump', ['-qp', '--dump']],
    ['--scripts', ['-qp', '--scripts']],
    ['--requires', ['-qp', '--requires']],
    ['--provides', ['-qp', '--provides']],
    ['--changelog', ['-qp', '--changelog']],
    ['file flags', ['-qp', '--qf', '[%{FILENAMES} %{FILEFLAGS:fflags} %{FILEVERIFYFLAGS} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILELINKTOS} %{FILERDEVS} %{FILEDEVICES} %{FILEMTIMES}\n]']],
    ['dependency flags', ['-qp', '--qf', '[R %{REQUIRENEVRS} %{REQUIREFLAGS}\n][P %{PROVIDENEVRS} %{PROVIDEFLAGS}\n][C %{CONFLICTNEVRS} %{CONFLICTFLAGS}\n][O %{OBSOLETENEVRS} %{OBSOLETEFLAGS}\n][RC %{RECOMMENDNEVRS} %{RECOMMENDFLAGS}\n][S %{SUGGESTNEVRS} %{SUGGESTFLAGS}\n]']],
    ['scalars', ['-qp', '--qf', '%{NEVRA} %{SUMMARY}|%{GROUP}|%{URL}|%{VENDOR}|%{PACKAGER}|%{LICENSE}|%{SIZE}|%{SOURCERPM}|%{BUILDTIME}|%{BUILDHOST}|%{OS}\n%{DESCRIPTION}\n']],
    ['changelog', ['-qp', '--qf', '[%{CHANGELOGTIME} %{CHANGELOGNAME}\n%{CHANGELOGTEXT}\n]']],
  ];
  for (const [what, args] of queries) {
    const a = await rpmq([...args, ours]);
    const b = await rpmq([...args, theirs]);
    assert.equal(a.exitCode, 0, a.stderr);
    assert.equal(b.exitCode, 0, b.stderr);
    assert.ok(b.stdout.trim() !== '', `${label}: ${what} printed nothing`);
    let expected = a.stdout;
    if (what === 'dependency flags') {
      // config(N) is declared in the spec (AutoReqProv: no): rpm marks only generated ones RPMSENSE_CONFIG (1 << 28).
      expected = expected.replace(/^([RP] config\(\S+\) = \S+) (\d+)$/gm, (_, d: string, f: string) => `${d} ${Number(f) & ~(1 << 28)}`);
    }
    if (what === 'changelog') expected = expected.replace(/^(\d+) /gm, (_, s: string) => `${noon(Number(s))} `);
    assert.deepEqual(b.stdout.split('\n'), expected.split('\n'), `${label}: ${what} of the rebuilt package differs from writeRpm's`);
  }
  // What rpmbuild adds on top (never compared): PLATFORM, OPTFLAGS, COOKIE, the libmagic FILECLASS, PAYLOADCOMPRESSOR.
  const s = await rpmq(['-qp', '--qf', '%{SOURCERPM}\n', theirs]);
  assert.equal(s.stdout, `${sourceRpmFileName(plan.meta)}\n`);
}

test('rpmbuild --rebuild gives back the package writeRpm(plan) writes: dump, scripts, requires, provides, file and dependency flags', async (t) => {
  if (await needTools(t, 'rpmbuild', 'rpm', 'tar')) return;
  await rebuildAndCompare(t, PLAN, 'x86_64');
});

test('rpmbuild --rebuild of a noarch plan (BuildArch: noarch, no --target needed), with an epoch', async (t) => {
  if (await needTools(t, 'rpmbuild', 'rpm', 'tar')) return;
  await rebuildAndCompare(t, srcFixturePlan({ arch: 'all', epoch: 2 }), 'noarch');
});

test('rpmbuild --rebuild --target aarch64 of an arm64 plan on any host; without --target, ExclusiveArch refuses a foreign host', async (t) => {
  if (await needTools(t, 'rpmbuild', 'rpm', 'tar')) return;
  await rebuildAndCompare(t, srcFixturePlan({ arch: 'arm64' }), 'aarch64');
  const host = (await run('rpm', ['--eval', '%{_target_cpu}'])).stdout.trim();
  if (host === 'aarch64') return;
  const src = path.join(work.dir, 'rebuild-aarch64', sourceRpmFileName(PLAN.meta));
  const r = await run('rpmbuild', ['--rebuild', '--define', `_topdir ${path.join(work.dir, 'rebuild-aarch64', 'host')}`, src], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
  assert.notEqual(r.exitCode, 0);
  assert.match(r.stderr, /Architecture is not included/);
});

test('byte-reproducible: the same plan gives the same .src.rpm (gzip and xz payloads)', async () => {
  for (const c of [gzip, xz]) {
    const a = Buffer.concat(await writeSourceRpm(srcFixturePlan(), { compression: c() }));
    const b = Buffer.concat(await writeSourceRpm(srcFixturePlan(), { compression: c() }));
    assert.ok(a.equals(b), `${c.name}: two builds differ`);
  }
  const a = Buffer.concat(await writeSourceRpm(srcFixturePlan(), { compression: gzip() }));
  const later = Buffer.concat(await writeSourceRpm(srcFixturePlan({ mtime: 1700000001 }), { compression: gzip() }));
  assert.ok(!a.equals(later), 'the plan mtime is what stamps the package');
  // The header records no build host or clock beyond the plan's.
  const tags = new Map(splitRpm(a).header.entries.map((e) => [e.tag, e.value]));
  assert.deepEqual(tags.get(1006), [1700000000], 'BUILDTIME is the plan mtime');
  assert.equal(tags.get(1007), 'build.example.org');
});

test('bad input: a version or release rpm refuses is a DataError naming the field, before anything is written', async () => {
  for (const [meta, field] of [[{ version: '1.4-0' }, 'meta.version'], [{ release: 'a:b' }, 'meta.release'], [{ version: '' }, 'meta.version']] as const) {
    await assert.rejects(writeSourceRpm(srcFixturePlan(meta), { compression: gzip() }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'tacd.rpm.plan');
      assert.equal(e.field, field);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
});
