// renderSpec: the text of the synthesized spec (pure; rpm itself checks it in srpm.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import type { PackagePlan } from '../../../src/formats/plan.js';
import { changelogHeading, escapeMacros, renderSpec, specDep } from '../../../src/formats/srcrpm/spec.js';
import { srcFixturePlan } from './fixture.js';

const SOURCE = { sourceName: 'tacd-srcfix-1.4.0.tar.gz' };

function section(spec: string, name: string): string[] {
  const lines = spec.split('\n');
  const start = lines.indexOf(name);
  assert.ok(start >= 0, `no ${name} section`);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (/^%(description|prep|build|install|files|changelog|pre|post|preun|postun|pretrans|posttrans)$/.test(l)) break;
    out.push(l);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

test('preamble: no debug package, no brp scripts, no build-id links, AutoReqProv: no, ExclusiveArch for an arch package', () => {
  const spec = renderSpec(srcFixturePlan(), SOURCE);
  for (const l of ['%global debug_package %{nil}', '%global __os_install_post %{nil}', '%define _build_id_links none', 'AutoReqProv: no']) {
    assert.ok(spec.split('\n').includes(l), l);
  }
  for (const l of ['Name: tacd-srcfix', 'Version: 1.4.0', 'Release: 2', 'Group: Applications/Internet', 'URL: https://example.org/tacd', 'Vendor: tacd tests', 'Packager: Test Maintainer <test@example.org>', 'Source0: tacd-srcfix-1.4.0.tar.gz', 'ExclusiveArch: x86_64']) {
    assert.ok(spec.split('\n').includes(l), l);
  }
  assert.doesNotMatch(spec, /^BuildArch:/m);
  assert.doesNotMatch(spec, /^Epoch:/m);
  const noarch = renderSpec(srcFixturePlan({ arch: 'all', epoch: 3 }), SOURCE);
  assert.match(noarch, /^BuildArch: noarch$/m);
  assert.doesNotMatch(noarch, /^ExclusiveArch:/m);
  assert.match(noarch, /^Epoch: 3$/m);
  assert.match(noarch, /^Provides: config\(tacd-srcfix\) = 3:1\.4\.0-2$/m);
  assert.match(renderSpec(srcFixturePlan({ arch: 'arm64' }), SOURCE), /^ExclusiveArch: aarch64$/m);
});

test('relations: Requires(pre) for preDepends, Requires(post/preun/postun) for the scriptlet requires, rich deps for alternatives, Debian operators mapped, config() pair spelled out', () => {
  const spec = renderSpec(srcFixturePlan(), SOURCE);
  const rel = spec.split('\n').filter((l) => /^(Requires|Requires\((pre|post|preun|postun)\)|Provides|Conflicts|Obsoletes|Recommends|Suggests):/.test(l));
  assert.deepEqual(rel, [
    'Requires: systemd',
    'Requires: nodejs >= 18',
    'Requires: (curl or wget)',
    'Requires: libc.so.6(GLIBC_2.28)(64bit)',
    'Provides: config(tacd-srcfix) = 1.4.0-2',
    'Requires: config(tacd-srcfix) = 1.4.0-2',
    'Requires(pre): shadow-utils',
    'Requires(post): systemd',
    'Requires(preun): systemd',
    'Requires(postun): systemd',
    'Provides: tacd-srcfix-service = 1.4.0',
    'Conflicts: tacd-srcfix-old < 1.0',
    'Obsoletes: tacd-srcfix-legacy <= 0.9-1',
    'Recommends: logrotate',
    'Suggests: jq',
  ]);
  assert.equal(specDep({ name: 'a', op: '>>', version: '2', or: [{ name: 'b', op: '<<', version: '1:3~rc1' }] }), '(a > 2 or b < 1:3~rc1)');
  // No config file, no config() pair; the interpreters are rpmbuild's to add (Requires(post): /bin/sh).
  const plain = srcFixturePlan();
  const noConfig: PackagePlan = { ...plain, payload: plain.payload.filter((e) => !(e.kind === 'file' && e.config)) };
  assert.doesNotMatch(renderSpec(noConfig, SOURCE), /config\(/);
  assert.doesNotMatch(spec, /\/bin\/sh$/m);
});

test("'%' is escaped in every piece of user text: summary, description, scriptlets, %files, changelog", () => {
  const plan = srcFixturePlan({ summary: 'Serves 100% of %{name}', license: 'MIT' });
  const spec = renderSpec(plan, SOURCE);
  assert.match(spec, /^Summary: Serves 100%% of %%\{name\}$/m);
  assert.deepEqual(section(spec, '%description'), [
    'A tiny service used by the tests, 100%% synthetic.',
    '',
    'Its text mentions %%{buildroot} and %%files literally,',
    'which must reach the binary package unexpanded.',
  ]);
  assert.deepEqual(section(spec, '%posttrans'), ['echo "%%{buildroot} stays literal" >/dev/null']);
  assert.ok(section(spec, '%post').includes('printf "%%s\\n" "post $1" >/dev/null'));
  assert.ok(section(spec, '%pre').includes('echo "pre $1 100%%" >/dev/null'));
  assert.deepEqual(section(spec, '%changelog').slice(0, 3), [
    '* Tue Nov 14 2023 Test Maintainer <test@example.org> - 1.4.0-2',
    '- Rebuilt, now 100%% reproducible.',
    '- Mentions %%{_bindir} literally.',
  ]);
  const withPercentPath: PackagePlan = { ...plan, payload: [...plan.payload, { kind: 'file', path: '/usr/lib/tacd-srcfix/100%.txt', mode: 0o644, data: new Uint8Array(1) }] };
  assert.ok(section(renderSpec(withPercentPath, SOURCE), '%files').includes('%attr(0644,root,root) "/usr/lib/tacd-srcfix/100%%.txt"'));
  assert.equal(escapeMacros('%%{x}%'), '%%%%{x}%%');
});

test('%install untars Source0 into the buildroot; %files re-declares owned paths only, with %attr and flags, sorted', () => {
  const spec = renderSpec(srcFixturePlan(), SOURCE);
  assert.deepEqual(section(spec, '%install'), ['mkdir -p %{buildroot}', 'tar -C %{buildroot} --no-same-owner -xzf %{SOURCE0}']);
  assert.deepEqual(section(spec, '%files'), [
    '%dir %attr(0755,root,root) "/etc/tacd-srcfix"',
    '%config(noreplace) %attr(0640,root,adm) "/etc/tacd-srcfix/config.json"',
    '%ghost %attr(0600,root,root) "/etc/tacd-srcfix/state.json"',
    '%attr(-,root,root) "/usr/bin/tacd-srcfix"',
    '%attr(0644,root,root) "/usr/lib/systemd/system/tacd-srcfix.service"',
    '%dir %attr(0755,root,root) "/usr/lib/tacd-srcfix"',
    '%attr(0755,root,root) "/usr/lib/tacd-srcfix/app"',
    '%attr(0644,root,root) "/usr/lib/tacd-srcfix/with space.txt"',
    '%dir %attr(0755,root,root) "/usr/share/doc/tacd-srcfix"',
    '%doc %attr(0644,root,root) "/usr/share/doc/tacd-srcfix/README"',
    '%dir %attr(0755,root,root) "/usr/share/licenses/tacd-srcfix"',
    '%license %attr(0644,root,root) "/usr/share/licenses/tacd-srcfix/LICENSE"',
    '%dir %attr(0750,root,root) "/var/lib/tacd-srcfix"',
  ]);
});

test('changelog: newest first, "* Day Mon DD YYYY author - version" in UTC; a plan without one gets the writer\'s synthesized entry', () => {
  assert.equal(changelogHeading({ time: 0, author: 'A <a@b>', version: '1-1', changes: ['x'] }), '* Thu Jan 01 1970 A <a@b> - 1-1');
  assert.equal(changelogHeading({ time: 1709251199, author: 'A <a@b>', version: '2-1', changes: ['x'] }), '* Thu Feb 29 2024 A <a@b> - 2-1');
  const spec = renderSpec(srcFixturePlan(), SOURCE);
  const heads = spec.split('\n').filter((l) => l.startsWith('* '));
  assert.deepEqual(heads, ['* Tue Nov 14 2023 Test Maintainer <test@example.org> - 1.4.0-2', '* Sat Jul 22 2023 Test Maintainer <test@example.org> - 1.3.0-1']);
  const none = renderSpec(srcFixturePlan({ changelog: [] }), SOURCE);
  assert.deepEqual(section(none, '%changelog'), ['* Tue Nov 14 2023 Test Maintainer <test@example.org> - 1.4.0-2', '- Package tacd-srcfix 1.4.0-2.']);
});

test('bad input: rpm\'s own validation (version, release) and what a spec cannot express, as one-line DataErrors naming the field', () => {
  const expectError = (fn: () => unknown, code: string, field: string) => {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.field, field);
      assert.ok(e.message.includes(field) && !e.message.includes('\n'), e.message);
      return true;
    });
  };
  expectError(() => renderSpec(srcFixturePlan({ version: '1.0-1' }), SOURCE), 'tacd.rpm.plan', 'meta.version');
  expectError(() => renderSpec(srcFixturePlan({ version: '%{x}' }), SOURCE), 'tacd.rpm.plan', 'meta.version');
  expectError(() => renderSpec(srcFixturePlan({ release: '' }), SOURCE), 'tacd.rpm.plan', 'meta.release');
  expectError(() => renderSpec(srcFixturePlan({ release: '1 2' }), SOURCE), 'tacd.rpm.plan', 'meta.release');
  const plan = srcFixturePlan();
  const glob: PackagePlan = { ...plan, payload: [...plan.payload, { kind: 'file', path: '/usr/lib/tacd-srcfix/a[1].txt', mode: 0o644, data: new Uint8Array(0) }] };
  expectError(() => renderSpec(glob, SOURCE), 'tacd.srcrpm.spec', `payload[${plan.payload.length}].path`);
  const sectionLine: PackagePlan = { ...plan, scripts: { postinst: 'true\n%files\n' } };
  expectError(() => renderSpec(sectionLine, SOURCE), 'tacd.srcrpm.spec', 'scripts.postinst');
  expectError(() => renderSpec(srcFixturePlan({ description: 'x\n%description -n other' }), SOURCE), 'tacd.srcrpm.spec', 'meta.description');
  expectError(() => renderSpec(plan, { sourceName: '../x.tar.gz' }), 'tacd.srcrpm.spec', 'sourceName');
  // rpm drops '#' lines from %description and %changelog (comments); a shell comment in a scriptlet is fine.
  expectError(() => renderSpec(srcFixturePlan({ description: 'Intro.\n  # Features\n' }), SOURCE), 'tacd.srcrpm.spec', 'meta.description');
  const cl = srcFixturePlan().meta.changelog!;
  expectError(() => renderSpec(srcFixturePlan({ changelog: [cl[0]!, { ...cl[1]!, changes: ['ok', 'two\n# lines'] }] }), SOURCE), 'tacd.srcrpm.spec', 'meta.changelog[1].changes[1]');
  expectError(() => renderSpec(srcFixturePlan({ changelog: [{ ...cl[1]!, changes: ['a\n* b'] }] }), SOURCE), 'tacd.srcrpm.spec', 'meta.changelog[0].changes[0]');
  assert.match(renderSpec({ ...plan, scripts: { postinst: '# a comment\ntrue\n' } }, SOURCE), /^%post\n# a comment\ntrue$/m);
});
