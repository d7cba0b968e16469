/**
 * The .rpm writer: lead, signature header (padded to 8), main header (region
 * 63), compressed cpio payload — what rpm 4.18 checks and rpmbuild writes.
 *
 * Pure: file bytes come from the plan (FileData.open() is called once per
 * regular file, for the payload, which also records the header's file
 * digests; a compressor without segments reads the payload twice when cached), compression and
 * signing from the options. Same plan → same bytes.
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../core/errors.js';
import type { Compressor, PackageMeta, PackagePlan, Signer } from '../plan.js';
import { compressCached, chosenCache, type CompressionCache } from '../archive/compression-cache.js';
import { cpioBreaks, cpioSize, cpioStream } from '../archive/cpio.js';
import { SEGMENT_MIN } from '../archive/segments.js';
import { putChangelog } from './changelog.js';
import { cpioMembers, hasLargeFiles, ownedFiles, putFileTags, sourceFiles, withContents, type FileContent, type RpmFile } from './files.js';
import { HeaderBuilder } from './header.js';
import { encodeLead } from './lead.js';
import { alternatives, configDep, isRich, putDeps, rpmlib, toDep, type Dep } from './relations.js';
import { putScripts } from './scripts.js';
import { encodeSignature } from './signature.js';
import {
  PGPHASHALGO_SHA256,
  RPMSENSE_EQUAL,
  RPMSENSE_SCRIPT_POST,
  RPMSENSE_SCRIPT_POSTUN,
  RPMSENSE_SCRIPT_PRE,
  RPMSENSE_SCRIPT_PREUN,
  RPMTAG_ARCH,
  RPMTAG_BUILDHOST,
  RPMTAG_BUILDTIME,
  RPMTAG_DESCRIPTION,
  RPMTAG_ENCODING,
  RPMTAG_EPOCH,
  RPMTAG_GROUP,
  RPMTAG_HEADERI18NTABLE,
  RPMTAG_HEADERIMMUTABLE,
  RPMTAG_LICENSE,
  RPMTAG_LONGSIZE,
  RPMTAG_NAME,
  RPMTAG_OS,
  RPMTAG_PACKAGER,
  RPMTAG_PAYLOADCOMPRESSOR,
  RPMTAG_PAYLOADDIGEST,
  RPMTAG_PAYLOADDIGESTALGO,
  RPMTAG_PAYLOADDIGESTALT,
  RPMTAG_PAYLOADFLAGS,
  RPMTAG_PAYLOADFORMAT,
  RPMTAG_RELEASE,
  RPMTAG_RPMVERSION,
  RPMTAG_SIZE,
  RPMTAG_SOURCEPACKAGE,
  RPMTAG_SOURCERPM,
  RPMTAG_SUMMARY,
  RPMTAG_URL,
  RPMTAG_VENDOR,
  RPMTAG_VERSION,
} from './tags.js';
import { RPM_ISA, rpmArch, validateRpmPlan } from './validate.js';

export { validateRpmPlan } from './validate.js';

export interface RpmOptions {
  readonly compression: Compressor;
  /** Detached binary OpenPGP signer: signs the header (RSAHEADER, 268) and header + payload (PGP, 1002). */
  readonly signer?: Signer;
  /**
   * Source package: lead type 1, SOURCEPACKAGE = 1, no SOURCERPM, arch 'src'; files are
   * stored as bare names ('/x.spec' → 'x.spec', no PayloadFilesHavePrefix) and '*.spec'
   * is flagged RPMFILE_SPECFILE, as rpmbuild -bs writes them.
   */
  readonly source?: boolean;
  /** Compressed payloads kept between builds (archive/compression-cache.ts); default: the process default (none for a source package), `null`: none. */
  readonly cache?: CompressionCache | null;
}

/** The rpm format version we write (what rpmbuild records as RPMVERSION). */
export const RPM_FORMAT_VERSION = '4.18.0';

/** Debian section → legacy RPM group (the tag is still required; Fedora uses "Unspecified"). */
const GROUPS: Readonly<Record<string, string>> = {
  admin: 'Applications/System',
  utils: 'Applications/System',
  net: 'Applications/Internet',
  web: 'Applications/Internet',
  httpd: 'Applications/Internet',
  mail: 'Applications/Internet',
  database: 'Applications/Databases',
  devel: 'Development/Tools',
  javascript: 'Development/Languages',
  libs: 'System Environment/Libraries',
  doc: 'Documentation',
};

export function rpmGroup(section: string | undefined): string {
  const s = section?.split('/').pop();
  return (s && GROUPS[s]) ?? 'Unspecified';
}

/** "[E:]V-R" */
export function evr(meta: PackageMeta): string {
  return `${meta.epoch !== undefined ? `${meta.epoch}:` : ''}${meta.version}-${meta.release}`;
}

/** name-version-release.arch.rpm with the Debian arch mapped (amd64 → x86_64, all → noarch, i386 → i686 ...). */
export function rpmFileName(meta: PackageMeta, options: { source?: boolean } = {}): string {
  return `${meta.name}-${meta.version}-${meta.release}.${options.source ? 'src' : rpmArch(meta.arch)}.rpm`;
}

function dependencies(meta: PackageMeta, arch: string, files: readonly RpmFile[], scriptDeps: readonly Dep[], compression: Compressor, source: boolean) {
  const rel = meta.relations ?? {};
  const selfEvr = evr(meta);
  const hasConfig = files.some((f) => f.entry.kind === 'file' && f.entry.config === true);

  const provides: Dep[] = (rel.provides ?? []).map((r) => toDep(r));
  provides.push({ name: meta.name, flags: RPMSENSE_EQUAL, version: selfEvr });
  const isa = RPM_ISA[arch];
  if (isa) provides.push({ name: `${meta.name}(${isa})`, flags: RPMSENSE_EQUAL, version: selfEvr });
  if (hasConfig) provides.push(configDep(meta.name, selfEvr));

  const requires: Dep[] = [
    ...(rel.depends ?? []).map((r) => toDep(r)),
    ...(rel.preDepends ?? []).map((r) => toDep(r, RPMSENSE_SCRIPT_PRE)),
    ...(rel.requiresPost ?? []).map((r) => toDep(r, RPMSENSE_SCRIPT_POST)),
    ...(rel.requiresPreun ?? []).map((r) => toDep(r, RPMSENSE_SCRIPT_PREUN)),
    ...(rel.requiresPostun ?? []).map((r) => toDep(r, RPMSENSE_SCRIPT_POSTUN)),
    ...scriptDeps,
  ];
  if (hasConfig) requires.push(configDep(meta.name, selfEvr));

  const conflicts = [...(rel.conflicts ?? []), ...(rel.breaks ?? [])].map((r) => toDep(r));
  const obsoletes = (rel.obsoletes ?? []).map((r) => toDep(r));
  const recommends = (rel.recommends ?? []).map((r) => toDep(r));
  const suggests = (rel.suggests ?? []).map((r) => toDep(r));

  // rpmlib() features actually used, as build/pack.c and build/files.c add them.
  const allRelations = Object.values(rel).flat();
  const versions = [meta.version, meta.release, ...allRelations.flatMap((r) => alternatives(r).map((a) => a.version ?? ''))];
  requires.push(rpmlib('CompressedFileNames', '3.0.4-1'));
  if (!source) requires.push(rpmlib('PayloadFilesHavePrefix', '4.0-1'));
  if (files.some((f) => f.entry.kind === 'file')) requires.push(rpmlib('FileDigests', '4.6.0-1'));
  if (compression.name === 'xz') requires.push(rpmlib('PayloadIsXz', '5.2-1'));
  if (versions.some((v) => v.includes('~'))) requires.push(rpmlib('TildeInVersions', '4.10.0-1'));
  if (versions.some((v) => v.includes('^'))) requires.push(rpmlib('CaretInVersions', '4.15.0-1'));
  if (allRelations.some(isRich)) requires.push(rpmlib('RichDependencies', '4.12.0-1'));
  if (hasLargeFiles(files)) requires.push(rpmlib('LargeFiles', '4.12.0-1'));
  return { provides, requires, conflicts, obsoletes, recommends, suggests };
}

interface Payload {
  readonly data: Uint8Array;
  /** The uncompressed cpio's size and SHA-256. */
  readonly archiveSize: number;
  readonly digestAlt: string;
  readonly digest: string;
}

// Payload: cpio → (count, sha256) → compressor; unchanged blocks from the compression cache.
// A source package's payload is the already compressed source tarball: its blocks are new whenever a
// source changes and shrink by nothing, so the process default cache is not used for it.
async function payloadOf(files: readonly RpmFile[], meta: PackagePlan['meta'], options: RpmOptions, source: boolean): Promise<Payload> {
  const cache = source && options.cache === undefined ? undefined : chosenCache(options.cache);
  const members = () => cpioMembers(files, meta.mtime, source ? '' : '.');
  const compressed = await compressCached(options.compression, () => cpioStream(members()), { cache, size: cpioSize(members()), breaks: cpioBreaks(members(), SEGMENT_MIN) });
  const data = compressed.data;
  return { data, archiveSize: compressed.stats.size, digestAlt: compressed.stats.sha256, digest: createHash('sha256').update(data).digest('hex') };
}

// Name .. ENCODING: what the package is.
function putIdentity(h: HeaderBuilder, meta: PackagePlan['meta'], files: readonly RpmFile[], arch: string, source: boolean): void {
  h.strings(RPMTAG_HEADERI18NTABLE, ['C']);
  h.string(RPMTAG_NAME, meta.name);
  h.string(RPMTAG_VERSION, meta.version);
  h.string(RPMTAG_RELEASE, meta.release);
  if (meta.epoch !== undefined) h.int32(RPMTAG_EPOCH, meta.epoch);
  h.i18n(RPMTAG_SUMMARY, meta.summary.trim());
  h.i18n(RPMTAG_DESCRIPTION, meta.description.replace(/\s+$/, ''));
  h.int32(RPMTAG_BUILDTIME, meta.mtime);
  h.string(RPMTAG_BUILDHOST, meta.buildHost ?? 'localhost');
  const installed = files.reduce((n, f) => n + (f.entry.kind === 'ghost' ? 0 : f.size), 0);
  if (installed > 0xffffffff) h.int64(RPMTAG_LONGSIZE, installed);
  else h.int32(RPMTAG_SIZE, installed);
  if (meta.vendor) h.string(RPMTAG_VENDOR, meta.vendor);
  h.string(RPMTAG_LICENSE, meta.license);
  h.string(RPMTAG_PACKAGER, meta.maintainer);
  h.i18n(RPMTAG_GROUP, rpmGroup(meta.section));
  if (meta.homepage) h.string(RPMTAG_URL, meta.homepage);
  h.string(RPMTAG_OS, 'linux');
  h.string(RPMTAG_ARCH, arch);
  if (source) h.int32(RPMTAG_SOURCEPACKAGE, 1);
  else h.string(RPMTAG_SOURCERPM, `${meta.name}-${meta.version}-${meta.release}.src.rpm`);
  h.string(RPMTAG_RPMVERSION, RPM_FORMAT_VERSION);
  h.string(RPMTAG_ENCODING, 'utf-8');
}

function putPayloadTags(h: HeaderBuilder, compression: Compressor, p: Payload): void {
  h.string(RPMTAG_PAYLOADFORMAT, 'cpio');
  h.string(RPMTAG_PAYLOADCOMPRESSOR, compression.name);
  h.string(RPMTAG_PAYLOADFLAGS, String(compression.level ?? (compression.name === 'gzip' ? 9 : 6)));
  h.strings(RPMTAG_PAYLOADDIGEST, [p.digest]);
  h.strings(RPMTAG_PAYLOADDIGESTALT, [p.digestAlt]);
  h.int32(RPMTAG_PAYLOADDIGESTALGO, PGPHASHALGO_SHA256);
}

/**
 * Writes the package. Returns the parts in file order (lead, signature,
 * header, payload); concatenate them or write them one after another.
 */
export async function writeRpm(plan: PackagePlan, options: RpmOptions): Promise<Uint8Array[]> {
  validateRpmPlan(plan);
  const meta = plan.meta;
  const source = options.source === true;
  const arch = source ? 'src' : rpmArch(meta.arch);
  const compression = options.compression;
  if (compression.name !== 'gzip' && compression.name !== 'xz') {
    throw new DataError('tacd.rpm.compression', `compression '${String(compression.name)}' is not supported for RPM; expected gzip or xz`, { field: 'compression' });
  }
  // One pass over every file: the payload's, which records the digests the header lists.
  const contents = new Map<string, FileContent>();
  const owned = ownedFiles(plan.payload, contents);
  const payload = await payloadOf(source ? sourceFiles(owned) : owned, meta, options, source);
  const collected = withContents(owned, contents);
  const files = source ? sourceFiles(collected) : collected;
  const h = new HeaderBuilder();
  putIdentity(h, meta, files, arch, source);
  const scriptDeps = putScripts(h, plan.scripts);
  putChangelog(h, meta);
  const deps = dependencies(meta, arch, files, scriptDeps, compression, source);
  for (const kind of ['provide', 'require', 'conflict', 'obsolete', 'recommend', 'suggest'] as const) putDeps(h, kind, deps[`${kind}s`]);
  putFileTags(h, files, meta.mtime);
  putPayloadTags(h, compression, payload);
  const header = h.encode(RPMTAG_HEADERIMMUTABLE);
  const signature = await encodeSignature({ header, payload: payload.data, archiveSize: payload.archiveSize, signer: options.signer });
  const lead = encodeLead({ nvr: `${meta.name}-${meta.version}-${meta.release}`, arch, source });
  return [lead, signature, header, payload.data];
}
