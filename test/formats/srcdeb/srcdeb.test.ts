// The source package read back by Debian's own tools: dpkg-source -x checks the
// .dsc checksums, dpkg-buildpackage -us -uc -b rebuilds the .deb, which is
// compared with the .deb ts2deb's writer (writeDeb) makes from the same plan;
// dpkg-source -b on the extracted tree writes the same .dsc; lintian reports no
// error; and two builds give the same bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { xzCompressor } from '../../../src/tools/xz.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { debFileName, writeDeb } from '../../../src/formats/deb/deb.js';
import type { Compressor, PackagePlan } from '../../../src/formats/plan.js';
import { writeDebianSource, type DebianSourceInput } from '../../../src/formats/srcdeb/srcdeb.js';
import { have, sh } from '../deb/fixture.js';
import { MTIME, demoPlan, rebuildSkipReason, text } from './fixture.js';

const SKIP = rebuildSkipReason(['xz']);

async function writeSet(dir: string, input: DebianSourceInput, compression: Compressor): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { files } = await writeDebianSource(input, { compression, changes: true });
  for (const f of files) writeFileSync(path.join(dir, f.name), f.bytes);
  return files.map((f) => f.name);
}

async function writeTs2deb(dir: string, plan: PackagePlan, compression: Compressor): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, debFileName(plan.meta));
  writeFileSync(file, Buffer.concat(await writeDeb(plan, { compression })));
  return file;
}

/** dpkg-deb -c as "mode owner name[ -> target]" plus the size (left out for `ignoreSize` paths). */
function listing(deb: string, ignoreSize: RegExp): string[] {
  return sh('dpkg-deb', ['-c', deb])
    .trimEnd()
    .split('\n')
    .map((l) => {
      const [mode, owner, size, , , ...rest] = l.split(/\s+/);
      const name = rest.join(' ');
      return `${mode} ${owner} ${ignoreSize.test(name) ? '-' : size} ${name}`;
    })
    .sort();
}

function fields(deb: string): Map<string, string> {
  const out = new Map<string, string>();
  let key = '';
  for (const line of sh('dpkg-deb', ['-f', deb]).split('\n')) {
    if (line === '') continue;
    if (/^\s/.test(line)) out.set(key, `${out.get(key)}\n${line}`);
    else {
      key = line.slice(0, line.indexOf(':'));
      out.set(key, line.slice(line.indexOf(':') + 1).trim());
    }
  }
  return out;
}

function control(deb: string, dir: string): Map<string, Buffer> {
  rmSync(dir, { recursive: true, force: true });
  sh('dpkg-deb', ['-e', deb, dir]);
  return new Map(readdirSync(dir).sort().map((n) => [n, readFileSync(path.join(dir, n))]));
}

function build(tree: string): string {
  // LC_ALL/TZ fixed by sh(); DEB_BUILD_OPTIONS left as the host has it.
  return sh('dpkg-buildpackage', ['-us', '-uc', '-b'], { cwd: tree });
}

/**
 * The quilt fixture also carries what a real ts2deb payload has and lintian
 * calls prebuilt: an ELF executable standing in for the bundled node (a copy
 * of the host's /usr/bin/true, so the package is for the host architecture), a
 * minified bundle and a long-line script.
 */
function withPrebuilt(plan: PackagePlan): PackagePlan {
  const elf = readFileSync('/usr/bin/true');
  const arch = sh('dpkg', ['--print-architecture']).trim();
  return {
    ...plan,
    meta: { ...plan.meta, arch },
    payload: [
      ...plan.payload,
      { kind: 'file', path: '/usr/lib/tacd-demo/node', mode: 0o755, data: { size: elf.length, open: async function* () { yield elf; } } },
      { kind: 'file', path: '/usr/lib/tacd-demo/app.asar.unpacked/vendor.min.js', mode: 0o644, data: text('var a=1;\n') },
      { kind: 'file', path: '/usr/lib/tacd-demo/app.asar.unpacked/bundle.js', mode: 0o644, data: text(`${'x=1;'.repeat(200)}\n`) },
    ],
  };
}

describe('Debian source package (3.0 quilt, xz) rebuilt with the real tools', { skip: SKIP }, () => {
  let dir: string;
  let names: string[];
  let rebuilt: string;
  let direct: string;
  const demo = { ...demoPlan(), plan: SKIP === undefined ? withPrebuilt(demoPlan().plan) : demoPlan().plan };
  const input: DebianSourceInput = {
    plan: demo.plan,
    changelog: demo.changelog,
    sources: [
      { path: 'app.tac.ts', data: text("export const application = 'tacd-demo';\n") },
      { path: 'package.json', data: text('{ "name": "tacd-demo", "version": "1.2.3" }\n') },
    ],
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tacd-srcdeb-'));
    names = await writeSet(path.join(dir, 'src'), input, xzCompressor());
    direct = await writeTs2deb(path.join(dir, 'ts2deb'), demo.plan, xzCompressor());
    sh('dpkg-source', ['-x', names[2]!, 'tree'], { cwd: path.join(dir, 'src') });
    build(path.join(dir, 'src', 'tree'));
    rebuilt = path.join(dir, 'src', debFileName(demo.plan.meta));
  });
  after(() => {
    if (dir && process.env['TACD_KEEP_TMP'] !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test('file names: NAME_VERSION.orig.tar.xz, NAME_VERSION-REV.debian.tar.xz, NAME_VERSION-REV.dsc, _source.changes', () => {
    assert.deepEqual(names, ['tacd-demo_1.2.3.orig.tar.xz', 'tacd-demo_1.2.3-1.debian.tar.xz', 'tacd-demo_1.2.3-1.dsc', 'tacd-demo_1.2.3-1_source.changes']);
    const orig = sh('tar', ['-tJf', path.join(dir, 'src', names[0]!)]).trimEnd().split('\n');
    assert.ok(orig.every((n) => n.startsWith('tacd-demo-1.2.3/')), orig.join('\n'));
    assert.ok(orig.includes('tacd-demo-1.2.3/payload/usr/lib/tacd-demo/run'));
    assert.ok(orig.includes('tacd-demo-1.2.3/source/app.tac.ts'));
    const deb = sh('tar', ['-tJf', path.join(dir, 'src', names[1]!)]).trimEnd().split('\n');
    assert.ok(deb.every((n) => n.startsWith('debian/')), deb.join('\n'));
  });

  test('dpkg-source -x verifies the checksums (and refuses a tampered tarball)', () => {
    const bad = path.join(dir, 'bad');
    cpSync(path.join(dir, 'src'), bad, { recursive: true, filter: (p) => !p.includes('/tree') && !p.endsWith('.deb') });
    const orig = path.join(bad, names[0]!);
    const bytes = readFileSync(orig);
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(orig, bytes);
    const r = spawnSync('dpkg-source', ['-x', names[2]!, 'again'], { cwd: bad, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /checksum|size/i);
  });

  test("the rebuilt .deb has ts2deb's files, modes, owners and links; the prebuilt binary is not stripped", () => {
    // The changelog is gzipped by dh_compress (gzip -9n) instead of zlib: same text, other bytes.
    const ignore = /changelog\.Debian\.gz$/;
    assert.deepEqual(listing(rebuilt, ignore), listing(direct, ignore));
    const node = (deb: string): Buffer => spawnSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./usr/lib/tacd-demo/node', 'sh', deb], { maxBuffer: 1 << 28 }).stdout;
    assert.ok(node(rebuilt).equals(node(direct)), 'usr/lib/tacd-demo/node differs (stripped?)');
  });

  test("the rebuilt .deb has ts2deb's control fields", () => {
    const ours = fields(direct);
    const theirs = fields(rebuilt);
    assert.deepEqual([...theirs.keys()].sort(), [...ours.keys()].sort());
    for (const [k, v] of ours) if (k !== 'Installed-Size') assert.equal(theirs.get(k), v, k);
    // dpkg-gencontrol walks the whole build tree, DEBIAN/ included: its directory
    // and the control files dh_installdeb put there (scripts, conffiles; not yet
    // control or md5sums) add 1 KiB each to what ts2deb counts for the payload.
    const ctl = control(direct, path.join(dir, 'ctl-extra'));
    const extra = 1 + [...ctl].filter(([n]) => n !== 'control' && n !== 'md5sums').reduce((s, [, b]) => s + Math.ceil(b.length / 1024), 0);
    assert.equal(Number(theirs.get('Installed-Size')), Number(ours.get('Installed-Size')) + extra);
  });

  test("the rebuilt .deb carries ts2deb's maintainer scripts and conffiles byte for byte", () => {
    const a = control(direct, path.join(dir, 'ctl-direct'));
    const b = control(rebuilt, path.join(dir, 'ctl-rebuilt'));
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const n of ['postinst', 'prerm', 'postrm', 'conffiles']) assert.ok(b.get(n)!.equals(a.get(n)!), `${n} differs`);
    const md5 = (m: Map<string, Buffer>): string[] => m.get('md5sums')!.toString().split('\n').filter((l) => !l.includes('changelog.Debian.gz'));
    assert.deepEqual(md5(b), md5(a));
  });

  test('dpkg-source -b on the extracted tree writes the same .dsc (apart from its own debian tarball)', () => {
    const again = path.join(dir, 'again');
    mkdirSync(again);
    sh('cp', ['-a', path.join(dir, 'src', 'tree'), path.join(again, 'tree')]);
    rmSync(path.join(again, 'tree', '.pc'), { recursive: true, force: true });
    rmSync(path.join(again, 'tree', 'debian', 'tacd-demo'), { recursive: true, force: true });
    sh('sh', ['-c', 'cd tree && debian/rules clean >/dev/null'], { cwd: again });
    cpSync(path.join(dir, 'src', names[0]!), path.join(again, names[0]!));
    sh('dpkg-source', ['-b', 'tree'], { cwd: again });
    const strip = (s: string): string => s.split('\n').filter((l) => !l.includes('.debian.tar.')).join('\n');
    const ours = readFileSync(path.join(dir, 'src', names[2]!), 'utf8');
    const theirs = readFileSync(path.join(again, names[2]!), 'utf8');
    assert.equal(strip(theirs), strip(ours));
  });

  test('the _source.changes is what dpkg-genchanges -S writes for the same files', () => {
    const src = path.join(dir, 'src');
    sh('dpkg-source', ['-x', names[2]!, 'fresh'], { cwd: src });
    sh('dpkg-genchanges', ['-S', '-O../genchanges.changes'], { cwd: path.join(src, 'fresh') });
    assert.equal(readFileSync(path.join(src, names[3]!), 'utf8'), readFileSync(path.join(src, 'genchanges.changes'), 'utf8'));
  });

  test('lintian on the .dsc: no errors', (t) => {
    if (!have('lintian')) return t.skip('lintian not installed (apt-get install lintian)');
    const r = spawnSync('lintian', ['--fail-on', 'error', '--display-info', path.join(dir, 'src', names[2]!)], { encoding: 'utf8' });
    const tags = r.stdout.split('\n').filter((l) => /^[EWIP]: /.test(l));
    t.diagnostic(`lintian tags: ${tags.length === 0 ? 'none' : tags.join(' | ')}`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(tags.filter((l) => l.startsWith('E: ')), []);
    assert.deepEqual(tags.filter((l) => l.startsWith('W: ')), [], 'no warnings expected either');
    assert.deepEqual(tags.filter((l) => /unused-override|mismatched-override/.test(l)), [], 'every override in debian/source/lintian-overrides is used');
  });

  test('byte-reproducible: the same input gives the same files', async () => {
    const twice = await writeSet(path.join(dir, 'twice'), input, xzCompressor());
    for (const n of twice) assert.ok(readFileSync(path.join(dir, 'twice', n)).equals(readFileSync(path.join(dir, 'src', n))), `${n} differs`);
  });
});

describe('Debian source package (3.0 native, gzip, epoch) rebuilt with the real tools', { skip: SKIP }, () => {
  let dir: string;
  const demo = demoPlan({ release: '', epoch: 2, changelog: [{ time: MTIME, author: 'Jane Doe <jane@example.org>', version: '2:1.2.3', changes: ['Native build.'] }] });
  const input: DebianSourceInput = { plan: demo.plan, changelog: demo.changelog };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tacd-srcdeb-native-'));
  });
  after(() => {
    if (dir && process.env['TACD_KEEP_TMP'] !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test('dpkg-source -x, dpkg-buildpackage -b, same files and fields as ts2deb; reproducible', async () => {
    const names = await writeSet(path.join(dir, 'src'), input, gzipCompressor());
    assert.deepEqual(names, ['tacd-demo_1.2.3.tar.gz', 'tacd-demo_1.2.3.dsc', 'tacd-demo_1.2.3_source.changes']);
    assert.match(readFileSync(path.join(dir, 'src', names[1]!), 'utf8'), /^Format: 3\.0 \(native\)\n[\s\S]*^Version: 2:1\.2\.3$/m);
    const direct = await writeTs2deb(path.join(dir, 'ts2deb'), demo.plan, gzipCompressor());
    sh('dpkg-source', ['-x', names[1]!, 'tree'], { cwd: path.join(dir, 'src') });
    build(path.join(dir, 'src', 'tree'));
    const rebuilt = path.join(dir, 'src', debFileName(demo.plan.meta));
    assert.ok(statSync(rebuilt).isFile());
    const ignore = /changelog\.gz$/;
    assert.deepEqual(listing(rebuilt, ignore), listing(direct, ignore));
    const a = fields(direct);
    const b = fields(rebuilt);
    for (const [k, v] of a) if (k !== 'Installed-Size') assert.equal(b.get(k), v, k);
    assert.equal(b.get('Version'), '2:1.2.3');
    const twice = await writeSet(path.join(dir, 'twice'), input, gzipCompressor());
    for (const n of twice) assert.ok(readFileSync(path.join(dir, 'twice', n)).equals(readFileSync(path.join(dir, 'src', n))), `${n} differs`);
  });
});

describe('clearsigned .dsc and .changes (a throwaway gpg key)', { skip: SKIP ?? (have('gpg') && have('gpgv') ? undefined : 'gpg/gpgv not installed (apt-get install gnupg gpgv)') }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tacd-srcdeb-sign-'));
  });
  after(() => {
    // The gpg-agent this test's gpg started, for its own homedir only.
    if (dir) spawnSync('gpgconf', ['--homedir', path.join(dir, 'home', '.gnupg'), '--kill', 'gpg-agent']);
    if (dir && process.env['TACD_KEEP_TMP'] !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test('dpkg-source --require-valid-signature -x accepts the .dsc; the .changes lists the signed .dsc', async () => {
    const home = path.join(dir, 'home');
    const gnupg = path.join(home, '.gnupg');
    mkdirSync(gnupg, { recursive: true, mode: 0o700 });
    const gpg = ['--homedir', gnupg, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', ''];
    sh('gpg', [...gpg, '--quick-gen-key', 'tacd test <test@example.org>', 'ed25519', 'sign', 'never']);
    writeFileSync(path.join(gnupg, 'trustedkeys.gpg'), spawnSync('gpg', [...gpg, '--export'], { maxBuffer: 1 << 20 }).stdout);
    const clearsign = async (data: Uint8Array): Promise<Uint8Array> => {
      const r = spawnSync('gpg', [...gpg, '--digest-algo', 'SHA256', '--clearsign', '--output', '-'], { input: data, maxBuffer: 1 << 24 });
      if (r.status !== 0) throw new Error(`gpg --clearsign: ${r.stderr}`);
      return r.stdout;
    };
    const demo = demoPlan();
    const { files } = await writeDebianSource({ plan: demo.plan, changelog: demo.changelog }, { compression: gzipCompressor(), changes: true, clearsign });
    const src = path.join(dir, 'src');
    mkdirSync(src);
    for (const f of files) writeFileSync(path.join(src, f.name), f.bytes);
    const [, , dscFile, changesFile] = files;
    assert.match(Buffer.from(dscFile!.bytes).toString(), /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nFormat: 3\.0 \(quilt\)\n[\s\S]*-----END PGP SIGNATURE-----\n$/);
    sh('dpkg-source', ['--require-valid-signature', '-x', dscFile!.name, 'tree'], { cwd: src, env: { HOME: home } });
    sh('gpgv', ['--keyring', path.join(gnupg, 'trustedkeys.gpg'), path.join(src, changesFile!.name)]);
    const sha256 = spawnSync('sha256sum', [path.join(src, dscFile!.name)], { encoding: 'utf8' }).stdout.split(' ')[0]!;
    assert.match(Buffer.from(changesFile!.bytes).toString(), new RegExp(`^ ${sha256} ${dscFile!.bytes.length} ${dscFile!.name.replace(/\./g, '\\.')}$`, 'm'));
  });
});
