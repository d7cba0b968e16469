// dnf (Debian's dnf 4 with libdnf and librepo) reads a `ts2rpm repo`
// repository with repo_gpgcheck=1 and gpgcheck=1 from its .repo file,
// resolves and downloads the app, and refuses the repository once its
// primary metadata is tampered with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { haveProgram, run } from '../../src/core/exec.js';
import { gpgSigner } from '../../src/tools/gpg.js';
import { smallRpm } from '../formats/repo/packages.js';
import { cli, makeKey, tmp } from './helpers.js';

function dnf(root: string, reposdir: string, args: string[]) {
  return run('dnf', ['-y', '--installroot', root, `--setopt=reposdir=${reposdir}`, '--setopt=cachedir=' + path.join(root, 'cache'), '--releasever=12', ...args], { allowFailure: true, timeoutMs: 120_000 });
}

test('dnf resolves and downloads the app with repo_gpgcheck=1 and gpgcheck=1, and refuses a tampered primary', async (t) => {
  if (!(await haveProgram('dnf'))) return t.skip('dnf is missing (apt-get install dnf)');
  const key = makeKey();
  const work = tmp('dnf');
  const signer = gpgSigner({ keyId: key.uid, homedir: key.home });
  for (const v of ['1.0.0', '1.1.0']) writeFileSync(path.join(work, `notes-${v}.rpm`), await smallRpm('notes-api', v, 'all', '', signer, false));
  const repo = path.join(work, 'yum');
  const r = await cli('ts2rpm', ['repo', repo, path.join(work, 'notes-1.0.0.rpm'), path.join(work, 'notes-1.1.0.rpm'), '--sign-key', key.uid], { GNUPGHOME: key.home });
  assert.equal(r.status, 0, r.stderr);
  const repoFile = readFileSync(path.join(repo, 'yum.repo'), 'utf8');
  assert.equal(repoFile, `[yum]\nname=yum\nbaseurl=file://${repo}\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\nskip_if_unavailable=False\ngpgkey=file://${repo}/RPM-GPG-KEY-yum\n`);
  const reposdir = path.join(work, 'repos.d');
  mkdirSync(reposdir);
  writeFileSync(path.join(reposdir, 'yum.repo'), repoFile);

  const root = path.join(work, 'root');
  const q = await dnf(root, reposdir, ['repoquery', '--queryformat', '%{name}-%{version}-%{release}.%{arch}', 'notes-api']);
  assert.equal(q.exitCode, 0, q.stderr);
  assert.deepEqual(q.stdout.trim().split('\n').filter((l) => l.startsWith('notes-api')).sort(), ['notes-api-1.0.0-1.noarch', 'notes-api-1.1.0-1.noarch']);
  const dl = await dnf(root, reposdir, ['install', '--downloadonly', `--downloaddir=${path.join(work, 'dl')}`, 'notes-api']);
  assert.equal(dl.exitCode, 0, dl.stderr + dl.stdout);
  assert.deepEqual(readdirSync(path.join(work, 'dl')).filter((f) => f.endsWith('.rpm')), ['notes-api-1.1.0-1.noarch.rpm'], 'the newest, with its header signature checked');

  // Tamper: change primary.xml.gz's content in place (repomd.xml and its signature unchanged).
  const data = path.join(repo, 'repodata');
  const primary = path.join(data, readdirSync(data).find((f) => f.endsWith('-primary.xml.gz'))!);
  writeFileSync(primary, gzipSync(Buffer.from(gunzipSync(readFileSync(primary)).toString('utf8').replace('1.1.0', '9.9.9'))));
  const bad = await dnf(path.join(work, 'root2'), reposdir, ['repoquery', 'notes-api']);
  assert.notEqual(bad.exitCode, 0, `dnf read a tampered primary: ${bad.stdout}`);
  assert.match(bad.stderr, /checksum|Checksum|Failed to download metadata/);

  // And a tampered repomd.xml fails its signature.
  const repomd = path.join(data, 'repomd.xml');
  writeFileSync(repomd, readFileSync(repomd, 'utf8').replace(/<revision>\d+/, '<revision>1'));
  const unsigned = await dnf(path.join(work, 'root3'), reposdir, ['repoquery', 'notes-api']);
  assert.notEqual(unsigned.exitCode, 0, `dnf read a repomd.xml whose signature fails: ${unsigned.stdout}`);
  t.diagnostic(`tampered primary: ${bad.stderr.trim().split('\n').pop()}; tampered repomd: ${unsigned.stderr.trim().split('\n').pop()}`);
});
