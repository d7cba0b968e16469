// Round-trips the fixture .deb through the real tools: dpkg-deb --info,
// --contents, --extract, --control, --fsys-tarfile, dpkg-gencontrol (for
// Installed-Size), md5sum -c, binutils ar and lintian.
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tarStreamWriter from 'tar-stream';
import { xzCompressor } from '../../../src/tools/xz.js';
import { arChunks } from '../../../src/formats/archive/ar.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { debFileName, writeDeb } from '../../../src/formats/deb/deb.js';
import { DataError } from '../../../src/core/errors.js';
import type { Compressor, FileData, PackagePlan } from '../../../src/formats/plan.js';
import { assertGolden } from '../../helpers/golden.js';
import { collect, walkTar } from '../archive/tar-walk.js';
import { LONG_PATH, LONG_TARGET, MTIME, NAME, POSTINST, PRERM, fixturePlan, have, sh } from './fixture.js';

const HAVE_DPKG = have('dpkg-deb');
const NO_DPKG = 'dpkg-deb not installed: the .deb cannot be checked against the real tools';

async function bytesOf(d: FileData): Promise<Buffer> {
  if (d instanceof Uint8Array) return Buffer.from(d);
  const parts: Buffer[] = [];
  for await (const c of d.open()) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Every path under `root`, relative with a leading '/'. */
function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = `${rel}/${name}`;
    out.push(r);
    if (lstatSync(path.join(root, r)).isDirectory()) out.push(...walk(root, r));
  }
  return out;
}

describe('the fixture .deb', () => {
  let dir = '';
  let plan: PackagePlan;
  let gzDeb = '';
  let xzDeb = '';
  let gzBytes: Buffer;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tacd-deb-'));
    plan = await fixturePlan();
    gzBytes = Buffer.concat(await writeDeb(plan, { compression: gzipCompressor() }));
    gzDeb = path.join(dir, 'gz', debFileName(plan.meta));
    mkdirSync(path.dirname(gzDeb));
    writeFileSync(gzDeb, gzBytes);
    if (have('xz')) {
      xzDeb = path.join(dir, 'xz', debFileName(plan.meta));
      mkdirSync(path.dirname(xzDeb));
      writeFileSync(xzDeb, Buffer.concat(await writeDeb(plan, { compression: xzCompressor() })));
    }
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('file name drops the epoch, as dpkg does', () => {
    assert.equal(debFileName(plan.meta), 'tacd-fixture_1.2.3~rc1-1_all.deb');
  });

  test('ar members: debian-binary "2.0\\n", control.tar.gz, data.tar.gz, in that order', (t) => {
    assert.equal(gzBytes.subarray(0, 8).toString(), '!<arch>\n');
    assert.equal(gzBytes.subarray(8, 68).toString(), `debian-binary   ${MTIME}  0     0     100644  4         \`\n`);
    assert.equal(gzBytes.subarray(68, 72).toString(), '2.0\n');
    if (!have('ar')) return t.skip('binutils ar not installed: member order checked by bytes only');
    assert.equal(sh('ar', ['t', gzDeb]), 'debian-binary\ncontrol.tar.gz\ndata.tar.gz\n');
  });

  test('dpkg-deb --info accepts it and shows our control file (golden)', (t) => {
    if (!HAVE_DPKG) return t.skip(NO_DPKG);
    const info = sh('dpkg-deb', ['--info', gzDeb]);
    assert.match(info, /new Debian package, version 2\.0\./);
    assert.match(info, /Package: tacd-fixture/);
    const control = sh('dpkg-deb', ['--field', gzDeb]);
    assertGolden('deb/control', control);
    assert.match(control, /^Version: 2:1\.2\.3~rc1-1$/m);
    // Policy 5.6.13 reserves " .x" lines: a description line starting with '.' is written as a verbatim line.
    assert.match(control, /^ {2}\.deb files: this line starts with a full stop \(Debian policy 5\.6\.13\)\.$/m);
    assert.doesNotMatch(control, /^ \.\S/m);
    assert.doesNotMatch(control, /^License:/m);
    assert.equal(sh('dpkg-deb', ['--field', gzDeb, 'Depends']), 'libc6 (>= 2.36), adduser, default-mta | mail-transport-agent\n');
  });

  test('dpkg-deb --contents lists every entry with owner, mode and size (golden), the same for gz and xz', (t) => {
    if (!HAVE_DPKG) return t.skip(NO_DPKG);
    const listing = sh('dpkg-deb', ['--contents', gzDeb]);
    assertGolden('deb/contents.txt', listing);
    assert.match(listing, /^-rwsr-xr-x root\/root .* \.\/usr\/lib\/tacd-fixture\/helper$/m, 'setuid kept');
    assert.ok(listing.trimEnd().split('\n').every((l) => l.split(/\s+/)[1] === 'root/root'), 'every entry is root/root');
    assert.ok(listing.includes(`./usr/lib/tacd-fixture/long-link.js -> ${LONG_TARGET}`), 'long link target in full');
    assert.ok(listing.includes(`.${LONG_PATH}\n`), '150-byte path in full');
    assert.doesNotMatch(listing, /var\/log/, 'ghost files are not in data.tar');
  });

  test('dpkg-deb --extract reproduces every file, mode, link target and directory of the plan', async (t) => {
    if (!HAVE_DPKG) return t.skip(NO_DPKG);
    for (const deb of [gzDeb]) {
      const out = path.join(dir, `x-${path.basename(path.dirname(deb))}`);
      sh('dpkg-deb', ['--extract', deb, out]);
      const expected = new Set<string>();
      for (const e of plan.payload) {
        if (e.kind === 'ghost') continue;
        for (let p = e.path; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) expected.add(p);
      }
      assert.deepEqual(walk(out).sort(), [...expected].sort(), 'extracted paths = plan paths + implied parents');
      for (const e of plan.payload) {
        const p = path.join(out, e.path);
        if (e.kind === 'ghost') continue;
        const st = lstatSync(p);
        if (e.kind === 'symlink') {
          assert.ok(st.isSymbolicLink(), `${e.path} is a symlink`);
          assert.equal(readlinkSync(p), e.target);
          continue;
        }
        assert.equal(st.mode & 0o7777, e.mode, `mode of ${e.path}: 0${(st.mode & 0o7777).toString(8)}`);
        if (e.kind === 'dir') assert.ok(st.isDirectory(), `${e.path} is a directory`);
        else assert.ok(readFileSync(p).equals(await bytesOf(e.data)), `contents of ${e.path}`);
      }
      assert.equal(readdirSync(path.join(out, 'usr/lib/tacd-fixture/helper-dir')).length, 0, 'the empty directory is there and empty');
    }
  });

  test('dpkg --unpack (dpkg\'s own tar parser, not GNU tar) installs it into a private root and registers the conffiles', (t) => {
    if (!have('dpkg')) return t.skip('dpkg not installed: the package was not unpacked by dpkg itself');
    const admin = path.join(dir, 'admin');
    const inst = path.join(dir, 'inst');
    for (const d of ['info', 'updates', 'triggers']) mkdirSync(path.join(admin, d), { recursive: true });
    mkdirSync(inst);
    writeFileSync(path.join(admin, 'status'), '');
    writeFileSync(path.join(admin, 'available'), '');
    // --unpack runs no postinst (it would call adduser); --force-depends: the private database is empty.
    const root = process.getuid?.() === 0;
    sh('dpkg', [`--admindir=${admin}`, `--instdir=${inst}`, '--force-depends', '--force-script-chrootless', ...(root ? [] : ['--force-not-root']), '--unpack', gzDeb]);
    const status = readFileSync(path.join(admin, 'status'), 'utf8');
    assert.match(status, /^Status: install ok unpacked$/m);
    assert.match(status, /^Conffiles:\n \/etc\/default\/tacd-fixture newconffile\n \/etc\/tacd-fixture\/tacd-fixture\.conf newconffile$/m);
    const listed = sh('dpkg', [`--admindir=${admin}`, '--listfiles', NAME]).trimEnd().split('\n');
    assert.ok(listed.includes(LONG_PATH) && listed.includes(`/usr/lib/${NAME}/long-link.js`) && listed.includes(`/usr/lib/${NAME}/données-名前.js`), listed.join('\n'));
    assert.equal(readlinkSync(path.join(inst, `usr/lib/${NAME}/long-link.js`)), LONG_TARGET);
    assert.equal(lstatSync(path.join(inst, `usr/lib/${NAME}/helper`)).mode & 0o7777, 0o4755);
    assert.equal(readFileSync(path.join(inst, LONG_PATH), 'utf8'), 'module.exports = 150;\n');
    assert.ok(lstatSync(path.join(inst, `etc/${NAME}/${NAME}.conf.dpkg-new`)).isFile(), 'conffiles are unpacked as .dpkg-new until configured');
    assert.equal(lstatSync(path.join(inst, `var/lib/${NAME}`)).uid, root ? 0 : process.getuid?.(), root ? 'root-owned, as the package says' : 'owned by the unpacking user (dpkg --force-not-root)');
  });

  test('negative control: the same package with a PAX data.tar (tar-stream, a long name) is rejected by dpkg', async (t) => {
    if (!have('dpkg')) return t.skip('dpkg not installed: cannot show that dpkg rejects PAX');
    const pack = tarStreamWriter.pack();
    pack.entry({ name: './', type: 'directory', mode: 0o755 });
    pack.entry({ name: `./${'p'.repeat(150)}`, mode: 0o644 }, 'pax\n');
    pack.finalize();
    const paxTar = await collect(pack as AsyncIterable<Buffer>);
    assert.ok(walkTar(paxTar).some((h) => h.typeflag === 'x'), 'tar-stream wrote a PAX header for the long name');
    const controlTar = spawnSync('dpkg-deb', ['--ctrl-tarfile', gzDeb], { maxBuffer: 1 << 24 }).stdout;
    const compress = (b: Buffer) => gzipCompressor().compress((async function* () { yield b; })());
    const bad = path.join(dir, 'pax.deb');
    writeFileSync(bad, Buffer.concat(arChunks([
      { name: 'debian-binary', data: new TextEncoder().encode('2.0\n'), mtime: MTIME },
      { name: 'control.tar.gz', data: await compress(controlTar), mtime: MTIME },
      { name: 'data.tar.gz', data: await compress(paxTar), mtime: MTIME },
    ])));
    const admin = path.join(dir, 'admin-pax');
    for (const d of ['info', 'updates', 'triggers']) mkdirSync(path.join(admin, d), { recursive: true });
    writeFileSync(path.join(admin, 'status'), '');
    mkdirSync(path.join(dir, 'inst-pax'));
    const r = spawnSync('dpkg', [`--admindir=${admin}`, `--instdir=${path.join(dir, 'inst-pax')}`, '--force-depends', '--force-not-root', '--unpack', bad], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unsupported PAX tar header type/);
  });

  test('control.tar: md5sums match the files (md5sum -c), conffiles, script and control modes', (t) => {
    if (!HAVE_DPKG) return t.skip(NO_DPKG);
    const root = path.join(dir, 'root');
    const ctrl = path.join(dir, 'ctrl');
    sh('dpkg-deb', ['--raw-extract', gzDeb, root]);
    sh('dpkg-deb', ['--control', gzDeb, ctrl]);
    const md5sums = readFileSync(path.join(ctrl, 'md5sums'), 'utf8');
    const files = plan.payload.filter((e) => e.kind === 'file').map((e) => e.path.slice(1)).sort();
    assert.deepEqual(md5sums.trimEnd().split('\n').map((l) => l.slice(34)).sort(), files, 'md5sums covers exactly the regular files');
    assert.match(md5sums, /^[0-9a-f]{32} {2}usr\/bin\/tacd-fixture$/m);
    if (have('md5sum')) sh('md5sum', ['--check', '--strict', '--quiet', path.join(ctrl, 'md5sums')], { cwd: root });
    else t.diagnostic('md5sum not installed: md5sums only checked for coverage');
    assert.equal(readFileSync(path.join(ctrl, 'conffiles'), 'utf8'), `/etc/default/${NAME}\n/etc/${NAME}/${NAME}.conf\n`);
    assert.equal(readFileSync(path.join(ctrl, 'postinst'), 'utf8'), POSTINST);
    assert.equal(readFileSync(path.join(ctrl, 'prerm'), 'utf8'), PRERM);
    const ctar = walkTar(spawnSync('dpkg-deb', ['--ctrl-tarfile', gzDeb], { maxBuffer: 1 << 24 }).stdout);
    assert.deepEqual(
      ctar.map((h) => `${h.name} ${h.typeflag} ${h.uname}`),
      ['./ 5 root', './conffiles 0 root', './control 0 root', './md5sums 0 root', './postinst 0 root', './prerm 0 root'],
    );
    const modes = spawnSync('sh', ['-c', 'dpkg-deb --ctrl-tarfile "$1" | tar -tvf -', 'sh', gzDeb], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).stdout;
    assert.match(modes, /^-rwxr-xr-x root\/root .* \.\/postinst$/m);
    assert.match(modes, /^-rw-r--r-- root\/root .* \.\/control$/m);
  });

  test('data.tar is GNU/ustar only (no PAX), ./-prefixed, parents before children, one mtime', (t) => {
    if (!HAVE_DPKG) return t.skip(NO_DPKG);
    const tar = spawnSync('dpkg-deb', ['--fsys-tarfile', gzDeb], { maxBuffer: 1 << 26 }).stdout;
    assert.equal(tar.length % 10240, 0, 'whole 10240-byte records');
    const headers = walkTar(tar);
    assert.ok(headers.every((h) => 'x g'.split(' ').every((f) => h.typeflag !== f)), 'no PAX headers');
    assert.ok(headers.every((h) => h.checksumOk && h.magic === 'ustar  \0'));
    assert.ok(headers.some((h) => h.typeflag === 'L') && headers.some((h) => h.typeflag === 'K'), 'GNU long name and long link entries are used');
    const listed = spawnSync('tar', ['-tf', '-'], { input: tar, encoding: 'utf8', maxBuffer: 1 << 24 }).stdout.trimEnd().split('\n');
    assert.equal(listed[0], './');
    const seen = new Set<string>();
    for (const n of listed) {
      assert.ok(n.startsWith('./'), `${n} is ./-prefixed`);
      const parent = n.replace(/[^/]+\/?$/, '');
      if (n !== './') assert.ok(seen.has(parent), `${parent} comes before ${n}`);
      seen.add(n);
    }
    for (const d of ['./usr/', './usr/lib/', './usr/share/', './usr/share/doc/', './etc/', './var/']) assert.ok(seen.has(d), `implied parent ${d}`);
    const times = spawnSync('tar', ['--full-time', '-tvf', '-'], { input: tar, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 24 }).stdout;
    for (const line of times.trimEnd().split('\n')) assert.ok(line.includes('2023-11-14 22:13:20'), `mtime of ${line}`);
  });

  test('Installed-Size equals what dpkg-gencontrol computes for the extracted tree', (t) => {
    if (!HAVE_DPKG || !have('dpkg-gencontrol')) return t.skip('dpkg-gencontrol (dpkg-dev) not installed: cannot cross-check Installed-Size');
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'debian'), { recursive: true });
    writeFileSync(path.join(src, 'debian/control'), `Source: ${NAME}\nMaintainer: tacd developers <tacd@example.org>\n\nPackage: ${NAME}\nArchitecture: all\nDescription: x\n y\n`);
    writeFileSync(path.join(src, 'debian/changelog'), `${NAME} (1.2.3~rc1-1) unstable; urgency=medium\n\n  * x\n\n -- tacd developers <tacd@example.org>  Tue, 14 Nov 2023 22:13:20 +0000\n`);
    sh('dpkg-deb', ['--extract', gzDeb, path.join(src, 'debian/pkg')]);
    const generated = sh('dpkg-gencontrol', [`-p${NAME}`, '-Pdebian/pkg', '-O'], { cwd: src });
    const theirs = /^Installed-Size: (\d+)$/m.exec(generated)?.[1];
    assert.ok(theirs, generated);
    assert.equal(sh('dpkg-deb', ['--field', gzDeb, 'Installed-Size']).trim(), theirs);
  });

  test('the same plan gives byte-identical packages', async () => {
    const again = Buffer.concat(await writeDeb(await fixturePlan(), { compression: gzipCompressor() }));
    assert.ok(again.equals(gzBytes), 'two gzip builds differ');
  });

  test('the xz .deb: members control.tar.xz and data.tar.xz, the same control file and contents as the gzip one, reproducible', async (t) => {
    if (!xzDeb) return t.skip('xz not installed (apt-get install xz-utils): the xz .deb was not built');
    if (!HAVE_DPKG) return t.skip(NO_DPKG);
    assert.equal(sh('ar', ['t', xzDeb]), 'debian-binary\ncontrol.tar.xz\ndata.tar.xz\n');
    assert.equal(sh('dpkg-deb', ['--field', xzDeb]), sh('dpkg-deb', ['--field', gzDeb]));
    assert.equal(sh('dpkg-deb', ['--contents', xzDeb]), sh('dpkg-deb', ['--contents', gzDeb]));
    const x2 = Buffer.concat(await writeDeb(await fixturePlan(), { compression: xzCompressor() }));
    assert.ok(x2.equals(readFileSync(xzDeb)), 'two xz builds differ');
  });

  test('lintian --fail-on error,warning passes on the fixture', (t) => {
    if (!have('lintian')) return t.skip('lintian not installed: the fixture .deb was not checked against Debian policy');
    // Only tags that need a real upload or a real source package are suppressed:
    //  - initial-upload-closes-no-bugs: a first upload to Debian closes an ITP bug; a fixture has none.
    const suppress = ['initial-upload-closes-no-bugs'];
    for (const deb of [gzDeb]) {
      const r = spawnSync('lintian', ['--fail-on', 'error,warning', '--display-info', '--suppress-tags', suppress.join(','), deb], { encoding: 'utf8' });
      t.diagnostic(`lintian ${path.basename(path.dirname(deb))}: ${r.stdout.trim() || '(no tags)'}`);
      assert.equal(r.status, 0, `lintian failed on ${deb}:\n${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^[EW]: /m);
    }
  });
});

test('a non-root owner or group is refused, naming the entry, its path and owner; nothing is compressed', async () => {
  const plan = await fixturePlan();
  let compressed = 0;
  const counting = { ...gzipCompressor(), compress: (i: AsyncIterable<Uint8Array>) => ((compressed += 1), gzipCompressor().compress(i)) };
  for (const [owner, group, field] of [['nobody', undefined, 'owner'], [undefined, 'nogroup', 'group'], ['tacd-fixture', 'tacd-fixture', 'owner']] as const) {
    const payload = [...plan.payload, { kind: 'dir' as const, path: '/var/cache/tacd-fixture', mode: 0o755, ...(owner ? { owner } : {}), ...(group ? { group } : {}) }];
    const i = payload.length - 1;
    await assert.rejects(writeDeb({ ...plan, payload }, { compression: counting }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'tacd.deb.owner');
      assert.equal(e.field, `payload[${i}].${field}`);
      assert.match(e.message, new RegExp(`^payload\\[${i}\\] \\(/var/cache/tacd-fixture\\) is owned by ${owner ?? 'root'}:${group ?? 'root'}; `));
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
  assert.equal(compressed, 0, 'refused before any compression');
  // Explicit root:root and ghosts (not in data.tar) are fine.
  const ok = [...plan.payload, { kind: 'dir' as const, path: '/var/cache/tacd-fixture', mode: 0o755, owner: 'root', group: 'root' }, { kind: 'ghost' as const, path: '/var/log/tacd-fixture-other.log', mode: 0o640, owner: 'nobody' }];
  await writeDeb({ ...plan, payload: ok }, { compression: gzipCompressor() });
});

test('a compressor other than gzip or xz is refused at run time (DataError naming it), before it is used', async () => {
  const plan = await fixturePlan();
  for (const name of ['zstd', 'toString', 'constructor']) {
    let used = false;
    const fake = { name, compress: async () => ((used = true), new Uint8Array(0)) } as unknown as Compressor;
    await assert.rejects(writeDeb(plan, { compression: fake, cache: null }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'tacd.deb.compression');
      assert.equal(e.field, 'compression');
      assert.equal(e.message, `compression '${name}' is not usable in a .deb; expected gzip or xz`);
      return true;
    });
    assert.equal(used, false, `${name}: the compressor was not called`);
  }
});
