#!/usr/bin/env node
// The release loop, one run each (the targets), on a copy of
// fixtures/echo/app.tac.ts with the bundled node and the default gzip -9:
//  - cold: ts2deb with an empty cache, against `dpkg-deb --build` (gzip -9,
//    --root-owner-group) of the very tree the .deb holds (extracted from it);
//  - rebuild after a version bump plus a one-line app edit (and a new
//    SOURCE_DATE_EPOCH, as a new commit gives): ts2deb against dpkg-deb --build,
//    ts2rpm against `rpmbuild -bb` (w9.gzdio, the same tree as --buildroot);
//  - two builds (ts2deb and ts2rpm --both) from different folders with another
//    umask, TZ and LANG and no SOURCE_DATE_EPOCH: byte-identical outputs?
//  - the cache folder after 20 rebuilds with edits, over its size after the first.
// Every incremental output is checked against a clean build (TACD_NO_CACHE=1)
// of the same input once. Needs a build, dpkg-deb, rpmbuild, rpm2cpio, cpio.
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summaryRow } from './_summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(root, 'fixtures/echo/app.tac.ts');
for (const tool of ['dpkg-deb', 'rpmbuild', 'rpm2cpio', 'cpio']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.log(`SKIP: ${tool} not installed; nothing to compare with`);
    process.exit(0);
  }
}
const dir = mkdtempSync(path.join(tmpdir(), 'tacd-bench-incr-'));
const cache = path.join(dir, 'cache');
const META = ['--name', 'echo', '--maintainer', 'T <t@example.org>', '--description', 'echo', '--license', 'MIT'];
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;

function timed(file, args, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function app(folder) {
  const d = path.join(dir, folder);
  mkdirSync(d, { recursive: true });
  copyFileSync(FIXTURE, path.join(d, 'app.tac.ts'));
  const m = statSync(FIXTURE).mtime;
  utimesSync(path.join(d, 'app.tac.ts'), m, m);
  return d;
}

// ts2deb/ts2rpm in `appDir`; returns the time and the files written.
function tacd(tool, appDir, out, args, env) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const r = timed(process.execPath, [path.join(root, 'bin', `${tool}.js`), 'app.tac.ts', ...META, ...args, '--output', out], {
    cwd: appDir,
    env: { ...process.env, TACD_CACHE_DIR: cache, TACD_NO_CACHE: '', ...env },
  });
  return { ms: r.ms, files: readdirSync(out).sort().map((f) => path.join(out, f)) };
}

function du(d) {
  let n = 0;
  for (const e of readdirSync(d, { withFileTypes: true })) n += e.isDirectory() ? du(path.join(d, e.name)) : statSync(path.join(d, e.name)).size;
  return n;
}

function sameAsClean(tool, appDir, args, env, file) {
  const clean = tacd(tool, appDir, path.join(dir, 'clean'), args, { ...env, TACD_NO_CACHE: '1' });
  if (!readFileSync(clean.files[0]).equals(readFileSync(file))) throw new Error(`${tool}: the incremental build differs from a clean one`);
}

function dpkgDebBuild(deb) {
  const tree = path.join(dir, 'tree');
  rmSync(tree, { recursive: true, force: true });
  timed('dpkg-deb', ['-R', deb, tree]);
  return timed('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z9', '--build', tree, path.join(dir, 'dpkg.deb')], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } }).ms;
}

// rpmbuild -bb of the tree our .rpm holds: the payload as --buildroot, a spec listing its files.
function rpmbuild(rpm) {
  const buildroot = path.join(dir, 'buildroot');
  rmSync(buildroot, { recursive: true, force: true });
  mkdirSync(buildroot);
  timed('sh', ['-c', `rpm2cpio "$0" | cpio -idm --quiet`, rpm], { cwd: buildroot });
  const q = timed('rpm', ['-qp', '--qf', '[%{FILEMODES:perms} %{FILEFLAGS:fflags} %{FILENAMES}\n]', rpm]).stdout.trim().split('\n');
  const files = q.map((l) => l.split(' ')).map(([perms, flags, name]) => (perms.startsWith('d') ? `%dir ${name}` : flags.includes('c') ? `%config(noreplace) ${name}` : name));
  const meta = timed('rpm', ['-qp', '--qf', '%{NAME}\n%{VERSION}\n%{RELEASE}\n', rpm]).stdout.trim().split('\n');
  const spec = path.join(dir, 'echo.spec');
  writeFileSync(spec, `%define _build_id_links none\n%global debug_package %{nil}\n%global __os_install_post %{nil}\n%define _binary_payload w9.gzdio\n%define _binary_filedigest_algorithm 8\nAutoReqProv: no\nName: ${meta[0]}\nVersion: ${meta[1]}\nRelease: ${meta[2]}\nSummary: echo\nLicense: MIT\nBuildArch: x86_64\n%description\necho\n%files\n${files.join('\n')}\n`);
  const top = path.join(dir, 'rpmtop');
  rmSync(top, { recursive: true, force: true });
  return timed('rpmbuild', ['-bb', '--quiet', '--buildroot', buildroot, '--define', `_topdir ${top}`, spec], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } }).ms;
}

const edit = (appDir, n) => appendFileSync(path.join(appDir, 'app.tac.ts'), `(globalThis as { tacdBenchEdit?: number }).tacdBenchEdit = ${n};\n`);
console.log(`fixtures/echo/app.tac.ts with the bundled node (${process.execPath}), gzip -9, one run each; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

// 1. Cold.
const a = app('a');
const cold = tacd('ts2deb', a, path.join(dir, 'out'), ['--set-version', '1.0'], { SOURCE_DATE_EPOCH: '1700000000' });
const firstCache = du(cache);
const coldPeer = dpkgDebBuild(cold.files[0]);
summaryRow({ what: 'ts2deb cold (empty cache), bundled node, gzip -9', tacd: sec(cold.ms), peer: `dpkg-deb --build ${sec(coldPeer)}`, ratio: `${(cold.ms / coldPeer).toFixed(2)}×`, target: '≤ 0.3×', met: cold.ms / coldPeer <= 0.3 });

// 2. Version bump + one-line edit (+ a new SOURCE_DATE_EPOCH): .deb.
edit(a, 1);
const debArgs = ['--set-version', '1.1'];
const debEnv = { SOURCE_DATE_EPOCH: '1700086400' };
const deb = tacd('ts2deb', a, path.join(dir, 'out'), debArgs, debEnv);
const debPeer = dpkgDebBuild(deb.files[0]);
sameAsClean('ts2deb', a, debArgs, debEnv, deb.files[0]);
summaryRow({ what: 'ts2deb rebuild: version bump + one-line app edit', tacd: sec(deb.ms), peer: `dpkg-deb --build ${sec(debPeer)}`, ratio: `${(deb.ms / debPeer).toFixed(2)}×`, target: '≤ 0.15×', met: deb.ms / debPeer <= 0.15 });

// 3. The same for the .rpm (its cache warmed by one ts2rpm build first).
tacd('ts2rpm', a, path.join(dir, 'out'), debArgs, debEnv);
edit(a, 2);
const rpmArgs = ['--set-version', '1.2'];
const rpmEnv = { SOURCE_DATE_EPOCH: '1700172800' };
const rpm = tacd('ts2rpm', a, path.join(dir, 'out'), rpmArgs, rpmEnv);
const rpmPeer = rpmbuild(rpm.files[0]);
sameAsClean('ts2rpm', a, rpmArgs, rpmEnv, rpm.files[0]);
summaryRow({ what: 'ts2rpm rebuild: version bump + one-line app edit', tacd: sec(rpm.ms), peer: `rpmbuild -bb ${sec(rpmPeer)}`, ratio: `${(rpm.ms / rpmPeer).toFixed(2)}×`, target: '≤ 0.1×', met: rpm.ms / rpmPeer <= 0.1 });

// 4. Two folders, another umask/TZ/LANG, no SOURCE_DATE_EPOCH.
const outputs = [];
for (const [folder, umask, tz, lang] of [['p/app', '022', 'UTC', 'C.UTF-8'], ['q/deeper/app', '077', 'Asia/Tokyo', 'fr_FR.UTF-8']]) {
  const d = app(folder);
  const out = path.join(dir, folder, 'out');
  mkdirSync(out);
  for (const tool of ['ts2deb', 'ts2rpm']) {
    timed('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, path.join(root, 'bin', `${tool}.js`), 'app.tac.ts', ...META, '--set-version', '1.0', '--both', '--output', out], {
      cwd: d,
      env: { ...process.env, TACD_CACHE_DIR: cache, TACD_NO_CACHE: '', SOURCE_DATE_EPOCH: '', TZ: tz, LANG: lang, LC_ALL: '' },
    });
  }
  outputs.push(new Map(readdirSync(out).sort().map((f) => [f, readFileSync(path.join(out, f))])));
}
const differ = [...outputs[0].keys()].filter((f) => !outputs[1].get(f)?.equals(outputs[0].get(f)));
summaryRow({ what: `two folders, umask/TZ/LANG, no SOURCE_DATE_EPOCH: ${outputs[0].size} outputs`, tacd: differ.length === 0 ? 'identical' : `${differ.length} differ`, ratio: `${outputs[0].size - differ.length}/${outputs[0].size} equal`, target: 'all byte-identical', met: differ.length === 0 });
if (differ.length > 0) console.log(`differing: ${differ.join(' ')}`);

// 5. The cache after 20 rebuilds with edits (ts2deb), over its size after the first build.
for (let i = 0; i < 20; i++) {
  edit(a, 100 + i);
  tacd('ts2deb', a, path.join(dir, 'out'), ['--set-version', '1.0'], { SOURCE_DATE_EPOCH: '1700000000' });
}
const after = du(cache);
summaryRow({ what: 'build cache after 20 more rebuilds with edits (and the runs above)', tacd: `${(after / 1e6).toFixed(1)} MB`, peer: `first build ${(firstCache / 1e6).toFixed(1)} MB`, ratio: `${(after / firstCache).toFixed(2)}×`, target: '≤ 1.2×', met: after / firstCache <= 1.2 });
console.log(`cold ${sec(cold.ms)} vs dpkg-deb ${sec(coldPeer)}; deb rebuild ${sec(deb.ms)} vs ${sec(debPeer)}; rpm rebuild ${sec(rpm.ms)} vs rpmbuild ${sec(rpmPeer)}; cache ${(firstCache / 1e6).toFixed(1)} -> ${(after / 1e6).toFixed(1)} MB`);
console.log(`load after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
