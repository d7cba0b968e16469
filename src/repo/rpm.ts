/**
 * `ts2rpm repo`: adds .rpm files to a yum/dnf repository
 * (src/formats/repo/rpm-*.ts for the metadata, update.ts for the atomic
 * switch): Packages/<letter>/<file>, repodata/, repomd.xml.asc and the
 * armored key when signed, and a .repo file.
 */
import type { RepoFile } from '../formats/repo/apt-repo.js';
import { sha256Hex } from '../formats/repo/digests.js';
import { mergeVersions } from '../formats/repo/merge.js';
import { rpmPoolPath } from '../formats/repo/pool.js';
import type { RpmEntry } from '../formats/repo/rpm-md.js';
import { readRpmPackage } from '../formats/repo/rpm-package.js';
import { writeRpmIndices } from '../formats/repo/rpm-repo.js';
import { compareRpmEvr } from '../formats/repo/rpm-version.js';
import { dnfInstallLine, dnfRepo, type DnfClientInput } from '../formats/repo/snippets.js';
import type { RepoUpdate } from './apt.js';
import { readInputs } from './inputs.js';
import { openKey, type RepoKey } from './signing.js';
import { updateRepository, type Planned, type Previous } from './update.js';

export interface RpmRepoOptions {
  readonly dir: string;
  readonly packages: readonly string[];
  readonly keep: number;
  readonly name: string;
  readonly url: string;
  readonly signKey?: string;
  readonly gnupgHome?: string;
  /** Seconds since the epoch: repomd's revision. */
  readonly now: number;
}

interface RpmState {
  readonly entries: readonly RpmEntry[];
}

const evr = (e: RpmEntry): string => `${e.pkg.epoch}:${e.pkg.version}-${e.pkg.release}`;
const label = (e: RpmEntry): string => `${e.pkg.name} ${e.pkg.epoch !== '0' ? `${e.pkg.epoch}:` : ''}${e.pkg.version}-${e.pkg.release} (${e.pkg.arch})`;
const versioned = (e: RpmEntry, origin: string) => ({ item: e, key: `${e.pkg.name}/${e.pkg.arch}`, version: evr(e), sha256: e.sha256, label: label(e), origin });

async function readRpms(o: RpmRepoOptions): Promise<{ entry: RpmEntry; bytes: Uint8Array; file: string }[]> {
  const out = [];
  for (const input of await readInputs(o.packages, '.rpm')) {
    const pkg = readRpmPackage(input.bytes, input.file);
    const location = rpmPoolPath(pkg.name, `${pkg.name}-${pkg.version}-${pkg.release}.${pkg.arch}.rpm`);
    out.push({ entry: { pkg, location, sha256: sha256Hex(input.bytes), size: input.bytes.length, fileTime: input.mtime }, bytes: input.bytes, file: input.file });
  }
  return out;
}

function clientFiles(o: RpmRepoOptions, entries: readonly RpmEntry[], key: RepoKey | undefined): { files: RepoFile[]; installLine: string } {
  const c: DnfClientInput = { name: o.name, url: o.url, ...(key ? { keyFile: `RPM-GPG-KEY-${o.name}` } : {}), packagesSigned: entries.every((e) => e.pkg.signed), example: entries[0]!.pkg.name };
  const enc = new TextEncoder();
  const installLine = dnfInstallLine(c);
  const files: RepoFile[] = [{ path: `${o.name}.repo`, data: enc.encode(dnfRepo(c)) }, { path: 'INSTALL', data: enc.encode(`${installLine}\n`) }];
  if (key) files.push({ path: c.keyFile!, data: key.armored });
  return { files, installLine };
}

async function signRepomd(indices: readonly RepoFile[], key: RepoKey | undefined): Promise<RepoFile[]> {
  const repomd = indices.find((f) => f.path === 'repodata/repomd.xml')!;
  return key ? [{ path: 'repodata/repomd.xml.asc', data: await key.detachArmored(repomd.data) }] : [];
}

/** Adds the packages of `o` to the dnf repository at o.dir. */
export async function updateRpmRepository(o: RpmRepoOptions): Promise<RepoUpdate> {
  const key = o.signKey !== undefined ? await openKey(o.signKey, o.gnupgHome) : undefined;
  const rpms = await readRpms(o);
  const summary = { added: [] as string[], unchanged: [] as string[], removed: [] as string[], installLine: '' };
  const generation = await updateRepository<RpmState>(o.dir, 'rpm', async (prev: Previous<RpmState>): Promise<Planned<RpmState>> => {
    const old = prev.state?.entries ?? [];
    const merged = mergeVersions(old.map((e) => versioned(e, o.dir)), rpms.map((r) => versioned(r.entry, r.file)), o.keep, compareRpmEvr);
    const entries = merged.kept.map((v) => v.item).sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
    const fresh = rpms.filter((r) => entries.includes(r.entry));
    const indices = await writeRpmIndices({ entries, date: o.now });
    const client = clientFiles(o, entries, key);
    Object.assign(summary, {
      added: fresh.map((r) => label(r.entry)), unchanged: rpms.filter((r) => !fresh.includes(r)).map((r) => label(r.entry)),
      removed: merged.dropped.filter((v) => old.includes(v.item)).map((v) => v.label), installLine: client.installLine,
    });
    return {
      files: [...fresh.map((r) => ({ path: r.entry.location, data: r.bytes })), ...indices, ...(await signRepomd(indices, key)), ...client.files],
      links: entries.filter((e) => old.includes(e)).map((e) => ({ path: e.location, from: e.location })),
      state: { entries },
    };
  });
  return { generation, ...summary };
}
