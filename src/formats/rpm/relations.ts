/**
 * Dependencies: PROVIDES/REQUIRES/CONFLICTS/OBSOLETES/RECOMMENDS/SUGGESTS with
 * their VERSION and FLAGS arrays (rpmds.h).
 *
 * Mapping from the plan's Debian-flavoured relations:
 *   depends → Requires; preDepends → Requires(pre) (RPMSENSE_SCRIPT_PRE);
 *   requiresPost/Preun/Postun → Requires(post/preun/postun) (RPMSENSE_SCRIPT_POST/PREUN/POSTUN);
 *   conflicts + breaks → Conflicts (rpm has no Breaks); obsoletes → Obsoletes;
 *   recommends/suggests → Recommends/Suggests; provides → Provides.
 *   replaces has no RPM meaning (file takeover is not declarable) and is ignored.
 *   Alternatives (a | b) become rich dependencies "(a or b)" + rpmlib(RichDependencies).
 * Added like rpmbuild: self-provides `name = [E:]V-R` and `name(isa) = [E:]V-R`,
 * config(name) for packages with %config files, the rpmlib() features in use and
 * the scriptlet interpreters as Requires(pre/post/preun/postun/pretrans/posttrans).
 */
import type { HeaderBuilder } from './header.js';
import type { Relation } from '../plan.js';
import {
  RPMSENSE_CONFIG,
  RPMSENSE_EQUAL,
  RPMSENSE_GREATER,
  RPMSENSE_LESS,
  RPMSENSE_RPMLIB,
  RPMTAG_CONFLICTFLAGS,
  RPMTAG_CONFLICTNAME,
  RPMTAG_CONFLICTVERSION,
  RPMTAG_OBSOLETEFLAGS,
  RPMTAG_OBSOLETENAME,
  RPMTAG_OBSOLETEVERSION,
  RPMTAG_PROVIDEFLAGS,
  RPMTAG_PROVIDENAME,
  RPMTAG_PROVIDEVERSION,
  RPMTAG_RECOMMENDFLAGS,
  RPMTAG_RECOMMENDNAME,
  RPMTAG_RECOMMENDVERSION,
  RPMTAG_REQUIREFLAGS,
  RPMTAG_REQUIRENAME,
  RPMTAG_REQUIREVERSION,
  RPMTAG_SUGGESTFLAGS,
  RPMTAG_SUGGESTNAME,
  RPMTAG_SUGGESTVERSION,
} from './tags.js';

export interface Dep {
  readonly name: string;
  readonly flags: number;
  readonly version: string;
}

const OP_FLAGS: Readonly<Record<NonNullable<Relation['op']>, number>> = {
  '<<': RPMSENSE_LESS,
  '<=': RPMSENSE_LESS | RPMSENSE_EQUAL,
  '=': RPMSENSE_EQUAL,
  '>=': RPMSENSE_GREATER | RPMSENSE_EQUAL,
  '>>': RPMSENSE_GREATER,
};
const OP_RPM: Readonly<Record<NonNullable<Relation['op']>, string>> = { '<<': '<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>' };

/** The alternatives of a relation: itself, then its `or` list. */
export function alternatives(r: Relation): Relation[] {
  return [{ name: r.name, ...(r.op ? { op: r.op } : {}), ...(r.version !== undefined ? { version: r.version } : {}) }, ...(r.or ?? [])];
}

/** True when the relation needs a rich dependency. */
export function isRich(r: Relation): boolean {
  return (r.or?.length ?? 0) > 0;
}

/** One plan relation as an rpm dependency (rich "(a or b >= 1)" for alternatives). */
export function toDep(r: Relation, extraFlags = 0): Dep {
  if (isRich(r)) {
    const text = alternatives(r)
      .map((a) => (a.op && a.version ? `${a.name} ${OP_RPM[a.op]} ${a.version}` : a.name))
      .join(' or ');
    return { name: `(${text})`, flags: extraFlags, version: '' };
  }
  if (r.op && r.version !== undefined) return { name: r.name, flags: OP_FLAGS[r.op] | extraFlags, version: r.version };
  return { name: r.name, flags: extraFlags, version: '' };
}

/** rpmlib() feature requirement (flags as rpmbuild writes them: RPMLIB | LESS | EQUAL). */
export function rpmlib(feature: string, version: string): Dep {
  return { name: `rpmlib(${feature})`, flags: RPMSENSE_RPMLIB | RPMSENSE_LESS | RPMSENSE_EQUAL, version };
}

export function configDep(name: string, evr: string): Dep {
  return { name: `config(${name})`, flags: RPMSENSE_CONFIG | RPMSENSE_EQUAL, version: evr };
}

/**
 * Sorted and de-duplicated the way rpmds keeps them (rpmdsMerge: by name, then
 * version, then flags; /bin/sh stays once per scriptlet phase, as rpmbuild writes it).
 */
export function normalizeDeps(deps: readonly Dep[]): Dep[] {
  const map = new Map<string, Dep>();
  for (const d of deps) map.set(`${d.name}\0${d.version}\0${d.flags}`, d);
  return [...map.values()].sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version) || a.flags - b.flags);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Kind = 'provide' | 'require' | 'conflict' | 'obsolete' | 'recommend' | 'suggest';
const TAGS: Readonly<Record<Kind, readonly [number, number, number]>> = {
  provide: [RPMTAG_PROVIDENAME, RPMTAG_PROVIDEFLAGS, RPMTAG_PROVIDEVERSION],
  require: [RPMTAG_REQUIRENAME, RPMTAG_REQUIREFLAGS, RPMTAG_REQUIREVERSION],
  conflict: [RPMTAG_CONFLICTNAME, RPMTAG_CONFLICTFLAGS, RPMTAG_CONFLICTVERSION],
  obsolete: [RPMTAG_OBSOLETENAME, RPMTAG_OBSOLETEFLAGS, RPMTAG_OBSOLETEVERSION],
  recommend: [RPMTAG_RECOMMENDNAME, RPMTAG_RECOMMENDFLAGS, RPMTAG_RECOMMENDVERSION],
  suggest: [RPMTAG_SUGGESTNAME, RPMTAG_SUGGESTFLAGS, RPMTAG_SUGGESTVERSION],
};

/** Writes one dependency set (nothing when empty). */
export function putDeps(h: HeaderBuilder, kind: Kind, deps: readonly Dep[]): void {
  const list = normalizeDeps(deps);
  if (list.length === 0) return;
  const [n, f, v] = TAGS[kind];
  h.strings(n, list.map((d) => d.name));
  h.int32(f, list.map((d) => d.flags));
  h.strings(v, list.map((d) => d.version));
}
