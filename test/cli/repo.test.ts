// ts2deb repo / ts2rpm repo end to end as a person runs them: signed
// repositories that gpgv verifies, updates with --keep, and bad input (not
// a package, the same version with other bytes, a key gpg cannot use) that
// is one line and leaves DIR exactly as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { haveProgram } from '../../src/core/exec.js';
import { smallDeb, smallRpm } from '../formats/repo/packages.js';
import { readAptRepo } from '../repo/apt-check.js';
import { cli, makeKey, tmp } from '../repo/helpers.js';

async function debFile(dir: string, name: string, version: string, note = ''): Promise<string> {
  const file = path.join(dir, `${name}_${version}${note ? '-x' : ''}.deb`);
  writeFileSync(file, await smallDeb(name, version, 'all', note));
  return file;
}

/** Everything under a repository folder and its generations, for "nothing changed" checks. */
function snapshot(dir: string): string {
  const gens = path.join(path.dirname(dir), `.${path.basename(dir)}.generations`);
  const list = existsSync(gens) ? readdirSync(gens, { recursive: true }).map(String).sort() : [];
  return JSON.stringify({ link: existsSync(dir) ? readlinkSync(dir) : null, list });
}

test('ts2deb repo: signed, gpgv verifies InRelease and Release.gpg with the keyring it exports; --keep 2 drops the oldest', async (t) => {
  if (!(await haveProgram('gpgv'))) return t.skip('gpgv is missing (apt-get install gpgv)');
  const key = makeKey();
  const work = tmp('repo-cli');
  const repo = path.join(work, 'apt');
  const env = { GNUPGHOME: key.home };
  const r1 = await cli('ts2deb', ['repo', repo, await debFile(work, 'notes-api', '1.0.0'), await debFile(work, 'other', '0.1'), '--sign-key', key.uid, '--keep', '2'], env);
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stdout, /generation 1\n {2}added: notes-api 1\.0\.0-1 \(all\)\n {2}added: other 0\.1-1 \(all\)\ninstall on a client:\n {2}sudo sh -c '.*apt-get install -y /);
  const keyring = path.join(repo, 'apt-archive-keyring.gpg');
  assert.deepEqual(readAptRepo(repo, 'stable', 'amd64', keyring), ['notes-api 1.0.0-1 all', 'other 0.1-1 all']);
  assert.equal(readFileSync(path.join(repo, 'apt.sources'), 'utf8'), `Types: deb\nURIs: file://${repo}\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/apt.gpg\n`);
  assert.ok(existsSync(path.join(repo, 'pool/main/n/notes-api/notes-api_1.0.0-1_all.deb')));

  for (const v of ['1.1.0', '1.2.0']) assert.equal((await cli('ts2deb', ['repo', repo, await debFile(work, 'notes-api', v), '--sign-key', key.uid, '--keep', '2'], env)).status, 0);
  assert.deepEqual(readAptRepo(repo, 'stable', 'arm64', keyring), ['notes-api 1.1.0-1 all', 'notes-api 1.2.0-1 all', 'other 0.1-1 all']);
  assert.equal(readlinkSync(repo), '.apt.generations/3');
  assert.deepEqual(readdirSync(path.join(work, '.apt.generations')).sort(), ['2', '2.json', '3', '3.json', 'lock'].filter((n) => n !== 'lock'), 'the current and the previous generation only');
});

test('ts2deb repo: bad input is one line, and DIR is left exactly as it was', async (t) => {
  if (!(await haveProgram('gpg'))) return t.skip('gpg is missing');
  const key = makeKey();
  const work = tmp('repo-bad');
  const repo = path.join(work, 'apt');
  const env = { GNUPGHOME: key.home };
  const v1 = await debFile(work, 'notes-api', '1.0.0');
  assert.equal((await cli('ts2deb', ['repo', repo, v1, '--sign-key', key.uid], env)).status, 0);
  const before = snapshot(repo);
  const text = path.join(work, 'README.deb');
  writeFileSync(text, 'not a package\n');
  const cases: [string[], number, RegExp][] = [
    [[text], 65, /^ts2deb: .*README\.deb: not a Debian package \(no ar magic "!<arch>" at its start\)\n$/],
    [[await debFile(work, 'notes-api', '1.0.0', 'rebuilt')], 65, /^ts2deb: .*notes-api_1\.0\.0-x\.deb: notes-api 1\.0\.0-1 \(all\) is already in .*apt with other contents \(sha256 [0-9a-f]{16}…, this one [0-9a-f]{16}…\); give the new build a new version\n$/],
    [[path.join(work, 'missing.deb')], 66, /^ts2deb: .*missing\.deb: cannot read the package: no such file\n$/],
    [[v1, '--sign-key', 'nobody@example.org'], 78, /^ts2deb: gpg --export with key 'nobody@example.org' exported nothing: gpg has no such public key\n$/],
    [[v1, '--keep', '0'], 64, /^ts2deb: --keep: expected a whole number of versions, 1 or more, got '0'\n$/],
  ];
  for (const [args, status, message] of cases) {
    const r = await cli('ts2deb', ['repo', repo, ...args], env);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
    assert.equal(snapshot(repo), before, `${args.join(' ')} changed the repository`);
  }
  const fresh = path.join(work, 'fresh');
  const r = await cli('ts2deb', ['repo', fresh, text], env);
  assert.equal(r.status, 65);
  assert.deepEqual(readdirSync(work).filter((n) => n.includes('fresh')), [], 'a new repository that failed leaves nothing behind');
});

test('ts2deb repo: SIGKILL at many points of an update leaves the old repository or the new one, and the next update succeeds', async (t) => {
  if (!(await haveProgram('gpgv'))) return t.skip('gpgv is missing (apt-get install gpgv)');
  const key = makeKey();
  const work = tmp('repo-kill');
  const repo = path.join(work, 'apt');
  const env = { GNUPGHOME: key.home };
  const keyring = key.keyring;
  assert.equal((await cli('ts2deb', ['repo', repo, await debFile(work, 'base', '1'), '--sign-key', key.uid], env)).status, 0);
  let expected = readAptRepo(repo, 'stable', 'amd64', keyring);
  const seen = { old: 0, new: 0 };
  for (const [i, ms] of [50, 150, 300, 500, 700, 900, 1100, 1400, 1800, 2500].entries()) {
    const debs = [];
    for (let k = 0; k < 8; k++) debs.push(await debFile(work, `p${i}-${k}`, '1'));
    const r = await cli('ts2deb', ['repo', repo, ...debs, '--sign-key', key.uid], env, ms);
    const now = readAptRepo(repo, 'stable', 'amd64', keyring);
    const added = [...expected, ...debs.map((_, k) => `p${i}-${k} 1-1 all`)].sort();
    if (r.signal === 'SIGKILL') assert.ok(JSON.stringify(now) === JSON.stringify(expected) || JSON.stringify(now) === JSON.stringify(added), `killed after ${ms} ms: a mix`);
    else assert.deepEqual(now, added, r.stderr);
    seen[JSON.stringify(now) === JSON.stringify(expected) ? 'old' : 'new']++;
    expected = now;
  }
  t.diagnostic(`after the kills: ${seen.old} old, ${seen.new} new`);
  const last = await cli('ts2deb', ['repo', repo, await debFile(work, 'after', '1'), '--sign-key', key.uid], env);
  assert.equal(last.status, 0, last.stderr);
  assert.ok(readAptRepo(repo, 'stable', 'amd64', keyring).includes('after 1-1 all'));
  assert.deepEqual(readdirSync(path.join(work, '.apt.generations')).filter((n) => n.startsWith('tmp-')), [], 'half-built generations were removed');
});

test('ts2rpm repo: --keep 1 keeps the newest; the same version with other bytes and a non-rpm are refused with DIR unchanged', async () => {
  const work = tmp('rpm-cli');
  const repo = path.join(work, 'yum');
  const rpm = async (v: string, note = ''): Promise<string> => {
    const file = path.join(work, `notes-${v}${note}.rpm`);
    writeFileSync(file, await smallRpm('notes-api', v, 'all', note));
    return file;
  };
  const r1 = await cli('ts2rpm', ['repo', repo, await rpm('1.0.0'), '--keep', '1']);
  assert.equal(r1.status, 0, r1.stderr);
  const r2 = await cli('ts2rpm', ['repo', repo, await rpm('1.1.0'), '--keep', '1']);
  assert.match(r2.stdout, /generation 2\n {2}added: notes-api 1\.1\.0-1 \(noarch\)\n {2}removed \(--keep\): notes-api 1\.0\.0-1 \(noarch\)\n/);
  assert.deepEqual(readdirSync(path.join(repo, 'Packages/n')), ['notes-api-1.1.0-1.noarch.rpm']);
  assert.match(readFileSync(path.join(repo, 'yum.repo'), 'utf8'), /gpgcheck=0\nrepo_gpgcheck=0\n/, 'unsigned: no checks promised');
  const before = snapshot(repo);
  const other = await cli('ts2rpm', ['repo', repo, await rpm('1.1.0', 'x')]);
  assert.equal(other.status, 65);
  assert.match(other.stderr, /^ts2rpm: .*notes-1\.1\.0x\.rpm: notes-api 1\.1\.0-1 \(noarch\) is already in .*yum with other contents/);
  const deb = path.join(work, 'x.rpm');
  writeFileSync(deb, await smallDeb('notes-api', '2'));
  const notRpm = await cli('ts2rpm', ['repo', repo, deb]);
  assert.equal(notRpm.status, 65);
  assert.match(notRpm.stderr, /^ts2rpm: .*x\.rpm: not an RPM package \(no rpm lead magic at its start\)\n$/);
  assert.equal(snapshot(repo), before);
});
