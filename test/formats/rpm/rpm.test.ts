// The .rpm writer end to end, checked by rpm 4.18 itself (rpm -K, -qp, --dump,
// --scripts, an install into a private root), rpm2cpio + GNU cpio and rpmlint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { copyFileSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/core/exec.js';
import { PROJECT_ROOT } from '../../../src/core/paths.js';
import type { FileEntry, PackagePlan } from '../../../src/formats/plan.js';
import { rpmFileName, writeRpm } from '../../../src/formats/rpm/rpm.js';
import { TagType } from '../../../src/formats/rpm/tags.js';
import { assertGolden } from '../../helpers/golden.js';
import {
  LONG_PATH,
  LONG_TARGET,
  buildRpm,
  concat,
  decodeHeader,
  fixturePlan,
  gzip,
  needTools,
  rpmq,
  servicePlan,
  splitRpm,
  streamed,
  tmp,
  writeRpmFile,
  xz,
} from './helpers.js';

let work: { dir: string; cleanup: () => void };
let pkg: string; // the awkward fixture, gzip
let bytes: Buffer;

before(async () => {
  work = tmp('rpm');
  pkg = await writeRpmFile(work.dir, fixturePlan(), {}, rpmFileName(fixturePlan().meta));
  bytes = readFileSync(pkg);
});
after(() => work.cleanup());

const PLAN = fixturePlan();
/** Entries the RPM owns (implicit parents excluded), sorted like rpm lists them. */
const OWNED = PLAN.payload.filter((e) => e.kind !== 'dir' || e.owned).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));

async function contentOf(e: FileEntry): Promise<Buffer> {
  if (e.data instanceof Uint8Array) return Buffer.from(e.data);
  const parts: Uint8Array[] = [];
  for await (const c of e.data.open()) parts.push(c);
  return Buffer.concat(parts);
}

test('same plan → byte-identical package; streamed files opened exactly once (the payload pass records the header\'s digests)', async () => {
  const counter = { opens: 0 };
  const plan = (): PackagePlan => fixturePlan({}, [{ kind: 'file', path: '/usr/lib/tacd-fixture/counted', mode: 0o644, data: streamed(100_000, 7, counter) }]);
  const a = await buildRpm(plan());
  assert.equal(counter.opens, 1, 'once, for the payload');
  const b = await buildRpm(plan());
  assert.ok(a.equals(b), 'two builds of the same plan differ');
  const c = await buildRpm(fixturePlan({ mtime: PLAN.meta.mtime + 1 }));
  assert.ok(!a.equals(c), 'a different mtime must change the bytes (the test would not notice otherwise)');
});

test('structure: lead, signature padded to 8, sizes and digests match the bytes', () => {
  const { sig, sigEnd, header, headerStart, payloadStart } = splitRpm(bytes);
  assert.equal(bytes.subarray(0, 4).toString('hex'), 'edabeedb');
  assert.equal(headerStart % 8, 0, 'signature header padded to a multiple of 8');
  assert.ok(headerStart - sigEnd < 8);
  assert.ok(bytes.subarray(sigEnd, headerStart).every((b) => b === 0));
  const headerBytes = bytes.subarray(headerStart, payloadStart);
  const payload = bytes.subarray(payloadStart);
  const cpio = gunzipSync(payload);
  const s = new Map(sig.entries.map((e) => [e.tag, e]));
  const h = new Map(header.entries.map((e) => [e.tag, e]));
  assert.deepEqual([...s.keys()], [62, 269, 273, 1000, 1004, 1007]);
  assert.deepEqual(s.get(1000)!.value, [headerBytes.length + payload.length], 'SIZE = header + payload');
  assert.deepEqual(s.get(1007)!.value, [cpio.length], 'PAYLOADSIZE = uncompressed cpio length');
  assert.equal(s.get(273)!.value, createHash('sha256').update(headerBytes).digest('hex'));
  assert.equal(s.get(273)!.type, TagType.STRING);
  assert.equal(s.get(269)!.value, createHash('sha1').update(headerBytes).digest('hex'));
  assert.equal(s.get(1004)!.value, createHash('md5').update(headerBytes).update(payload).digest('hex'));
  assert.equal(s.get(1004)!.type, TagType.BIN);
  assert.deepEqual(h.get(5092)!.value, [createHash('sha256').update(payload).digest('hex')], 'PAYLOADDIGEST');
  assert.deepEqual(h.get(5097)!.value, [createHash('sha256').update(cpio).digest('hex')], 'PAYLOADDIGESTALT');
  // Exact types rpm's hdrchkTagType insists on.
  const types: [number, number][] = [
    [1030, TagType.INT16], [1033, TagType.INT16], [1028, TagType.INT32], [1034, TagType.INT32], [1116, TagType.INT32],
    [1037, TagType.INT32], [1006, TagType.INT32], [1009, TagType.INT32], [5011, TagType.INT32], [5093, TagType.INT32],
    [5092, TagType.STRING_ARRAY], [5097, TagType.STRING_ARRAY], [100, TagType.STRING_ARRAY], [1004, TagType.I18NSTRING],
  ];
  for (const [tag, type] of types) assert.equal(h.get(tag)?.type, type, `tag ${tag} type`);
  assert.equal(h.get(5011)!.count, 1, 'FILEDIGESTALGO count 1');
  for (const tag of [5008, 5009, 270, 271]) assert.ok(!h.has(tag) && !s.has(tag), `LONG* tag ${tag} only for >= 4 GiB`);
  assert.ok(!h.has(1003), 'no EPOCH unless set');
  // Per-file arrays: equal length, sorted by path.
  const n = OWNED.length;
  for (const tag of [1117, 1116, 1028, 1030, 1033, 1034, 1035, 1036, 1037, 1039, 1040, 1045, 1095, 1096, 1097, 1140, 1141]) {
    assert.equal(h.get(tag)!.count, n, `tag ${tag} has one value per file`);
  }
  const dirnames = h.get(1118)!.value as string[];
  assert.ok(dirnames.every((d) => d.endsWith('/')));
  const names = (h.get(1117)!.value as string[]).map((b, i) => dirnames[(h.get(1116)!.value as number[])[i]!] + b);
  assert.deepEqual(names, OWNED.map((e) => e.path));
  assert.equal(new Set(h.get(1096)!.value as number[]).size, n, 'unique inodes');
});

test('rpm -K: digests OK for gzip and xz payloads', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const xzPkg = await writeRpmFile(work.dir, PLAN, { compression: xz() }, 'xz.rpm');
  for (const f of [pkg, xzPkg]) {
    const r = await rpmq(['-K', f]);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim(), `${f}: digests OK`);
  }
  const q = await rpmq(['-qp', '--qf', '%{PAYLOADCOMPRESSOR} %{PAYLOADFLAGS}\n[%{REQUIRENAME}\n]', xzPkg]);
  assert.match(q.stdout, /^xz 6\n/);
  assert.match(q.stdout, /^rpmlib\(PayloadIsXz\)$/m);
  // A flipped payload byte must be caught (the check is not a formality).
  const bad = Buffer.from(bytes);
  bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff;
  writeFileSync(path.join(work.dir, 'bad.rpm'), bad);
  const r = await rpmq(['-K', path.join(work.dir, 'bad.rpm')]);
  assert.notEqual(r.exitCode, 0);
  assert.match(r.stdout + r.stderr, /DIGESTS? NOT OK|digest.*BAD|NOT OK/i);
});

test('rpm -qp --dump: every owned path with size, mtime, digest, mode, owner, config/doc flags, link target', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const r = await rpmq(['-qp', '--dump', pkg]);
  assert.equal(r.exitCode, 0, r.stderr);
  const zero = '0'.repeat(64);
  const expected: string[] = [];
  for (const e of OWNED) {
    let size = 0;
    let digest = zero;
    let mode = 0;
    let link = 'X';
    let conf = 0;
    let doc = 0;
    switch (e.kind) {
      case 'file': {
        const c = await contentOf(e);
        size = c.length;
        digest = createHash('sha256').update(c).digest('hex');
        mode = 0o100000 | e.mode;
        conf = e.config ? 1 : 0;
        doc = e.doc ? 1 : 0;
        break;
      }
      case 'dir':
        mode = 0o40000 | e.mode;
        break;
      case 'symlink':
        size = Buffer.byteLength(e.target);
        mode = 0o120777;
        link = e.target;
        break;
      case 'ghost':
        mode = 0o100000 | e.mode;
        break;
    }
    expected.push(`${e.path} ${size} ${PLAN.meta.mtime} ${digest} 0${mode.toString(8)} root root ${conf} ${doc} 0 ${link}`);
  }
  assert.deepEqual(r.stdout.trim().split('\n'), expected);
  const flags = await rpmq(['-qp', '--qf', '[%{FILENAMES} %{FILEFLAGS:fflags}\n]', pkg]);
  const f = new Map(flags.stdout.trim().split('\n').map((l) => [l.split(' ')[0]!, l.split(' ')[1] ?? '']));
  assert.equal(f.get('/etc/tacd-fixture/config.json'), 'cn', '%config(noreplace)');
  assert.equal(f.get('/etc/tacd-fixture/state.json'), 'g', '%ghost');
  assert.equal(f.get('/usr/share/doc/tacd-fixture/README'), 'd', '%doc');
  assert.equal(f.get('/usr/share/licenses/tacd-fixture/LICENSE'), 'l', '%license');
  const list = await rpmq(['-qpl', pkg]);
  for (const distro of ['/usr', '/usr/bin', '/usr/lib', '/etc', '/usr/share/doc']) {
    assert.ok(!list.stdout.split('\n').includes(distro), `must not own ${distro}`);
  }
});

test('rpm -qp: relations, self-provides, rpmlib() and scriptlet requires with their phases', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const q = async (qf: string) => (await rpmq(['-qp', '--qf', qf, pkg])).stdout.trim().split('\n');
  assert.deepEqual(await q('[%{PROVIDENEVRS}\n]'), ['config(tacd-fixture) = 1.2.3-1', 'tacd-fixture = 1.2.3-1', 'tacd-fixture(x86-64) = 1.2.3-1', 'tacd-service = 1.2.3']);
  assert.deepEqual(await q('[%{REQUIRENEVRS} %{REQUIREFLAGS:deptype}\n]'), [
    '(libfoo or libbar >= 2.0) manual',
    '/bin/sh interp,posttrans',
    '/bin/sh interp,pretrans',
    '/bin/sh pre,interp',
    '/bin/sh post,interp',
    '/bin/sh preun,interp',
    '/bin/sh postun,interp',
    'config(tacd-fixture) = 1.2.3-1 config',
    'nodejs >= 18 manual',
    'rpmlib(CompressedFileNames) <= 3.0.4-1 rpmlib',
    'rpmlib(FileDigests) <= 4.6.0-1 rpmlib',
    'rpmlib(PayloadFilesHavePrefix) <= 4.0-1 rpmlib',
    'rpmlib(RichDependencies) <= 4.12.0-1 rpmlib',
    'shadow-utils pre',
    'systemd post',
    'systemd preun',
    'systemd postun',
  ]);
  assert.deepEqual(await q('[%{CONFLICTNEVRS}\n]'), ['tacd-broken', 'tacd-old < 1.0']);
  assert.deepEqual(await q('[%{OBSOLETENEVRS}\n]'), ['tacd-legacy <= 0.9-1']);
  assert.deepEqual(await q('[%{RECOMMENDNEVRS}\n]'), ['logrotate']);
  assert.deepEqual(await q('[%{SUGGESTNEVRS}\n]'), ['jq']);
  const scripts = (await rpmq(['-qp', '--scripts', pkg])).stdout;
  for (const [phase, body] of [
    ['pretrans', 'true'],
    ['preinstall', 'echo "pre $1" >> /tacd-scriptlets.log'],
    ['postinstall', 'echo "post $1" >> /tacd-scriptlets.log'],
    ['preuninstall', 'echo "preun $1" >> /tacd-scriptlets.log'],
    ['postuninstall', 'echo "postun $1" >> /tacd-scriptlets.log'],
    ['posttrans', 'echo "posttrans" >> /tacd-scriptlets.log'],
  ]) {
    assert.ok(scripts.includes(`${phase} scriptlet (using /bin/sh):\n${body}\n`), `${phase} scriptlet in:\n${scripts}`);
  }
});

test('epoch, noarch, tilde version: self-provide with epoch, no ISA provide, TildeInVersions', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const plan = fixturePlan({ epoch: 2, arch: 'all', version: '1.2.3~rc1' });
  const file = await writeRpmFile(work.dir, { ...plan, payload: plan.payload.filter((e) => e.kind === 'dir' || e.kind === 'symlink') }, {}, 'noarch.rpm');
  const r = await rpmq(['-qp', '--qf', '%{NEVRA} %{ARCH} %{SOURCERPM}\n[%{PROVIDENEVRS}\n][%{REQUIRENEVRS}\n]', file]);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'tacd-fixture-2:1.2.3~rc1-1.noarch noarch tacd-fixture-1.2.3~rc1-1.src.rpm');
  assert.ok(lines.includes('tacd-fixture = 2:1.2.3~rc1-1'));
  assert.ok(!lines.some((l) => l.startsWith('tacd-fixture(')), 'no ISA provide for noarch');
  assert.ok(lines.includes('rpmlib(TildeInVersions) <= 4.10.0-1'));
  assert.ok(!lines.some((l) => l.startsWith('rpmlib(FileDigests)')), 'no regular files, no FileDigests');
  assert.equal((await rpmq(['-K', file])).stdout.trim(), `${file}: digests OK`);
});

test('a package without files is valid', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const file = await writeRpmFile(work.dir, { ...PLAN, payload: [], scripts: {} }, {}, 'meta.rpm');
  assert.equal((await rpmq(['-K', file])).stdout.trim(), `${file}: digests OK`);
  assert.equal((await rpmq(['-qpl', file])).stdout.trim(), '(contains no files)');
});

test('rpm2cpio | cpio: ./ names, no ghost, symlink data = target, content round trip (golden listing)', async (t) => {
  if (await needTools(t, 'rpm2cpio', 'cpio')) return;
  const archive = path.join(work.dir, 'payload.cpio');
  await run('sh', ['-c', 'rpm2cpio "$1" > "$2"', 'sh', pkg, archive]);
  const cpio = readFileSync(archive);
  const sig = new Map(splitRpm(bytes).sig.entries.map((e) => [e.tag, e.value]));
  assert.deepEqual(sig.get(1007), [cpio.length], 'rpm2cpio copies exactly PAYLOADSIZE bytes');
  const list = await run('cpio', ['-itv', '--quiet', '--numeric-uid-gid', '-F', archive], { env: { TZ: 'UTC', LC_ALL: 'C.UTF-8' } });
  const names = (await run('cpio', ['-it', '--quiet', '-F', archive])).stdout.trim().split('\n');
  assert.deepEqual(names, OWNED.filter((e) => e.kind !== 'ghost').map((e) => '.' + e.path));
  assert.ok(!names.includes('./etc/tacd-fixture/state.json'), 'ghost not in the payload');
  assertGolden('rpm/fixture.cpio-list.txt', list.stdout);
  const out = path.join(work.dir, 'extract');
  mkdirSync(out);
  await run('cpio', ['-idm', '--quiet', '-F', archive], { cwd: out });
  for (const e of OWNED) {
    const p = path.join(out, e.path);
    if (e.kind === 'file') {
      assert.ok(readFileSync(p).equals(await contentOf(e)), `${e.path} content`);
      assert.equal(lstatSync(p).mode & 0o7777, e.mode, `${e.path} mode`);
    } else if (e.kind === 'symlink') {
      assert.equal(readlinkSync(p), e.target);
    } else if (e.kind === 'dir') {
      assert.ok(lstatSync(p).isDirectory());
    }
  }
  assert.equal(readlinkSync(path.join(out, 'usr/lib/tacd-fixture/long-link')), LONG_TARGET);
  assert.equal(Buffer.byteLength(LONG_PATH), 150);
  assert.equal(readFileSync(path.join(out, LONG_PATH), 'utf8'), 'long path\n');
});

test('golden: header tags as rpm reads them, and our own index dump', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const scalar = ['NAME', 'VERSION', 'RELEASE', 'EPOCH', 'ARCH', 'OS', 'SUMMARY', 'LICENSE', 'GROUP', 'URL', 'VENDOR', 'PACKAGER',
    'BUILDTIME', 'BUILDHOST', 'SOURCERPM', 'SOURCEPACKAGE', 'RPMVERSION', 'ENCODING', 'SIZE', 'LONGSIZE', 'SIGSIZE', 'ARCHIVESIZE',
    'SHA256HEADER', 'SHA1HEADER', 'SIGMD5', 'PAYLOADFORMAT', 'PAYLOADCOMPRESSOR', 'PAYLOADFLAGS', 'PAYLOADDIGEST', 'PAYLOADDIGESTALT',
    'PAYLOADDIGESTALGO', 'FILEDIGESTALGO', 'HEADERI18NTABLE', 'PREINPROG', 'POSTINPROG', 'PREUNPROG', 'POSTUNPROG', 'PRETRANSPROG', 'POSTTRANSPROG'];
  const qf = [
    ...scalar.map((tag) => `${tag}=%{${tag}}\\n`),
    'DESCRIPTION=%{DESCRIPTION}\\n',
    '[CHANGELOG %{CHANGELOGTIME} %{CHANGELOGNAME}\\n%{CHANGELOGTEXT}\\n]',
    '[FILE %{FILENAMES} mode=%{FILEMODES:octal} size=%{FILESIZES} flags=%{FILEFLAGS:fflags} verify=%{FILEVERIFYFLAGS} ino=%{FILEINODES} dev=%{FILEDEVICES} rdev=%{FILERDEVS} user=%{FILEUSERNAME} group=%{FILEGROUPNAME} mtime=%{FILEMTIMES} lang=%{FILELANGS} color=%{FILECOLORS} class=%{FILECLASS} link=%{FILELINKTOS} digest=%{FILEDIGESTS}\\n]',
  ].join('');
  const r = await rpmq(['-qp', '--qf', qf, pkg]);
  assert.equal(r.exitCode, 0, r.stderr);
  assertGolden('rpm/fixture.tags.txt', r.stdout);
  const { sig, header } = splitRpm(bytes);
  const dump = (name: string, h: ReturnType<typeof decodeHeader>) =>
    h.entries.map((e) => `${name} tag=${e.tag} type=${e.type} count=${e.count} offset=${e.offset} ${JSON.stringify(e.value)}`).join('\n');
  assertGolden('rpm/fixture.index.txt', `${dump('sig', sig)}\n${dump('hdr', header)}\n`);
});

/** Copies /bin/sh (dash) and the libraries it loads into `root`, so scriptlets can run under rpm --root. */
async function shellRoot(root: string): Promise<void> {
  const sh = lstatSync('/bin/dash', { throwIfNoEntry: false }) ? '/bin/dash' : '/bin/sh';
  const ldd = await run('ldd', [sh]);
  const libs = [...ldd.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]!);
  for (const lib of libs) {
    mkdirSync(path.join(root, path.dirname(lib)), { recursive: true });
    copyFileSync(lib, path.join(root, lib));
  }
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  copyFileSync(sh, path.join(root, 'bin/sh'));
}

test('install into a private root (with a copied /bin/sh): tree, modes, scriptlets, rpm -V, erase', async (t) => {
  if (await needTools(t, 'rpm', 'ldd')) return;
  if (process.getuid?.() !== 0) return t.skip('not root: rpm --root install needs chroot for scriptlets');
  const root = path.join(work.dir, 'root');
  mkdirSync(root);
  await shellRoot(root);
  const rpm = (args: string[]) => run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', ...args], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
  assert.equal((await rpm(['--initdb'])).exitCode, 0);
  const inst = await rpm(['-i', '--nodeps', pkg]);
  assert.equal(inst.exitCode, 0, inst.stderr);
  assert.doesNotMatch(inst.stdout + inst.stderr, /scriptlet failed|error:/i);
  assert.equal(readFileSync(path.join(root, 'tacd-scriptlets.log'), 'utf8'), 'pre 1\npost 1\nposttrans\n');
  for (const e of OWNED) {
    const p = path.join(root, e.path);
    if (e.kind === 'ghost') {
      assert.equal(lstatSync(p, { throwIfNoEntry: false }), undefined, '%ghost is not created');
      continue;
    }
    const st = lstatSync(p);
    if (e.kind === 'file') {
      assert.ok(readFileSync(p).equals(await contentOf(e)), `${e.path} content`);
      assert.equal(st.mode & 0o7777, e.mode, `${e.path} mode`);
      assert.equal(st.mtimeMs / 1000, PLAN.meta.mtime, `${e.path} mtime`);
    } else if (e.kind === 'dir') {
      assert.ok(st.isDirectory());
      assert.equal(st.mode & 0o7777, e.mode, `${e.path} mode`);
    } else {
      assert.equal(readlinkSync(p), e.target);
    }
  }
  assert.ok(lstatSync(path.join(root, 'usr/lib/tacd-fixture/helper')).mode & 0o4000, 'setuid kept');
  const verify = await rpm(['-V', '--nodeps', 'tacd-fixture']);
  assert.equal(verify.exitCode, 0, `rpm -V reports changes:\n${verify.stdout}`);
  const erase = await rpm(['-e', '--nodeps', 'tacd-fixture']);
  assert.equal(erase.exitCode, 0, erase.stderr);
  assert.doesNotMatch(erase.stdout + erase.stderr, /scriptlet failed/i);
  assert.equal(readFileSync(path.join(root, 'tacd-scriptlets.log'), 'utf8'), 'pre 1\npost 1\nposttrans\npreun 0\npostun 0\n');
  for (const gone of ['usr/lib/tacd-fixture', 'etc/tacd-fixture', 'usr/share/doc/tacd-fixture', 'usr/bin/tacd-fixture']) {
    assert.equal(lstatSync(path.join(root, gone), { throwIfNoEntry: false }), undefined, `${gone} removed on erase`);
  }
  assert.ok(lstatSync(path.join(root, 'usr/bin')).isDirectory(), 'unowned /usr/bin stays');
  assert.deepEqual(readdirSync(path.join(root, 'etc')), [], 'only owned paths removed');
});

test('rpmlint: 0 errors for a realistic service package; only deliberate ones for the awkward fixture', async (t) => {
  if (await needTools(t, 'rpmlint')) return;
  const elf = readFileSync('/bin/true');
  const svc = servicePlan(elf);
  const file = await writeRpmFile(work.dir, svc, {}, rpmFileName(svc.meta));
  const lint = async (f: string, rc: string) => {
    const r = await run('rpmlint', ['-r', path.join(PROJECT_ROOT, 'test/fixtures/rpm', rc), f], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
    const summary = /(\d+) errors, (\d+) warnings/.exec(r.stdout);
    assert.ok(summary, `rpmlint printed no summary:\n${r.stdout}${r.stderr}`);
    return { errors: Number(summary[1]), out: r.stdout };
  };
  const clean = await lint(file, 'clean.rpmlintrc');
  assert.equal(clean.errors, 0, clean.out);
  const awkward = await lint(pkg, 'awkward.rpmlintrc');
  assert.equal(awkward.errors, 0, awkward.out);
  // The filters are not blanket: without them the deliberate problems are reported.
  const raw = await run('rpmlint', [pkg], { allowFailure: true });
  assert.match(raw.stdout, /E: setuid-binary \/usr\/lib\/tacd-fixture\/helper/);
});

test('signed with gpg: rpm -K says "digests signatures OK" once the key is imported', async (t) => {
  if (await needTools(t, 'gpg', 'rpm', 'rpmkeys')) return;
  const { gpgSigner } = await import('../../../src/tools/gpg.js');
  const home = path.join(work.dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const env = { GNUPGHOME: home };
  await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Test <t@example.org>', 'rsa2048', 'sign', 'never'], { env });
  const key = path.join(work.dir, 'key.asc');
  await run('gpg', ['--batch', '--armor', '--export', '--output', key, 't@example.org'], { env });
  const signer = gpgSigner({ homedir: home, keyId: 't@example.org' });
  const file = path.join(work.dir, 'signed.rpm');
  writeFileSync(file, concat(await writeRpm(PLAN, { compression: gzip(), signer })));
  const db = path.join(work.dir, 'keydb');
  mkdirSync(db);
  const before = await rpmq(['-K', file], db);
  assert.notEqual(before.exitCode, 0, 'unknown key must not verify');
  assert.match(before.stdout, /NOKEY|signatures NOT OK/i);
  const imp = await run('rpmkeys', ['--dbpath', db, '--import', key], { allowFailure: true });
  assert.equal(imp.exitCode, 0, imp.stderr);
  const r = await rpmq(['-K', file], db);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), `${file}: digests signatures OK`);
  const v = await rpmq(['-Kv', file], db);
  assert.match(v.stdout, /Header V4 RSA\/SHA256 Signature, key ID [0-9a-f]+: OK/);
  assert.match(v.stdout, /V4 RSA\/SHA256 Signature, key ID [0-9a-f]+: OK/);
  // The payload signature (PGP, 1002) covers the payload: corrupting it fails the signature, not just the digest.
  const bad = readFileSync(file);
  bad[bad.length - 10] = bad[bad.length - 10]! ^ 0x55;
  writeFileSync(file, bad);
  const broken = await rpmq(['-K', file], db);
  assert.notEqual(broken.exitCode, 0);
});

test('source seam: lead type 1, SOURCEPACKAGE = 1, arch src, no SOURCERPM (payload synthesis is not done yet)', async (t) => {
  if (await needTools(t, 'rpm')) return;
  const file = path.join(work.dir, rpmFileName(PLAN.meta, { source: true }));
  assert.match(file, /tacd-fixture-1\.2\.3-1\.src\.rpm$/);
  const out = await buildRpm(PLAN, { source: true });
  writeFileSync(file, out);
  assert.equal(out.readUInt16BE(6), 1, 'lead type 1');
  const tags = new Map(splitRpm(out).header.entries.map((e) => [e.tag, e.value]));
  assert.deepEqual(tags.get(1106), [1]);
  assert.ok(!tags.has(1044), 'no SOURCERPM on a source package');
  assert.equal((await rpmq(['-K', file])).stdout.trim(), `${file}: digests OK`);
  const q = await rpmq(['-qp', '--qf', '%{ARCH} %{SOURCEPACKAGE} %{SOURCERPM}\n', file]);
  assert.equal(q.stdout, 'src 1 (none)\n');
});

test('upgrade in a private root: scriptlet $1 counts and order, %config(noreplace) keeps local edits (.rpmnew)', async (t) => {
  if (await needTools(t, 'rpm', 'ldd')) return;
  if (process.getuid?.() !== 0) return t.skip('not root: rpm --root install needs chroot for scriptlets');
  const root = path.join(work.dir, 'upgrade-root');
  mkdirSync(root);
  await shellRoot(root);
  const rpm = (args: string[]) => run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', ...args], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
  await rpm(['--initdb']);
  assert.equal((await rpm(['-i', '--nodeps', pkg])).exitCode, 0);
  const conf = path.join(root, 'etc/tacd-fixture/config.json');
  writeFileSync(conf, '{"port": 9090}\n'); // the administrator's edit
  const v2 = fixturePlan({ version: '1.2.4' });
  const next: PackagePlan = {
    ...v2,
    payload: v2.payload.map((e) => (e.path === '/etc/tacd-fixture/config.json' && e.kind === 'file' ? { ...e, data: new TextEncoder().encode('{"port": 8081}\n') } : e)),
  };
  const file2 = await writeRpmFile(work.dir, next, {}, 'v2.rpm');
  const up = await rpm(['-U', '--nodeps', file2]);
  assert.equal(up.exitCode, 0, up.stderr);
  assert.doesNotMatch(up.stdout + up.stderr, /scriptlet failed/i);
  assert.match(up.stdout + up.stderr, /config\.json created as .*config\.json\.rpmnew/);
  assert.equal(readFileSync(conf, 'utf8'), '{"port": 9090}\n', 'local edit kept');
  assert.equal(readFileSync(conf + '.rpmnew', 'utf8'), '{"port": 8081}\n');
  // New %pre/%post with 2 instances, then the old package's %preun/%postun with 1 left.
  assert.equal(readFileSync(path.join(root, 'tacd-scriptlets.log'), 'utf8'), 'pre 1\npost 1\nposttrans\npre 2\npost 2\npreun 1\npostun 1\nposttrans\n');
  assert.equal((await rpm(['-q', 'tacd-fixture'])).stdout.trim(), 'tacd-fixture-1.2.4-1.x86_64');
});
