// The rpm-md metadata against createrepo_c on the same tree: primary.xml,
// filelists.xml and other.xml byte for byte (uncompressed), for our small
// packages and for a real `ts2rpm` build with scriptlet requires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { haveProgram, run } from '../../../src/core/exec.js';
import { FIXTURES_DIR, PROJECT_ROOT } from '../../../src/core/paths.js';
import { sha256Hex } from '../../../src/formats/repo/digests.js';
import { filelistsXml, otherXml, primaryXml, type RpmEntry } from '../../../src/formats/repo/rpm-md.js';
import { readRpmPackage } from '../../../src/formats/repo/rpm-package.js';
import { writeRpmIndices } from '../../../src/formats/repo/rpm-repo.js';
import { rpmPoolPath } from '../../../src/formats/repo/pool.js';
import { smallRpm } from './packages.js';

async function ts2rpmEcho(dir: string): Promise<Uint8Array> {
  await run(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2rpm.js'), path.join(FIXTURES_DIR, 'echo/app.tac.ts'), '--runtime', 'system', '--maintainer', 'A <a@example.org>', '--set-version', '2.0.0', '--output', dir], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
  return new Uint8Array(readFileSync(path.join(dir, 'echo-2.0.0-1.noarch.rpm')));
}

async function tree(root: string): Promise<RpmEntry[]> {
  const rpms: Uint8Array[] = [await smallRpm('alpha', '1.0.0'), await smallRpm('alpha', '1.0.1~rc1'), await smallRpm('beta', '3', 'amd64'), await ts2rpmEcho(mkdtempSync(path.join(tmpdir(), 'tacd-rpmmd-')))];
  const entries: RpmEntry[] = [];
  for (const [i, bytes] of rpms.entries()) {
    const pkg = readRpmPackage(bytes, `#${i}`);
    const location = rpmPoolPath(pkg.name, `${pkg.name}-${pkg.version}-${pkg.release}.${pkg.arch}.rpm`);
    mkdirSync(path.dirname(path.join(root, location)), { recursive: true });
    writeFileSync(path.join(root, location), bytes);
    utimesSync(path.join(root, location), 1700000100 + i, 1700000100 + i);
    entries.push({ pkg, location, sha256: sha256Hex(bytes), size: bytes.length, fileTime: Math.floor(statSync(path.join(root, location)).mtimeMs / 1000) });
  }
  return entries.sort((a, b) => (a.location < b.location ? -1 : 1));
}

test('primary, filelists and other equal createrepo_c\'s byte for byte', async (t) => {
  if (!(await haveProgram('createrepo_c'))) return t.skip('createrepo_c is missing (apt-get install createrepo-c)');
  const root = mkdtempSync(path.join(tmpdir(), 'tacd-rpmmd-'));
  try {
    const entries = await tree(root);
    await run('createrepo_c', ['--simple-md-filenames', '--no-database', '--general-compress-type', 'gz', root]);
    const theirs = (name: string): string => gunzipSync(readFileSync(path.join(root, 'repodata', `${name}.xml.gz`))).toString('utf8');
    assert.equal(primaryXml(entries), theirs('primary'));
    assert.equal(filelistsXml(entries), theirs('filelists'));
    assert.equal(otherXml(entries), theirs('other'));
    assert.match(primaryXml(entries), /<rpm:entry name="systemd" pre="1"\/>/, 'the ts2rpm build has a Requires(post)');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('repomd.xml names each file by its sha256, with open checksums and sizes that match', async () => {
  const entries = await tree(mkdtempSync(path.join(tmpdir(), 'tacd-rpmmd-')));
  const files = await writeRpmIndices({ entries, date: 1700000000 });
  assert.equal(files.at(-1)!.path, 'repodata/repomd.xml', 'repomd.xml comes last');
  const repomd = new TextDecoder().decode(files.at(-1)!.data);
  for (const [i, type] of ['primary', 'filelists', 'other'].entries()) {
    const f = files[i]!;
    const sha = sha256Hex(f.data);
    assert.equal(f.path, `repodata/${sha}-${type}.xml.gz`);
    const open = gunzipSync(f.data);
    assert.ok(repomd.includes(`<data type="${type}">\n    <checksum type="sha256">${sha}</checksum>\n    <open-checksum type="sha256">${sha256Hex(open)}</open-checksum>\n    <location href="${f.path}"/>\n    <timestamp>1700000000</timestamp>\n    <size>${f.data.length}</size>\n    <open-size>${open.length}</open-size>\n  </data>\n`), type);
  }
});
