/**
 * The .spec of a synthesized source RPM (nFPM's model, packaging-formats.md §1.4):
 * Source0 is the prebuilt payload as a tarball, %install untars it into the
 * buildroot and %files re-declares every path with its mode, owner and flags,
 * so `rpmbuild --rebuild` gives back the package `writeRpm(plan)` writes.
 *
 * - No debug package, no brp scripts (%__os_install_post), no build-id links and
 *   AutoReqProv: no: nothing is scanned, stripped or added behind our back. The
 *   config(NAME) = EVR pair rpmbuild would generate for %config files is declared
 *   explicitly instead (same text; rpm sets RPMSENSE_CONFIG only on generated ones).
 * - Scriptlets are the plan's rendered shell, spelled out (Debian's rpm has no
 *   %systemd_* macros); rpmbuild adds Requires(<phase>): /bin/sh for each one by
 *   itself (RPMSENSE_INTERP), exactly as writeRpm does, so the spec does not repeat it.
 * - Every piece of user text has '%' escaped as '%%' (rpm expands macros in the
 *   preamble, %description, scriptlets, %files and %changelog).
 *
 * Pure: a string from a plan. Validation is writeRpm's (validateRpmPlan), plus
 * the few things a spec cannot express (checked here, DataError 'tacd.srcrpm.spec').
 */
import { DataError } from '../../core/errors.js';
import type { ChangelogEntry, PackagePlan, PayloadEntry, Relation } from '../plan.js';
import { changelogEntries } from '../rpm/changelog.js';
import { alternatives, isRich } from '../rpm/relations.js';
import { evr, rpmGroup } from '../rpm/rpm.js';
import { compareBytes } from '../rpm/files.js';
import { rpmArch, validateRpmPlan } from '../rpm/validate.js';

export interface SpecOptions {
  /** File name of Source0 (the payload tarball), e.g. 'echo-1.0.0.tar.gz'. */
  readonly sourceName: string;
}

const OP_RPM: Readonly<Record<NonNullable<Relation['op']>, string>> = { '<<': '<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>' };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** rpm macro escaping: every '%' becomes '%%'. */
export function escapeMacros(text: string): string {
  return text.replace(/%/g, '%%');
}

function fail(field: string, message: string): never {
  throw new DataError('tacd.srcrpm.spec', `${field}: ${message}`, { field });
}

/** One dependency as spec text: 'name', 'name >= 1.0' or a rich '(a or b >= 2)'. */
export function specDep(r: Relation): string {
  const one = (a: Relation): string => (a.op && a.version !== undefined ? `${a.name} ${OP_RPM[a.op]} ${a.version}` : a.name);
  return isRich(r) ? `(${alternatives(r).map(one).join(' or ')})` : one(r);
}

/**
 * A path in %files: quoted (spaces), '%' escaped. rpm globs %files entries and has
 * no way to quote a '"' or a backslash, so paths with glob characters, quotes or
 * backslashes cannot be declared faithfully and are refused.
 */
function specPath(field: string, p: string): string {
  if (/["\\*?[\]{}]/.test(p)) fail(field, `'${p}' contains a character a spec's %files cannot declare literally (" \\ * ? [ ] { })`);
  return `"${escapeMacros(p)}"`;
}

function attr(e: PayloadEntry, symlink = false): string {
  const mode = symlink ? '-' : e.mode.toString(8).padStart(4, '0');
  return `%attr(${mode},${e.owner ?? 'root'},${e.group ?? 'root'})`;
}

/** '%files' lines for the entries the binary package owns (implicit parents are not). */
function filesSection(payload: readonly PayloadEntry[]): string[] {
  const owned = payload.map((e, i) => ({ e, i })).filter(({ e }) => e.kind !== 'dir' || e.owned === true);
  owned.sort((a, b) => compareBytes(a.e.path, b.e.path));
  return owned.map(({ e, i }) => {
    const p = specPath(`payload[${i}].path`, e.path);
    switch (e.kind) {
      case 'dir':
        return `%dir ${attr(e)} ${p}`;
      case 'symlink':
        return `${attr(e, true)} ${p}`;
      case 'ghost':
        return `%ghost ${attr(e)} ${p}`;
      case 'file': {
        const flags = [e.config ? '%config(noreplace)' : '', e.doc ? '%doc' : '', e.license ? '%license' : ''].filter((s) => s !== '');
        return [...flags, attr(e), p].join(' ');
      }
    }
  });
}

/** '* Tue Nov 14 2023 Name <email> - 1.2.3-1' (UTC date; rpm keeps the day only). */
export function changelogHeading(c: ChangelogEntry): string {
  const d = new Date(c.time * 1000);
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `* ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${d.getUTCFullYear()} ${escapeMacros(c.author)} - ${escapeMacros(c.version)}`;
}

const SECTION = /^%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun|postun|pretrans|posttrans|trigger\w*|filetrigger\w*|transfiletrigger\w*|verifyscript|sepolicy|patchlist|sourcelist|generate_buildrequires|conf)\b/;

/**
 * Lines of body text (description, scriptlet, changelog) with '%' escaped. rpm
 * looks for section names after macro expansion ('%%files' expands to '%files'),
 * so a line starting with one cannot be carried and is refused. In %description
 * and %changelog (`text`) rpm also drops lines whose first non-blank is '#'
 * (comments, again after expansion): refused too rather than silently lost.
 */
function body(field: string, text: string, kind: 'text' | 'script'): string {
  text.split('\n').forEach((l, j) => {
    if (SECTION.test(l)) fail(field, `line ${j + 1} starts with a spec section name ('${l.split(/\s/)[0]}'); rpm would end the section there`);
    if (kind === 'text' && /^\s*#/.test(l)) fail(field, `line ${j + 1} starts with '#'; rpm drops it from the spec as a comment`);
  });
  return escapeMacros(text);
}

const SCRIPTLETS = [
  ['pretrans', '%pretrans'],
  ['preinst', '%pre'],
  ['postinst', '%post'],
  ['prerm', '%preun'],
  ['postrm', '%postun'],
  ['posttrans', '%posttrans'],
] as const;

// A header value: one line, macros escaped.
function one(field: string, v: string): string {
  if (/[\r\n]/.test(v)) fail(field, 'must be one line');
  return escapeMacros(v.trim());
}

const PREAMBLE_COMMENT = [
  '# Source0 holds the prebuilt payload: the install section unpacks it into the',
  '# buildroot and the file list re-declares every path, so `rpmbuild --rebuild` needs',
  '# no network and no compiler and gives back the files and scriptlets of ts2rpm.',
  '%global debug_package %{nil}',
  '%global __os_install_post %{nil}',
  '%define _build_id_links none',
  '',
];

// Name .. AutoReqProv: the package's identity and where it builds.
function preamble(plan: PackagePlan, options: SpecOptions): string[] {
  const m = plan.meta;
  const arch = rpmArch(m.arch);
  return [
    `# Source package of ${m.name}, written by tacd (ts2rpm --source).`,
    ...PREAMBLE_COMMENT,
    `Name: ${m.name}`,
    `Version: ${m.version}`,
    `Release: ${m.release}`,
    ...(m.epoch !== undefined ? [`Epoch: ${m.epoch}`] : []),
    `Summary: ${one('meta.summary', m.summary)}`,
    `License: ${one('meta.license', m.license)}`,
    `Group: ${rpmGroup(m.section)}`,
    ...(m.homepage ? [`URL: ${one('meta.homepage', m.homepage)}`] : []),
    ...(m.vendor ? [`Vendor: ${one('meta.vendor', m.vendor)}`] : []),
    `Packager: ${one('meta.maintainer', m.maintainer)}`,
    `Source0: ${options.sourceName}`,
    // noarch builds anywhere; an arch package only for its arch (rpmbuild --target ARCH elsewhere).
    arch === 'noarch' ? 'BuildArch: noarch' : `ExclusiveArch: ${arch}`,
    'AutoReqProv: no',
  ];
}

// The dependency tags, in the order rpmbuild writes them.
function dependencies(plan: PackagePlan): string[] {
  const m = plan.meta;
  const r = m.relations ?? {};
  const deps = (tag: string, list: readonly Relation[] | undefined): string[] => (list ?? []).map((d) => `${tag}: ${specDep(d)}`);
  // rpmbuild generates config(N) only with AutoReqProv on; spelled out here so the
  // rebuilt package carries the same pair as writeRpm's (minus the RPMSENSE_CONFIG bit).
  const config = plan.payload.some((e) => e.kind === 'file' && e.config === true) ? [`Provides: config(${m.name}) = ${evr(m)}`, `Requires: config(${m.name}) = ${evr(m)}`] : [];
  return [
    ...deps('Requires', r.depends),
    ...config,
    ...deps('Requires(pre)', r.preDepends),
    ...deps('Requires(post)', r.requiresPost),
    ...deps('Requires(preun)', r.requiresPreun),
    ...deps('Requires(postun)', r.requiresPostun),
    ...deps('Provides', r.provides),
    ...deps('Conflicts', [...(r.conflicts ?? []), ...(r.breaks ?? [])]),
    ...deps('Obsoletes', r.obsoletes),
    ...deps('Recommends', r.recommends),
    ...deps('Suggests', r.suggests),
  ];
}

// %description .. %install, then the scriptlets that have a body.
function sections(plan: PackagePlan): string[] {
  const L = ['', '%description', body('meta.description', plan.meta.description.replace(/\s+$/, ''), 'text')];
  L.push('', '%prep', '# Nothing to unpack here: the install section extracts Source0 into the buildroot.');
  L.push('', '%build', '# Nothing to build: the payload is prebuilt.');
  L.push('', '%install', 'mkdir -p %{buildroot}', 'tar -C %{buildroot} --no-same-owner -xzf %{SOURCE0}');
  for (const [key, section] of SCRIPTLETS) {
    const s = plan.scripts?.[key];
    if (s !== undefined && s.trim() !== '') L.push('', section, body(`scripts.${key}`, s.replace(/\s+$/, ''), 'script'));
  }
  return L;
}

// %changelog, newest first.
function changelogSection(m: PackagePlan['meta']): string[] {
  const L = ['', '%changelog'];
  for (const c of changelogEntries(m)) {
    const i = m.changelog?.indexOf(c) ?? -1;
    L.push(changelogHeading(c));
    c.changes.forEach((t, j) => {
      const field = `meta.changelog[${i}].changes[${j}]`;
      // A continuation line starting with '*' would open a new changelog entry.
      if (/\n\*/.test(t)) fail(field, "a continuation line must not start with '*' (rpm would read a new changelog entry)");
      L.push(body(field, `- ${t.replace(/\s+$/, '')}`, 'text'));
    });
    L.push('');
  }
  return L;
}

/** Renders the spec. Validates the plan as writeRpm does (same DataErrors) first. */
export function renderSpec(plan: PackagePlan, options: SpecOptions): string {
  validateRpmPlan(plan);
  if (!/^[A-Za-z0-9._+~^-]+$/.test(options.sourceName)) fail('sourceName', `'${options.sourceName}' is not a plain file name`);
  const L = [...preamble(plan, options), ...dependencies(plan), ...sections(plan), '', '%files', ...filesSection(plan.payload), ...changelogSection(plan.meta)];
  return L.join('\n').replace(/\n+$/, '\n');
}
