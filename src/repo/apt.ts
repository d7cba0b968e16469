/**
 * `ts2deb repo`: adds .deb files to an apt repository (src/formats/repo for
 * the indices, update.ts for the atomic switch). The repository keeps, per
 * generation, the list of what it holds (.DIR.generations/<n>.json), so an
 * update reads only the new packages.
 */
import path from 'node:path';
import { writeAptIndices, type AptEntry, type RepoFile } from '../formats/repo/apt-repo.js';
import { readDebControl } from '../formats/repo/deb-read.js';
import { fieldValue } from '../formats/repo/deb822.js';
import { compareDebVersions } from '../formats/repo/deb-version.js';
import { digestsOf } from '../formats/repo/digests.js';
import { mergeVersions } from '../formats/repo/merge.js';
import { debPoolPath, debSourceName } from '../formats/repo/pool.js';
import { aptInstallLine, aptSources, type AptClientInput } from '../formats/repo/snippets.js';
import { xzCompressor } from '../tools/xz.js';
import { hostDecompress } from './decompress.js';
import { readInputs } from './inputs.js';
import { openKey, type RepoKey } from './signing.js';
import { updateRepository, type Planned, type Previous } from './update.js';

export interface AptRepoOptions {
  readonly dir: string;
  readonly packages: readonly string[];
  readonly suite: string;
  readonly component: string;
  readonly keep: number;
  /** Repository name: its keyring and .sources file names. */
  readonly name: string;
  /** Where clients reach it (default file:// + the absolute DIR). */
  readonly url: string;
  readonly architectures: readonly string[];
  readonly signKey?: string;
  readonly gnupgHome?: string;
  /** Seconds since the epoch: the Release Date. */
  readonly now: number;
}

export interface RepoUpdate {
  readonly generation: number;
  /** 'echo 1.0.0-1 (all)' per package file added, already present, or pushed out by --keep. */
  readonly added: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly installLine: string;
}

interface AptState {
  readonly entries: readonly AptEntry[];
  /** The by-hash files of that generation, carried one generation further. */
  readonly byHash: readonly string[];
}

const f = (e: AptEntry, name: string): string => fieldValue(e.control, name) ?? '';
const label = (e: AptEntry): string => `${f(e, 'Package')} ${f(e, 'Version')} (${f(e, 'Architecture')})`;
const versioned = (e: AptEntry, origin: string) => ({
  item: e, key: `${e.suite}/${e.component}/${f(e, 'Package')}/${f(e, 'Architecture')}`, version: f(e, 'Version'), sha256: e.digests.sha256, label: label(e), origin,
});

async function readDebs(o: AptRepoOptions): Promise<{ entry: AptEntry; bytes: Uint8Array; file: string }[]> {
  const out = [];
  for (const input of await readInputs(o.packages, '.deb')) {
    const control = await readDebControl(input.bytes, input.file, hostDecompress);
    const pkg = fieldValue(control, 'Package')!;
    const version = fieldValue(control, 'Version')!.replace(/^\d+:/, '');
    const file = `${pkg}_${version}_${fieldValue(control, 'Architecture')}.deb`;
    const filename = debPoolPath(o.component, debSourceName(fieldValue(control, 'Source'), pkg), file);
    out.push({ entry: { control, filename, digests: digestsOf(input.bytes), suite: o.suite, component: o.component }, bytes: input.bytes, file: input.file });
  }
  return out;
}

function clientFiles(o: AptRepoOptions, entries: readonly AptEntry[], key: RepoKey | undefined): { files: RepoFile[]; installLine: string } {
  const c: AptClientInput = {
    name: o.name, url: o.url, suites: [...new Set(entries.map((e) => e.suite))].sort(), components: [...new Set(entries.map((e) => e.component))].sort(),
    ...(key ? { keyring: `${o.name}-archive-keyring.gpg` } : {}), example: f(entries.find((e) => e.suite === o.suite) ?? entries[0]!, 'Package'),
  };
  const enc = new TextEncoder();
  const installLine = aptInstallLine(c);
  const files: RepoFile[] = [{ path: `${o.name}.sources`, data: enc.encode(aptSources(c)) }, { path: 'INSTALL', data: enc.encode(`${installLine}\n`) }];
  if (key) files.push({ path: c.keyring!, data: key.binary });
  return { files, installLine };
}

async function signReleases(indices: readonly RepoFile[], key: RepoKey | undefined): Promise<RepoFile[]> {
  if (!key) return [];
  const out: RepoFile[] = [];
  for (const r of indices.filter((i) => /^dists\/[^/]+\/Release$/.test(i.path))) {
    out.push({ path: r.path.replace(/Release$/, 'InRelease'), data: await key.clearsign(r.data) });
    out.push({ path: `${r.path}.gpg`, data: await key.detachArmored(r.data) });
  }
  return out;
}

/** Adds the packages of `o` to the apt repository at o.dir. */
export async function updateAptRepository(o: AptRepoOptions): Promise<RepoUpdate> {
  const key = o.signKey !== undefined ? await openKey(o.signKey, o.gnupgHome) : undefined;
  const debs = await readDebs(o);
  const summary = { added: [] as string[], unchanged: [] as string[], removed: [] as string[], installLine: '' };
  const generation = await updateRepository<AptState>(o.dir, 'apt', async (prev: Previous<AptState>): Promise<Planned<AptState>> => {
    const old = prev.state?.entries ?? [];
    const merged = mergeVersions(old.map((e) => versioned(e, o.dir)), debs.map((d) => versioned(d.entry, d.file)), o.keep, compareDebVersions);
    const entries = merged.kept.map((v) => v.item);
    const fresh = debs.filter((d) => entries.includes(d.entry));
    const carried = entries.filter((e) => old.includes(e));
    const indices = await writeAptIndices({ entries, architectures: o.architectures, origin: o.name, label: o.name, date: o.now }, xzCompressor(6));
    const client = clientFiles(o, entries, key);
    Object.assign(summary, {
      added: fresh.map((d) => label(d.entry)), unchanged: debs.filter((d) => !fresh.includes(d)).map((d) => label(d.entry)),
      removed: merged.dropped.filter((v) => old.includes(v.item)).map((v) => v.label), installLine: client.installLine,
    });
    const byHash = indices.filter((i) => i.path.includes('/by-hash/')).map((i) => i.path);
    const older = (prev.state?.byHash ?? []).filter((p) => !byHash.includes(p));
    return {
      files: [...fresh.map((d) => ({ path: d.entry.filename, data: d.bytes })), ...indices, ...(await signReleases(indices, key)), ...client.files],
      links: [...carried.map((e) => ({ path: e.filename, from: e.filename })), ...older.map((p) => ({ path: p, from: p }))],
      state: { entries, byHash },
    };
  });
  return { generation, ...summary };
}

/** The default client URL of a repository folder: file:// + its absolute path. */
export const fileUrl = (dir: string): string => `file://${path.resolve(dir)}`;
