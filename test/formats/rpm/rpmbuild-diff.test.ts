// Differential test: the awkward fixture built by rpmbuild from an equivalent
// spec (staged buildroot, no file scanned for dependencies) must read back the same as ours:
// identical --dump lines, file flags, verify flags, relations and scriptlets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, createReadStream, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/core/exec.js';
import { readElf, rpmElfRequires } from '../../../src/bundle/elf.js';
import type { FileEntry, PackagePlan, Relation } from '../../../src/formats/plan.js';
import { fixturePlan, needTools, rpmq, tmp, writeRpmFile } from './helpers.js';

const OPS: Record<string, string> = { '<<': '<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>' };
function dep(r: Relation): string {
  const one = (a: Relation) => (a.op ? `${a.name} ${OPS[a.op]} ${a.version}` : a.name);
  return r.or?.length ? `(${[r, ...r.or].map(one).join(' or ')})` : one(r);
}

async function contentOf(e: FileEntry): Promise<Buffer> {
  if (e.data instanceof Uint8Array) return Buffer.from(e.data);
  const parts: Uint8Array[] = [];
  for await (const c of e.data.open()) parts.push(c);
  return Buffer.concat(parts);
}

/** Stages the plan as a buildroot and writes the matching spec. */
async function specFor(plan: PackagePlan, buildroot: string): Promise<string> {
  const m = plan.meta;
  const mtime = String(m.mtime);
  const files: string[] = [];
  for (const e of plan.payload) {
    const p = path.join(buildroot, e.path);
    const attr = `%attr(${e.mode.toString(8).padStart(4, '0')},root,root)`;
    switch (e.kind) {
      case 'dir':
        mkdirSync(p, { recursive: true });
        chmodSync(p, e.mode);
        if (e.owned) files.push(`%dir ${attr} "${e.path}"`);
        break;
      case 'file':
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, await contentOf(e));
        chmodSync(p, e.mode);
        files.push(`${e.config ? '%config(noreplace) ' : ''}${e.doc ? '%doc ' : ''}${e.license ? '%license ' : ''}${attr} "${e.path}"`);
        break;
      case 'symlink':
        mkdirSync(path.dirname(p), { recursive: true });
        symlinkSync(e.target, p);
        files.push(`"${e.path}"`);
        break;
      case 'ghost':
        files.push(`%ghost ${attr} "${e.path}"`);
        break;
    }
  }
  // Same mtime everywhere (symlinks too: -h).
  await run('sh', ['-c', 'find "$1" -exec touch -h -d "@$2" {} +', 'sh', buildroot, mtime]);
  const r = m.relations ?? {};
  const s = plan.scripts ?? {};
  const lines = [
    '%define _build_id_links none',
    '%global debug_package %{nil}',
    '%global __os_install_post %{nil}',
    '%define _binary_payload w9.gzdio',
    '%define _binary_filedigest_algorithm 8',
    // Automatic dependencies on (so rpmbuild adds config() like we do), but no file is scanned.
    '%global __requires_exclude_from ^/.*$',
    '%global __provides_exclude_from ^/.*$',
    `Name: ${m.name}`,
    `Version: ${m.version}`,
    `Release: ${m.release}`,
    `Summary: ${m.summary}`,
    `License: ${m.license}`,
    'BuildArch: x86_64',
    ...(r.depends ?? []).map((d) => `Requires: ${dep(d)}`),
    ...(r.preDepends ?? []).map((d) => `Requires(pre): ${dep(d)}`),
    ...(r.requiresPost ?? []).map((d) => `Requires(post): ${dep(d)}`),
    ...(r.requiresPreun ?? []).map((d) => `Requires(preun): ${dep(d)}`),
    ...(r.requiresPostun ?? []).map((d) => `Requires(postun): ${dep(d)}`),
    ...[...(r.conflicts ?? []), ...(r.breaks ?? [])].map((d) => `Conflicts: ${dep(d)}`),
    ...(r.obsoletes ?? []).map((d) => `Obsoletes: ${dep(d)}`),
    ...(r.provides ?? []).map((d) => `Provides: ${dep(d)}`),
    ...(r.recommends ?? []).map((d) => `Recommends: ${dep(d)}`),
    ...(r.suggests ?? []).map((d) => `Suggests: ${dep(d)}`),
    '%description',
    m.description,
    ...(s.pretrans ? ['%pretrans', s.pretrans] : []),
    ...(s.preinst ? ['%pre', s.preinst] : []),
    ...(s.postinst ? ['%post', s.postinst] : []),
    ...(s.prerm ? ['%preun', s.prerm] : []),
    ...(s.postrm ? ['%postun', s.postrm] : []),
    ...(s.posttrans ? ['%posttrans', s.posttrans] : []),
    '%files',
    ...files,
  ];
  return lines.join('\n') + '\n';
}

test('rpmbuild -bb of the same tree reads back identically (dump, flags, relations, scripts)', async (t) => {
  if (await needTools(t, 'rpmbuild', 'rpm')) return;
  const { dir, cleanup } = tmp('rpm-diff');
  t.after(cleanup);
  const plan = fixturePlan();
  const buildroot = path.join(dir, 'buildroot');
  mkdirSync(buildroot);
  const spec = path.join(dir, 'fixture.spec');
  writeFileSync(spec, await specFor(plan, buildroot));
  const built = await run('rpmbuild', ['-bb', '--quiet', '--buildroot', buildroot, '--define', `_topdir ${path.join(dir, 'top')}`, spec], {
    allowFailure: true,
    env: { SOURCE_DATE_EPOCH: String(plan.meta.mtime), LC_ALL: 'C.UTF-8' },
  });
  assert.equal(built.exitCode, 0, `rpmbuild failed:\n${built.stderr}\n${readFileSync(spec, 'utf8')}`);
  const theirs = path.join(dir, 'top/RPMS/x86_64/tacd-fixture-1.2.3-1.x86_64.rpm');
  const ours = await writeRpmFile(dir, plan, {}, 'ours.rpm');
  const queries: [string, string[]][] = [
    ['--dump', ['-qp', '--dump']],
    ['file flags', ['-qp', '--qf', '[%{FILENAMES} %{FILEFLAGS:fflags} %{FILEVERIFYFLAGS} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILELINKTOS} %{FILERDEVS} %{FILEDEVICES}\n]']],
    ['requires', ['-qp', '--qf', '[%{REQUIRENEVRS} %{REQUIREFLAGS}\n]']],
    ['provides', ['-qp', '--qf', '[%{PROVIDENEVRS} %{PROVIDEFLAGS}\n]']],
    ['conflicts/obsoletes/weak', ['-qp', '--qf', '[C %{CONFLICTNEVRS}\n][O %{OBSOLETENEVRS}\n][R %{RECOMMENDNEVRS}\n][S %{SUGGESTNEVRS}\n]']],
    ['scripts', ['-qp', '--scripts']],
    ['scalars', ['-qp', '--qf', '%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{OS} %{SIZE} %{SOURCERPM} %{PAYLOADFORMAT} %{PAYLOADCOMPRESSOR} %{PAYLOADFLAGS} %{FILEDIGESTALGO} %{PAYLOADDIGESTALGO} %{HEADERI18NTABLE} %{ENCODING}\n']],
  ];
  for (const [label, args] of queries) {
    const a = await rpmq([...args, ours]);
    const b = await rpmq([...args, theirs]);
    assert.equal(a.exitCode, 0, a.stderr);
    let expected = b.stdout;
    // The one deliberate difference: rpmbuild stamps a %ghost that is absent from the
    // buildroot with the build's wall-clock time; we use meta.mtime (reproducible).
    if (label === '--dump') expected = expected.replace(/^(\/etc\/tacd-fixture\/state\.json 0 )\d+ /m, `$1${plan.meta.mtime} `);
    assert.deepEqual(a.stdout.split('\n'), expected.split('\n'), `${label} differs from rpmbuild's package`);
  }
});

test("soname requires: rpmbuild's own generator on the bundled node binary gives exactly the list we write", { timeout: 180_000 }, async (t) => {
  if (await needTools(t, 'rpmbuild', 'rpm')) return;
  const { dir, cleanup } = tmp('rpm-elfdeps');
  t.after(cleanup);
  const node = process.execPath;
  // Ours: what ts2rpm declares for a bundled node (src/plan/build-plan.ts), written by writeRpm.
  const sonames = rpmElfRequires(readElf(node).dynamic, true);
  const plan: PackagePlan = {
    meta: { ...fixturePlan().meta, name: 'tacd-node', relations: { depends: sonames.map((name) => ({ name })) }, changelog: [] },
    payload: [
      { kind: 'dir', path: '/usr/lib/tacd-node', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/lib/tacd-node/node', mode: 0o755, data: { size: statSync(node).size, open: () => createReadStream(node) } },
    ],
  };
  const ours = await writeRpmFile(dir, plan, {}, 'ours.rpm');
  // Theirs: rpmbuild -bb on the same file with automatic requires on (elfdeps runs on it).
  const buildroot = path.join(dir, 'buildroot');
  mkdirSync(path.join(buildroot, 'usr/lib/tacd-node'), { recursive: true });
  copyFileSync(node, path.join(buildroot, 'usr/lib/tacd-node/node'));
  chmodSync(path.join(buildroot, 'usr/lib/tacd-node/node'), 0o755);
  const spec = path.join(dir, 'node.spec');
  writeFileSync(
    spec,
    [
      '%define _build_id_links none',
      '%global debug_package %{nil}',
      '%global __os_install_post %{nil}',
      '%define _binary_payload w.ufdio',
      'Name: tacd-node',
      'Version: 1.0',
      'Release: 1',
      'Summary: node',
      'License: MIT',
      '%description',
      'node',
      '%files',
      '%dir /usr/lib/tacd-node',
      '/usr/lib/tacd-node/node',
      '',
    ].join('\n'),
  );
  const built = await run('rpmbuild', ['-bb', '--quiet', '--buildroot', buildroot, '--define', `_topdir ${path.join(dir, 'top')}`, spec], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
  assert.equal(built.exitCode, 0, `rpmbuild failed:\n${built.stderr}`);
  const rpmsDir = path.join(dir, 'top/RPMS');
  const theirs = path.join(rpmsDir, readdirSync(rpmsDir)[0]!, readdirSync(path.join(rpmsDir, readdirSync(rpmsDir)[0]!))[0]!);
  const q = async (file: string, type: string) =>
    (await rpmq(['-qp', '--qf', '[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]', file])).stdout
      .split('\n')
      .filter((l) => l.endsWith(` ${type}`))
      .map((l) => l.slice(0, -type.length - 1));
  const generated = await q(theirs, 'auto');
  assert.ok(generated.length > 0, 'rpmbuild generated requires for the node binary');
  // rpmbuild marks its generated requires 'auto' (RPMSENSE_FIND_REQUIRES); ours are declared ('manual'), so the .src.rpm rebuilds them unchanged.
  assert.deepEqual(await q(ours, 'manual'), generated);
});
