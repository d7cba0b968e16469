// Unit tests of the pure parts: format/version rules, changelog, debian/
// contents, the .dsc layout, and the refusals. No external tool needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { checkChangelog, renderChangelog, rfc2822 } from '../../../src/formats/srcdeb/changelog.js';
import { debianDir, renderDebianControl } from '../../../src/formats/srcdeb/debian-dir.js';
import { fileSums, renderDsc } from '../../../src/formats/srcdeb/dsc.js';
import { makeShellWord } from '../../../src/formats/srcdeb/rules.js';
import { writeDebianSource } from '../../../src/formats/srcdeb/srcdeb.js';
import { sourceFormat } from '../../../src/formats/srcdeb/version.js';
import { assertGolden } from '../../helpers/golden.js';
import { MTIME, demoMeta, demoPlan, text } from './fixture.js';

const dec = new TextDecoder();

function isDataError(code: string, ...mentions: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(!e.message.includes('\n'), 'one line');
    for (const m of mentions) assert.ok(e.message.includes(m), `message ${JSON.stringify(e.message)} should mention ${m}`);
    return true;
  };
}

test('format follows the revision: quilt with meta.release, native without', () => {
  assert.equal(sourceFormat(demoMeta()), '3.0 (quilt)');
  assert.equal(sourceFormat(demoMeta({ release: '' })), '3.0 (native)');
  assert.equal(sourceFormat(demoMeta(), 'quilt'), '3.0 (quilt)');
  assert.equal(sourceFormat(demoMeta({ release: '' }), 'native'), '3.0 (native)');
});

test('a revision-less version with quilt, or a revision with native, is a DataError naming the version', async () => {
  assert.throws(() => sourceFormat(demoMeta({ release: '' }), 'quilt'), isDataError('tacd.srcdeb.format', "'1.2.3'", 'quilt'));
  assert.throws(() => sourceFormat(demoMeta({ epoch: 1 }), 'native'), isDataError('tacd.srcdeb.format', "'1:1.2.3-1'", 'native'));
  const { plan, changelog } = demoPlan();
  await assert.rejects(writeDebianSource({ plan, changelog, format: 'native' }, { compression: gzipCompressor() }), isDataError('tacd.srcdeb.format', "'1.2.3-1'"));
});

test('changelog trailer: " -- Name <email>  Day, DD Mon YYYY HH:MM:SS +0000" from the entry time', () => {
  assert.equal(rfc2822(MTIME), 'Sat, 22 Nov 2025 00:00:00 +0000');
  assert.equal(rfc2822(0), 'Thu, 01 Jan 1970 00:00:00 +0000');
  const text = renderChangelog(demoMeta());
  assert.equal(text, 'tacd-demo (1.2.3-1) unstable; urgency=medium\n\n  * Initial release.\n\n -- Jane Doe <jane@example.org>  Sat, 22 Nov 2025 00:00:00 +0000\n');
  // Newest first by time; long changes wrap under 80 columns.
  const two = renderChangelog(
    demoMeta({
      changelog: [
        { time: MTIME - 86400, author: 'Jane Doe <jane@example.org>', version: '1.2.2-1', changes: ['Older.'] },
        { time: MTIME + 3661, author: 'Jane Doe <jane@example.org>', version: '1.2.3-1', changes: [`Long ${'words '.repeat(30)}end.`] },
      ],
    }),
  );
  assert.ok(two.startsWith('tacd-demo (1.2.3-1) '), two);
  assert.ok(two.includes(' -- Jane Doe <jane@example.org>  Sat, 22 Nov 2025 01:01:01 +0000\n'), two);
  assert.ok(two.split('\n').every((l) => l.length <= 80), two);
  // Without entries, one is synthesized for the plan's version, dated meta.mtime.
  const synth = renderChangelog(demoMeta({ changelog: [] }));
  assert.match(synth, /^tacd-demo \(1\.2\.3-1\) unstable; urgency=medium\n\n {2}\* .+\n\n -- Jane Doe <jane@example\.org> {2}Sat, 22 Nov 2025 00:00:00 \+0000\n$/);
});

test("a changelog whose newest entry's version differs from the package version is a DataError", async () => {
  const stale = [{ time: MTIME, author: 'Jane Doe <jane@example.org>', version: '1.2.2-1', changes: ['Old.'] }];
  assert.throws(() => renderChangelog(demoMeta({ changelog: stale })), isDataError('tacd.srcdeb.changelog', "'1.2.2-1'", "'1.2.3-1'"));
  const { plan } = demoPlan();
  const text = 'tacd-demo (1.2.3-2) unstable; urgency=medium\n\n  * x\n\n -- Jane Doe <jane@example.org>  Sat, 22 Nov 2025 00:00:00 +0000\n';
  await assert.rejects(debianDir({ plan, changelog: text }), isDataError('tacd.srcdeb.changelog', "'1.2.3-2'", "'1.2.3-1'"));
  assert.throws(() => checkChangelog(text.replace('tacd-demo', 'other'), demoMeta({ version: '1.2.3', release: '2' })), isDataError('tacd.srcdeb.changelog', "'other'"));
  const badTrailer = text.replace('(1.2.3-2)', '(1.2.3-1)').replace('>  Sat', '> Sat');
  assert.throws(() => checkChangelog(badTrailer, demoMeta()), isDataError('tacd.srcdeb.changelog', 'trailer'));
  assert.throws(() => checkChangelog('', demoMeta()), isDataError('tacd.srcdeb.changelog', "'1.2.3-1'"));
});

test('debian/ holds control, rules, changelog, copyright, source/format, unit, default and the scripts verbatim', async () => {
  const { plan, changelog } = demoPlan();
  const dir = await debianDir({ plan, changelog });
  const byPath = new Map(dir.files.map((f) => [f.path, f]));
  assert.deepEqual(
    [...byPath.keys()],
    [
      'README.source',
      'changelog',
      'control',
      'copyright',
      'rules',
      'source/format',
      'source/lintian-overrides',
      'tacd-demo.default',
      'tacd-demo.postinst',
      'tacd-demo.postrm',
      'tacd-demo.prerm',
      'tacd-demo.service',
    ],
  );
  assert.equal(dec.decode(byPath.get('source/format')!.data), '3.0 (quilt)\n');
  assert.equal(byPath.get('rules')!.mode, 0o755);
  assert.equal(byPath.get('tacd-demo.postinst')!.mode, 0o755);
  assert.equal(dec.decode(byPath.get('tacd-demo.postinst')!.data), plan.scripts!.postinst);
  assert.equal(dec.decode(byPath.get('changelog')!.data), changelog);
  // The unit, default file, copyright and changelog leave the payload: debhelper regenerates them from debian/.
  const kept = new Set(dir.payload.map((e) => e.path));
  for (const p of ['/lib/systemd/system/tacd-demo.service', '/etc/default/tacd-demo', '/usr/share/doc/tacd-demo/copyright', '/usr/share/doc/tacd-demo/changelog.Debian.gz', '/var/log/tacd-demo.log']) {
    assert.ok(!kept.has(p), `${p} should not be in payload/`);
  }
  for (const p of ['/usr/lib/tacd-demo/run', '/usr/bin/tacd-demo', '/usr/share/doc/tacd-demo/README.Debian', '/var/lib/tacd-demo']) assert.ok(kept.has(p), `${p} in payload/`);
  const rules = dec.decode(byPath.get('rules')!.data);
  assert.ok(rules.startsWith('#!/usr/bin/make -f\n'), rules);
  assert.match(rules, /^%:\n\tdh \$@\n/m);
  for (const t of ['override_dh_strip:\n\n', 'override_dh_shlibdeps:\n\n', 'override_dh_dwz:\n\n', 'override_dh_installtmpfiles:\n\n']) assert.ok(rules.includes(t), t);
  assert.ok(rules.includes("\tdh_installsystemd '-Xtacd-demo\\.service'\n"), rules);
  assertGolden('srcdeb/control', dec.decode(byPath.get('control')!.data));
  assertGolden('srcdeb/rules', rules);
});

test('debian/control: the source stanza with debhelper-compat (= 13) and Standards-Version 4.6.2, then the binary stanza', () => {
  const control = renderDebianControl(demoPlan().plan);
  const [source, binary] = control.split('\n\n');
  assert.match(source!, /^Source: tacd-demo\n/);
  assert.match(source!, /^Build-Depends: debhelper-compat \(= 13\)$/m);
  assert.match(source!, /^Standards-Version: 4\.6\.2$/m);
  assert.match(source!, /^Rules-Requires-Root: no$/m);
  assert.match(binary!, /^Package: tacd-demo\nArchitecture: all\nDepends: \$\{misc:Depends\}, adduser, init-system-helpers \(>= 1\.54~\)\nSuggests: curl\nDescription: /);
});

test('native plans: format 3.0 (native), the changelog becomes changelog.gz', async () => {
  const meta = { release: '', changelog: [{ time: MTIME, author: 'Jane Doe <jane@example.org>', version: '1.2.3', changes: ['Native.'] }] };
  const { plan, changelog } = demoPlan(meta);
  const dir = await debianDir({ plan, changelog });
  assert.equal(dir.format, '3.0 (native)');
  assert.ok(!dir.payload.some((e) => e.path === '/usr/share/doc/tacd-demo/changelog.gz'));
  const src = await writeDebianSource({ plan, changelog }, { compression: gzipCompressor() });
  assert.deepEqual(
    src.files.map((f) => f.name),
    ['tacd-demo_1.2.3.tar.gz', 'tacd-demo_1.2.3.dsc'],
  );
});

test('.dsc: fields in dpkg-source order, checksum fields with an empty first line, epoch in Version only', async () => {
  const { plan, changelog } = demoPlan({ epoch: 1, changelog: [{ time: MTIME, author: 'Jane Doe <jane@example.org>', version: '1:1.2.3-1', changes: ['x'] }] });
  const src = await writeDebianSource({ plan, changelog }, { compression: gzipCompressor() });
  assert.deepEqual(
    src.files.map((f) => f.name),
    ['tacd-demo_1.2.3.orig.tar.gz', 'tacd-demo_1.2.3-1.debian.tar.gz', 'tacd-demo_1.2.3-1.dsc'],
  );
  const dsc = dec.decode(src.files[2]!.bytes);
  assert.deepEqual(
    dsc.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(':')[0]),
    ['Format', 'Source', 'Binary', 'Architecture', 'Version', 'Maintainer', 'Homepage', 'Standards-Version', 'Build-Depends', 'Package-List', 'Checksums-Sha1', 'Checksums-Sha256', 'Files'],
  );
  assert.match(dsc, /^Version: 1:1\.2\.3-1$/m);
  assert.match(dsc, /^Package-List:\n tacd-demo deb net optional arch=all\n/m);
  for (const [field, len] of [['Checksums-Sha1', 40], ['Checksums-Sha256', 64], ['Files', 32]] as const) {
    const block = new RegExp(`^${field}:\\n((?: .+\\n)+)`, 'm').exec(dsc);
    assert.ok(block, `${field} is a multi-line field with an empty first line`);
    const lines = block[1]!.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    lines.forEach((l, i) => {
      const f = src.files[i]!;
      const sums = fileSums(f.name, f.bytes);
      const want = field === 'Files' ? sums.md5 : field === 'Checksums-Sha1' ? sums.sha1 : sums.sha256;
      assert.equal(l, ` ${want} ${f.bytes.length} ${f.name}`);
      assert.equal(want.length, len);
    });
  }
  assert.equal(renderDsc(plan, '3.0 (quilt)', []).endsWith('Files:\n'), true);
});

test('refused: files under /etc that are not conffiles, non-root owners, bad source paths', async () => {
  const { plan, changelog } = demoPlan();
  const notConf = { ...plan, payload: plan.payload.map((e) => (e.path === '/etc/default/tacd-demo' ? { ...e, config: false } : e)) };
  await assert.rejects(debianDir({ plan: notConf, changelog }), isDataError('tacd.srcdeb.conffile', '/etc/default/tacd-demo'));
  const owned = { ...plan, payload: [...plan.payload, { kind: 'dir' as const, path: '/var/lib/other', mode: 0o755, owner: 'daemon' }] };
  await assert.rejects(debianDir({ plan: owned, changelog }), isDataError('tacd.srcdeb.owner', '/var/lib/other', 'daemon'));
  for (const bad of ['/abs', '../up', 'a//b', 'a/./b', '']) {
    await assert.rejects(
      writeDebianSource({ plan, changelog, sources: [{ path: bad, data: text('x') }] }, { compression: gzipCompressor() }),
      isDataError('tacd.srcdeb.sources'),
    );
  }
});

test('make/shell quoting of paths in debian/rules', () => {
  assert.equal(makeShellWord('usr/lib/a-b/c.d'), 'usr/lib/a-b/c.d');
  assert.equal(makeShellWord("it's $HOME"), "'it'\\''s $$HOME'");
});

test("without a changelog text, debian/changelog is the payload's changelog.Debian.gz, checked against the version", async () => {
  const { plan, changelog } = demoPlan();
  assert.equal((await debianDir({ plan })).changelog, changelog);
  const stale = demoPlan({ changelog: [{ time: MTIME, author: 'Jane Doe <jane@example.org>', version: '1.2.2-1', changes: ['Old.'] }], release: '1', version: '1.2.2' });
  const mixed = { ...plan, payload: plan.payload.map((e) => (e.path.endsWith('changelog.Debian.gz') ? stale.plan.payload.find((s) => s.path === e.path)! : e)) };
  await assert.rejects(debianDir({ plan: mixed }), isDataError('tacd.srcdeb.changelog', "'1.2.2-1'", "'1.2.3-1'"));
  // A quilt package's changelog.gz is an upstream changelog: it stays in payload/.
  const upstream = { ...plan, payload: [...plan.payload, { kind: 'file' as const, path: '/usr/share/doc/tacd-demo/changelog.gz', mode: 0o644, data: text('x') }] };
  assert.ok((await debianDir({ plan: upstream, changelog })).payload.some((e) => e.path === '/usr/share/doc/tacd-demo/changelog.gz'));
});
