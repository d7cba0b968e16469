// The apt indices against apt-ftparchive (apt-utils) on the same pool:
// every Packages stanza field by field and in the same order, and the
// Release checksums of the Packages files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveProgram, run } from '../../../src/core/exec.js';
import { packagesFile } from '../../../src/formats/repo/apt-packages.js';
import { writeAptIndices, type AptEntry } from '../../../src/formats/repo/apt-repo.js';
import { readDebControl } from '../../../src/formats/repo/deb-read.js';
import { parseStanza, parseStanzas } from '../../../src/formats/repo/deb822.js';
import { digestsOf } from '../../../src/formats/repo/digests.js';
import { debPoolPath } from '../../../src/formats/repo/pool.js';
import { hostDecompress } from '../../../src/repo/decompress.js';
import { xzCompressor } from '../../../src/tools/xz.js';
import { smallDeb } from './packages.js';

async function pool(root: string): Promise<AptEntry[]> {
  const entries: AptEntry[] = [];
  for (const [name, version, arch] of [['echo', '1.0.0', 'all'], ['echo', '1.1.0', 'all'], ['libfoo', '2.0', 'amd64'], ['zeta', '0.1~rc1', 'arm64']] as const) {
    const bytes = await smallDeb(name, version, arch);
    const filename = debPoolPath('main', name, `${name}_${version}-1_${arch}.deb`);
    mkdirSync(path.dirname(path.join(root, filename)), { recursive: true });
    writeFileSync(path.join(root, filename), bytes);
    entries.push({ control: await readDebControl(bytes, filename, hostDecompress), filename, digests: digestsOf(bytes), suite: 'stable', component: 'main' });
  }
  return entries;
}

const byName = (text: string): Map<string, (readonly [string, string])[]> =>
  new Map(parseStanzas(text, 'Packages').map((s) => [`${s.find(([n]) => n === 'Package')![1]} ${s.find(([n]) => n === 'Version')![1]}`, s]));

test('Packages: every stanza equals apt-ftparchive packages, field by field and in order', async (t) => {
  if (!(await haveProgram('apt-ftparchive'))) return t.skip('apt-ftparchive is missing (apt-get install apt-utils)');
  const root = mkdtempSync(path.join(tmpdir(), 'tacd-apt-'));
  try {
    const entries = await pool(root);
    const theirs = byName((await run('apt-ftparchive', ['packages', 'pool'], { cwd: root })).stdout);
    const ours = byName(packagesFile(entries));
    assert.equal(ours.size, 4);
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    for (const [k, fields] of ours) assert.deepEqual(fields, theirs.get(k), `stanza of ${k}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Release: the MD5Sum and SHA256 of each Packages file equal apt-ftparchive release over the same tree', async (t) => {
  if (!(await haveProgram('apt-ftparchive'))) return t.skip('apt-ftparchive is missing (apt-get install apt-utils)');
  const root = mkdtempSync(path.join(tmpdir(), 'tacd-apt-'));
  try {
    const entries = await pool(root);
    const files = await writeAptIndices({ entries, architectures: ['amd64'], origin: 'o', label: 'l', date: 1700000000 }, xzCompressor(6));
    for (const f of files.filter((f) => !f.path.includes('by-hash') && !f.path.endsWith('/Release'))) {
      mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
      writeFileSync(path.join(root, f.path), f.data);
    }
    const release = new TextDecoder().decode(files.find((f) => f.path === 'dists/stable/Release')!.data);
    const theirs = parseStanza((await run('apt-ftparchive', ['release', '.'], { cwd: path.join(root, 'dists/stable') })).stdout, 'theirs');
    const ours = parseStanza(release, 'ours');
    for (const name of ['MD5Sum', 'SHA256']) {
      const lines = (fs: typeof ours): string[] => fs.find(([n]) => n === name)![1].split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).join(' ')).sort();
      assert.deepEqual(lines(ours), lines(theirs), name);
    }
    assert.deepEqual(ours.slice(0, 9).map(([n]) => n), ['Origin', 'Label', 'Suite', 'Codename', 'Date', 'Architectures', 'Components', 'Description', 'Acquire-By-Hash']);
    assert.equal(ours.find(([n]) => n === 'Date')![1], 'Tue, 14 Nov 2023 22:13:20 UTC');
    assert.equal(ours.find(([n]) => n === 'Architectures')![1], 'amd64 arm64', 'the plan\'s plus the packages\' own, never all');
    const amd64 = new TextDecoder().decode(files.find((f) => f.path === 'dists/stable/main/binary-amd64/Packages')!.data);
    assert.deepEqual([...byName(amd64).keys()], ['echo 1.0.0-1', 'echo 1.1.0-1', 'libfoo 2.0-1'], 'arch all in every Packages, by name then version');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('by-hash: each index is also at by-hash/SHA256/<its sha256>', async () => {
  const files = await writeAptIndices({ entries: await pool(mkdtempSync(path.join(tmpdir(), 'tacd-apt-'))), architectures: [], origin: 'o', label: 'l', date: 1700000000 }, xzCompressor(6));
  const named = files.filter((f) => /\/Packages(\.gz|\.xz)?$/.test(f.path));
  assert.equal(named.length, 6, 'Packages, .gz and .xz for amd64 and arm64 (the packages\' own), none for all');
  for (const f of named) {
    const copy = files.find((g) => g.path === f.path.replace(/[^/]+$/, `by-hash/SHA256/${digestsOf(f.data).sha256}`));
    assert.ok(copy && Buffer.from(copy.data).equals(Buffer.from(f.data)), `by-hash copy of ${f.path}`);
  }
});
