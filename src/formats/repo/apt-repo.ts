/**
 * An apt repository's indices from what it holds: for each suite, each
 * component and architecture, dists/<suite>/<component>/binary-<arch>/
 * Packages (+ .gz, .xz, and by-hash/SHA256/<hex> copies of the three), and
 * dists/<suite>/Release over them. Architecture `all` packages are listed in
 * every architecture's Packages, as in Debian. Signing Release (InRelease,
 * Release.gpg) is the host's: this returns bytes only.
 */
import { gzipCompressor } from '../archive/gzip.js';
import type { Compressor } from '../plan.js';
import { packagesFile, type AptPackage } from './apt-packages.js';
import { releaseFile } from './apt-release.js';
import { fieldValue } from './deb822.js';
import { compareDebVersions } from './deb-version.js';
import { digestsOf, type Digests } from './digests.js';

/** A package in one suite and component. */
export interface AptEntry extends AptPackage {
  readonly suite: string;
  readonly component: string;
}

export interface AptRepoPlan {
  readonly entries: readonly AptEntry[];
  /** Architectures listed even without a package of their own (arch `all` packages go there). */
  readonly architectures: readonly string[];
  readonly origin: string;
  readonly label: string;
  /** Seconds since the epoch: every Release's Date. */
  readonly date: number;
}

/** A file of the repository: path from its root, and bytes. */
export interface RepoFile {
  readonly path: string;
  readonly data: Uint8Array;
}

const enc = new TextEncoder();
const field = (e: AptPackage, name: string): string => fieldValue(e.control, name) ?? '';
const uniqSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
/** Code-point order: the same on every host, unlike localeCompare. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function compress(c: Compressor, data: Uint8Array): Promise<Uint8Array> {
  return c.compress((async function* () {
    yield data;
  })(), { size: data.length });
}

/** The entries of one Packages file, by name then version. */
function listed(entries: readonly AptEntry[], component: string, arch: string): AptEntry[] {
  return entries
    .filter((e) => e.component === component && [arch, 'all'].includes(field(e, 'Architecture')))
    .sort((a, b) => byCodePoint(field(a, 'Package'), field(b, 'Package')) || compareDebVersions(field(a, 'Version'), field(b, 'Version')));
}

interface Index {
  readonly rel: string;
  readonly data: Uint8Array;
  readonly digests: Digests;
}

/** Packages, Packages.gz and Packages.xz of one component and architecture, with their by-hash copies. */
async function packagesIndices(dir: string, text: string, xz: Compressor): Promise<Index[]> {
  const plain = enc.encode(text);
  const all = [
    { rel: `${dir}/Packages`, data: plain },
    { rel: `${dir}/Packages.gz`, data: await compress(gzipCompressor(9), plain) },
    { rel: `${dir}/Packages.xz`, data: await compress(xz, plain) },
  ];
  return all.map((f) => ({ ...f, digests: digestsOf(f.data) }));
}

function byHash(suite: string, indices: readonly Index[]): RepoFile[] {
  return indices.map((i) => ({ path: `dists/${suite}/${i.rel.replace(/[^/]+$/, '')}by-hash/SHA256/${i.digests.sha256}`, data: i.data }));
}

/** Architectures of a suite: the plan's, plus those of its packages (not `all`). */
function suiteArchitectures(plan: AptRepoPlan, entries: readonly AptEntry[]): string[] {
  return uniqSorted([...plan.architectures, ...entries.map((e) => field(e, 'Architecture')).filter((a) => a !== 'all')]);
}

async function suiteFiles(plan: AptRepoPlan, suite: string, xz: Compressor): Promise<RepoFile[]> {
  const entries = plan.entries.filter((e) => e.suite === suite);
  const components = uniqSorted(entries.map((e) => e.component));
  const architectures = suiteArchitectures(plan, entries);
  const indices: Index[] = [];
  for (const c of components) {
    for (const a of architectures) indices.push(...(await packagesIndices(`${c}/binary-${a}`, packagesFile(listed(entries, c, a)), xz)));
  }
  const release = releaseFile({
    origin: plan.origin, label: plan.label, suite, codename: suite, date: plan.date, architectures, components,
    description: `${plan.label} ${suite}`, files: indices.map((i) => ({ path: i.rel, digests: i.digests })),
  });
  return [...indices.map((i) => ({ path: `dists/${suite}/${i.rel}`, data: i.data })), ...byHash(suite, indices), { path: `dists/${suite}/Release`, data: enc.encode(release) }];
}

/** Every index file of the repository (pool files and signatures not included). */
export async function writeAptIndices(plan: AptRepoPlan, xz: Compressor): Promise<RepoFile[]> {
  const out: RepoFile[] = [];
  for (const suite of uniqSorted(plan.entries.map((e) => e.suite))) out.push(...(await suiteFiles(plan, suite, xz)));
  return out;
}
