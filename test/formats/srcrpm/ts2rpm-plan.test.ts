// The .src.rpm of a real ts2rpm plan (the 'echo' plugin, system node: the same
// templates, bundle and layout `ts2rpm --plugin echo --runtime system` writes),
// rebuilt with rpmbuild --rebuild and compared with writeRpm's package: the real
// templates' description, scriptlets and payload must fit a spec unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleApp } from '../../../src/bundle/bundle.js';
import { haveProgram, run } from '../../../src/core/exec.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import type { PackagePlan } from '../../../src/formats/plan.js';
import { rpmFileName, writeRpm } from '../../../src/formats/rpm/rpm.js';
import { rpmArch } from '../../../src/formats/rpm/validate.js';
import { sourceRpmFileName, writeSourceRpm } from '../../../src/formats/srcrpm/srpm.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { normalizeSpec } from '../../../src/plan/spec.js';
import { createRenderer } from '../../../src/render/render.js';
import { PROJECT_ROOT } from '../../../src/core/paths.js';
import { rpmq } from '../rpm/helpers.js';

const MTIME = 1763769600;

describe('source RPM of a real ts2rpm plan (plugin echo, system node)', () => {
  let dir: string;
  let plan: PackagePlan;
  let direct: string;
  let rebuilt: string;
  let srpm: string;
  let skip: string | undefined;

  before(async () => {
    for (const p of ['rpmbuild', 'rpm', 'tar']) if (!(await haveProgram(p))) skip = `${p} not installed`;
    dir = mkdtempSync(path.join(tmpdir(), 'tacd-srcrpm-real-'));
    const spec = normalizeSpec({
      cli: { name: 'tacd-echo', version: '2.0.1', maintainer: 'Jane Doe <jane@example.org>', runtime: 'system', license: 'MIT' },
      source: { kind: 'plugin', plugin: 'echo', args: ['--port', '7001'] },
      cwd: dir,
      execPath: process.execPath,
    });
    const readNode = (): never => {
      throw new Error('no node binary with --runtime system');
    };
    plan = (await buildPlan(spec, 'rpm', { render: createRenderer(), bundle: bundleApp, readNode, mtime: MTIME })).plan;
    srpm = path.join(dir, sourceRpmFileName(plan.meta));
    writeFileSync(srpm, Buffer.concat(await writeSourceRpm(plan, { compression: gzipCompressor() })));
    direct = path.join(dir, 'direct.rpm');
    writeFileSync(direct, Buffer.concat(await writeRpm(plan, { compression: gzipCompressor() })));
    if (skip) return;
    const arch = rpmArch(plan.meta.arch);
    const top = path.join(dir, 'top');
    const r = await run(
      'rpmbuild',
      ['--rebuild', ...(arch === 'noarch' ? [] : ['--target', arch]), '--define', `_topdir ${top}`, '--define', 'use_source_date_epoch_as_buildtime 1', '--define', 'clamp_mtime_to_source_date_epoch 1', '--define', `_buildhost ${plan.meta.buildHost ?? 'localhost'}`, srpm],
      { allowFailure: true, env: { SOURCE_DATE_EPOCH: String(MTIME), LC_ALL: 'C.UTF-8' } },
    );
    assert.equal(r.exitCode, 0, `rpmbuild --rebuild failed:\n${r.stdout}\n${r.stderr}`);
    rebuilt = path.join(top, 'RPMS', arch, rpmFileName(plan.meta));
  });
  after(() => {
    if (dir && process.env['TACD_KEEP_TMP'] !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test('rpm -qpl: the spec and Source0', async (t) => {
    if (skip) return t.skip(skip);
    const l = await rpmq(['-qpl', srpm]);
    assert.equal(l.stdout, `tacd-echo-2.0.1.tar.gz\ntacd-echo.spec\n`);
  });

  test('rpmlint: 0 errors on the .src.rpm', async (t) => {
    if (!(await haveProgram('rpmlint'))) return t.skip('rpmlint not installed');
    const r = await run('rpmlint', ['-r', path.join(PROJECT_ROOT, 'test/fixtures/srcrpm/srpm.rpmlintrc'), srpm], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
    const summary = /(\d+) errors, (\d+) warnings/.exec(r.stdout);
    assert.ok(summary, r.stdout + r.stderr);
    assert.equal(Number(summary[1]), 0, r.stdout);
  });

  test("rebuilt package: same --dump, scriptlets, requires (with their phases), provides and file flags as ts2rpm's", async (t) => {
    if (skip) return t.skip(skip);
    const phases = ['--qf', '[%{REQUIRENEVRS} %{REQUIREFLAGS:deptype}\n]'];
    const withPhases = (await rpmq(['-qp', ...phases, direct])).stdout.split('\n');
    for (const want of ['shadow-utils pre', 'systemd post', 'systemd preun', 'systemd postun']) assert.ok(withPhases.includes(want), `${want} in:\n${withPhases.join('\n')}`);
    for (const args of [['--dump'], ['--scripts'], ['--requires'], phases, ['--provides'], ['--qf', '[%{FILENAMES} %{FILEFLAGS:fflags} %{FILEVERIFYFLAGS} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME}\n]%{DESCRIPTION}\n%{SUMMARY}|%{LICENSE}|%{GROUP}|%{URL}|%{PACKAGER}|%{BUILDTIME}\n']]) {
      const a = await rpmq(['-qp', ...args, direct]);
      const b = await rpmq(['-qp', ...args, rebuilt]);
      assert.equal(b.exitCode, 0, b.stderr);
      // config(N) is spelled out in the spec (AutoReqProv: no): rpm marks only generated ones 'config'.
      const expected = args === phases ? a.stdout.replace(/^(config\(\S+\) = \S+) config$/gm, '$1 manual') : a.stdout;
      assert.deepEqual(b.stdout.split('\n'), expected.split('\n'), `rpm -qp ${args.join(' ')}`);
    }
  });
});
