// Small real packages for the repository tests: a .deb and an .rpm per
// (name, version), written by our own writers from a minimal plan, with a
// relation or two so the indices have something to list.
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { writeDeb } from '../../../src/formats/deb/deb.js';
import type { PackagePlan, Signer } from '../../../src/formats/plan.js';
import { writeRpm } from '../../../src/formats/rpm/rpm.js';

export const MTIME = 1700000000;

export function smallPlan(name: string, version: string, arch = 'all', note = '', deps = true): PackagePlan {
  return {
    meta: {
      name, version, release: '1', arch, maintainer: 'Repo Tester <repo@example.org>', summary: `the ${name} test package`,
      description: `A package for the repository tests.\n\nIt holds one file.${note}`, license: 'MIT', homepage: 'https://example.org/tacd',
      section: 'net', priority: 'optional', mtime: MTIME, buildHost: 'build.example.org',
      relations: deps ? { depends: [{ name: 'adduser' }, { name: 'libc6', op: '>=', version: '2.36' }], provides: [{ name: `${name}-api` }] } : {},
      changelog: [{ time: MTIME, author: 'Repo Tester <repo@example.org>', version: `${version}-1`, changes: ['First & <only> release.'] }],
    },
    payload: [
      { kind: 'dir', path: `/usr/lib/${name}`, mode: 0o755, owned: true },
      { kind: 'file', path: `/usr/lib/${name}/README`, mode: 0o644, data: new TextEncoder().encode(`${name} ${version}${note}\n`) },
      { kind: 'file', path: `/etc/${name}.conf`, mode: 0o644, config: true, data: new TextEncoder().encode('x=1\n') },
      { kind: 'file', path: `/usr/bin/${name}`, mode: 0o755, data: new TextEncoder().encode('#!/bin/sh\necho hi\n') },
    ],
  };
}

const concat = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

/** A .deb of `smallPlan(...)`; `note` changes its bytes at the same version. */
export async function smallDeb(name: string, version: string, arch = 'all', note = ''): Promise<Uint8Array> {
  return concat(await writeDeb(smallPlan(name, version, arch, note), { compression: gzipCompressor(9), cache: null }));
}

/** An .rpm of `smallPlan(...)`, header-signed when a signer is given; `deps` false: no dependencies (installable anywhere). */
export async function smallRpm(name: string, version: string, arch = 'all', note = '', signer?: Signer, deps = true): Promise<Uint8Array> {
  return concat(await writeRpm(smallPlan(name, version, arch, note, deps), { compression: gzipCompressor(9), cache: null, ...(signer ? { signer } : {}) }));
}
