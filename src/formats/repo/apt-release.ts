/**
 * A suite's Release file (Debian repository format, "Release files"): what
 * the suite is, when it was made, and the size, MD5 and SHA-256 of every
 * index under it, which the signature over Release (InRelease, Release.gpg)
 * then covers. `Acquire-By-Hash: yes` tells apt it may fetch each index by
 * its SHA-256 (by-hash/SHA256/<hex>), so a client racing an upload never
 * mixes an old Release with a new index.
 */
import type { Digests } from './digests.js';

export interface ReleaseInput {
  readonly origin: string;
  readonly label: string;
  readonly suite: string;
  readonly codename: string;
  /** Seconds since the epoch. */
  readonly date: number;
  readonly architectures: readonly string[];
  readonly components: readonly string[];
  readonly description: string;
  /** Paths relative to dists/<suite>/ with their digests. */
  readonly files: readonly { readonly path: string; readonly digests: Digests }[];
}

/** RFC 2822 date in UTC, as Debian's Release files write it: 'Sat, 09 Nov 2024 10:01:12 UTC'. */
export function releaseDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString().replace(/GMT$/, 'UTC');
}

function hashList(name: string, files: ReleaseInput['files'], pick: (d: Digests) => string): string {
  return `${name}:\n${files.map((f) => ` ${pick(f.digests)} ${String(f.digests.size).padStart(16)} ${f.path}\n`).join('')}`;
}

/** The Release text. */
export function releaseFile(r: ReleaseInput): string {
  const head = [
    `Origin: ${r.origin}`, `Label: ${r.label}`, `Suite: ${r.suite}`, `Codename: ${r.codename}`, `Date: ${releaseDate(r.date)}`,
    `Architectures: ${r.architectures.join(' ')}`, `Components: ${r.components.join(' ')}`, `Description: ${r.description}`, 'Acquire-By-Hash: yes',
  ];
  return `${head.join('\n')}\n${hashList('MD5Sum', r.files, (d) => d.md5)}${hashList('SHA256', r.files, (d) => d.sha256)}`;
}
