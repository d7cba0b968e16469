// Reads an apt repository back as a client would and fails on any mix:
// InRelease and Release.gpg verify with gpgv against the given keyring and
// match Release, every index Release lists has its size and SHA-256, and
// every package file a Packages file names has its size and SHA-256.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseStanza, parseStanzas } from '../../src/formats/repo/deb822.js';
import { sha256File } from './helpers.js';

function gpgv(keyring: string, ...files: string[]): void {
  const r = spawnSync('gpgv', ['--keyring', keyring, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, `gpgv ${files.join(' ')}: ${r.stderr}`);
}

const value = (fields: readonly (readonly [string, string])[], name: string): string => fields.find(([n]) => n === name)?.[1] ?? '';

/** 'name version arch' of every package the suite lists for `arch`, after checking the whole chain. */
export function readAptRepo(dir: string, suite: string, arch: string, keyring?: string): string[] {
  const dists = path.join(dir, 'dists', suite);
  if (keyring) {
    gpgv(keyring, path.join(dists, 'InRelease'));
    gpgv(keyring, path.join(dists, 'Release.gpg'), path.join(dists, 'Release'));
    const clear = spawnSync('gpg', ['--batch', '--decrypt', '--no-default-keyring', '--keyring', keyring, path.join(dists, 'InRelease')], { encoding: 'utf8' });
    assert.equal(clear.stdout, readFileSync(path.join(dists, 'Release'), 'utf8'), 'InRelease signs the same text as Release');
  }
  const release = parseStanza(readFileSync(path.join(dists, 'Release'), 'utf8'), 'Release');
  for (const line of value(release, 'SHA256').split('\n').filter((l) => l.trim())) {
    const [sha, size, rel] = line.trim().split(/\s+/);
    const file = path.join(dists, rel!);
    assert.equal(statSync(file).size, Number(size), `size of ${rel}`);
    assert.equal(sha256File(file), sha, `sha256 of ${rel}`);
  }
  const packages = parseStanzas(readFileSync(path.join(dists, 'main', `binary-${arch}`, 'Packages'), 'utf8'), 'Packages');
  return packages.map((p) => {
    const file = path.join(dir, value(p, 'Filename'));
    assert.ok(existsSync(file), `${value(p, 'Filename')} is in the pool`);
    assert.equal(sha256File(file), value(p, 'SHA256'), `sha256 of ${value(p, 'Filename')}`);
    return `${value(p, 'Package')} ${value(p, 'Version')} ${value(p, 'Architecture')}`;
  });
}
