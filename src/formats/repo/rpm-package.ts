/**
 * What a yum/dnf repository lists about an .rpm, taken from its headers as
 * createrepo_c takes it (parsehdr.c): identity, sizes, the header's byte
 * range, dependencies (rpmlib() requires and repeats dropped, requires of
 * the package's own primary files or of what it provides itself dropped,
 * `pre` for Requires(pre/post)),
 * files, and the changelog.
 */
import { DataError } from '../../core/errors.js';
import * as T from '../rpm/tags.js';
import { readRpmHeaders, type TagValue } from './rpm-header.js';

export interface RpmDep {
  readonly name: string;
  readonly flags?: string;
  readonly epoch?: string;
  readonly ver?: string;
  readonly rel?: string;
  readonly pre?: boolean;
}

export interface RpmFileEntry {
  readonly path: string;
  readonly type?: 'dir' | 'ghost';
}

export interface RpmChange {
  readonly author: string;
  readonly date: number;
  readonly text: string;
}

export const DEP_KINDS = ['provides', 'requires', 'conflicts', 'obsoletes', 'suggests', 'enhances', 'recommends', 'supplements'] as const;
export type DepKind = (typeof DEP_KINDS)[number];

export interface RpmPackage {
  readonly name: string;
  readonly arch: string;
  readonly epoch: string;
  readonly version: string;
  readonly release: string;
  readonly summary: string;
  readonly description: string;
  readonly packager: string;
  readonly url: string;
  readonly license: string;
  readonly vendor: string;
  readonly group: string;
  readonly buildhost: string;
  readonly sourcerpm: string;
  readonly buildTime: number;
  readonly installedSize: number;
  readonly archiveSize: number;
  readonly headerStart: number;
  readonly headerEnd: number;
  readonly deps: Readonly<Record<DepKind, readonly RpmDep[]>>;
  readonly files: readonly RpmFileEntry[];
  readonly changelog: readonly RpmChange[];
  /** The header carries an OpenPGP signature (RSAHEADER or DSAHEADER): dnf's gpgcheck can verify it. */
  readonly signed: boolean;
}

// (name, flags, version) tags of each kind; supplements/enhances are 5052-5057.
const DEP_TAGS: Record<DepKind, readonly [number, number, number]> = {
  provides: [T.RPMTAG_PROVIDENAME, T.RPMTAG_PROVIDEFLAGS, T.RPMTAG_PROVIDEVERSION],
  requires: [T.RPMTAG_REQUIRENAME, T.RPMTAG_REQUIREFLAGS, T.RPMTAG_REQUIREVERSION],
  conflicts: [T.RPMTAG_CONFLICTNAME, T.RPMTAG_CONFLICTFLAGS, T.RPMTAG_CONFLICTVERSION],
  obsoletes: [T.RPMTAG_OBSOLETENAME, T.RPMTAG_OBSOLETEFLAGS, T.RPMTAG_OBSOLETEVERSION],
  suggests: [T.RPMTAG_SUGGESTNAME, T.RPMTAG_SUGGESTFLAGS, T.RPMTAG_SUGGESTVERSION],
  enhances: [5055, 5057, 5056],
  recommends: [T.RPMTAG_RECOMMENDNAME, T.RPMTAG_RECOMMENDFLAGS, T.RPMTAG_RECOMMENDVERSION],
  supplements: [5052, 5054, 5053],
};

const SENSE = { LESS: 2, GREATER: 4, EQUAL: 8, PREREQ: 64, SCRIPT_PRE: 512, SCRIPT_POST: 1024 } as const;
const FLAG_NAMES: Partial<Record<number, string>> = { 2: 'LT', 4: 'GT', 8: 'EQ', 10: 'LE', 12: 'GE' };
const RPMFILE_GHOST = 64;
const PRIMARY_FILE = /^(.*bin\/.*|\/etc\/.*|\/usr\/lib\/sendmail)$/;

/** True for the files createrepo lists in primary.xml too. */
export const isPrimaryFile = (p: string): boolean => PRIMARY_FILE.test(p);

const str = (v: TagValue | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
const strs = (v: TagValue | undefined): readonly string[] => (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'string') ? (v as string[]) : []);
const nums = (v: TagValue | undefined): readonly number[] => (Array.isArray(v) && typeof v[0] === 'number' ? (v as number[]) : []);
const num = (v: TagValue | undefined): number | undefined => nums(v)[0];

/** "E:V-R" as createrepo splits it: epoch 0 when absent; no rel without a '-'. */
function evr(text: string): Pick<RpmDep, 'epoch' | 'ver' | 'rel'> {
  const colon = text.indexOf(':');
  const epoch = colon >= 0 ? text.slice(0, colon) : '0';
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, ver: rest.slice(0, dash), rel: rest.slice(dash + 1) } : { epoch, ver: rest };
}

function dep(name: string, flags: number, version: string, kind: DepKind): RpmDep {
  const pre = kind === 'requires' && (flags & (SENSE.PREREQ | SENSE.SCRIPT_PRE | SENSE.SCRIPT_POST)) !== 0;
  const op = FLAG_NAMES[flags & 0xe];
  return { name, ...(op && version ? { flags: op, ...evr(version) } : {}), ...(pre ? { pre: true } : {}) };
}

function deps(main: ReadonlyMap<number, TagValue>, kind: DepKind, ownFiles: ReadonlySet<string>, provided: ReadonlySet<string>): RpmDep[] {
  const [n, f, v] = DEP_TAGS[kind];
  const names = strs(main.get(n));
  const flags = nums(main.get(f));
  const versions = strs(main.get(v));
  const seen = new Set<string>();
  const out: RpmDep[] = [];
  names.forEach((name, i) => {
    if (kind === 'requires' && (name.startsWith('rpmlib(') || provided.has(name) || (ownFiles.has(name) && isPrimaryFile(name)))) return;
    const d = dep(name, flags[i] ?? 0, versions[i] ?? '', kind);
    const key = JSON.stringify(d);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  });
  return out;
}

function files(main: ReadonlyMap<number, TagValue>): RpmFileEntry[] {
  const dirs = strs(main.get(T.RPMTAG_DIRNAMES));
  const indexes = nums(main.get(T.RPMTAG_DIRINDEXES));
  const modes = nums(main.get(T.RPMTAG_FILEMODES));
  const flags = nums(main.get(T.RPMTAG_FILEFLAGS));
  return strs(main.get(T.RPMTAG_BASENAMES)).map((base, i) => {
    const type = ((flags[i] ?? 0) & RPMFILE_GHOST) !== 0 ? 'ghost' : ((modes[i] ?? 0) & 0o170000) === 0o040000 ? 'dir' : undefined;
    return { path: `${dirs[indexes[i] ?? 0] ?? ''}${base}`, ...(type ? { type } : {}) };
  });
}

/** createrepo's changelog: the newest 10 entries, oldest first. */
function changelog(main: ReadonlyMap<number, TagValue>): RpmChange[] {
  const times = nums(main.get(T.RPMTAG_CHANGELOGTIME));
  const names = strs(main.get(T.RPMTAG_CHANGELOGNAME));
  const texts = strs(main.get(T.RPMTAG_CHANGELOGTEXT));
  return times.slice(0, 10).map((date, i) => ({ author: names[i] ?? '', date, text: texts[i] ?? '' })).reverse();
}

/** The repository's view of the .rpm in `bytes`; a source package or a non-rpm is a DataError naming `file`. */
export function readRpmPackage(bytes: Uint8Array, file: string): RpmPackage {
  const h = readRpmHeaders(bytes, file);
  const m = h.main;
  if (m.has(T.RPMTAG_SOURCEPACKAGE)) throw new DataError('repo.rpm.source', `${file}: is a source package (.src.rpm); a repository lists binary packages`, { field: 'file' });
  for (const [tag, what] of [[T.RPMTAG_NAME, 'name'], [T.RPMTAG_VERSION, 'version'], [T.RPMTAG_ARCH, 'arch']] as const) {
    if (!str(m.get(tag))) throw new DataError('repo.rpm.invalid', `${file}: not an RPM package (its header has no ${what})`, { field: 'file' });
  }
  const fileList = files(m);
  const own = new Set(fileList.map((f) => f.path));
  const provided = new Set(strs(m.get(T.RPMTAG_PROVIDENAME)));
  const allDeps = Object.fromEntries(DEP_KINDS.map((k) => [k, deps(m, k, own, provided)])) as Record<DepKind, RpmDep[]>;
  return {
    name: str(m.get(T.RPMTAG_NAME)), arch: str(m.get(T.RPMTAG_ARCH)), epoch: String(num(m.get(T.RPMTAG_EPOCH)) ?? 0), version: str(m.get(T.RPMTAG_VERSION)),
    release: str(m.get(T.RPMTAG_RELEASE)), summary: str(m.get(T.RPMTAG_SUMMARY)), description: str(m.get(T.RPMTAG_DESCRIPTION)), packager: str(m.get(T.RPMTAG_PACKAGER)),
    url: str(m.get(T.RPMTAG_URL)), license: str(m.get(T.RPMTAG_LICENSE)), vendor: str(m.get(T.RPMTAG_VENDOR)), group: str(m.get(T.RPMTAG_GROUP)),
    buildhost: str(m.get(T.RPMTAG_BUILDHOST)), sourcerpm: str(m.get(T.RPMTAG_SOURCERPM)), buildTime: num(m.get(T.RPMTAG_BUILDTIME)) ?? 0,
    installedSize: num(m.get(T.RPMTAG_LONGSIZE)) ?? num(m.get(T.RPMTAG_SIZE)) ?? 0,
    archiveSize: num(h.signature.get(T.RPMSIGTAG_LONGARCHIVESIZE)) ?? num(h.signature.get(T.RPMSIGTAG_PAYLOADSIZE)) ?? 0,
    headerStart: h.start, headerEnd: h.end, deps: allDeps, files: fileList, changelog: changelog(m),
    signed: h.signature.has(T.RPMSIGTAG_RSA) || h.signature.has(267),
  };
}
