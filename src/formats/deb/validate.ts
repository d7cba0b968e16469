/**
 * Debian policy checks on a PackagePlan, run before any byte is written. Every
 * failure is a DataError whose `field` names the plan field at fault
 * ('meta.version', 'payload[3].path', 'scripts.postinst' ...) and whose message
 * says what was expected.
 */
import { DataError } from '../../core/errors.js';
import { EARLIEST_MTIME, EARLIEST_MTIME_ISO } from '../epoch.js';
import type { PackageMeta, PackagePlan, PayloadEntry, Relation } from '../plan.js';

/** Debian architecture names accepted in meta.arch (dpkg-architecture -L, release and ports, plus 'all'). */
export const DEB_ARCHITECTURES: ReadonlySet<string> = new Set([
  'all',
  'amd64',
  'arm64',
  'armel',
  'armhf',
  'i386',
  'mips64el',
  'mipsel',
  'ppc64el',
  'riscv64',
  's390x',
  'loong64',
  'alpha',
  'hppa',
  'ia64',
  'm68k',
  'powerpc',
  'ppc64',
  'sh4',
  'sparc64',
  'x32',
  'hurd-i386',
  'hurd-amd64',
  'kfreebsd-amd64',
  'kfreebsd-i386',
]);

/**
 * The archive sections lintian knows (/usr/share/lintian/data/fields/archive-sections,
 * lintian 2.116); any other Section is lintian's unknown-section.
 */
export const DEB_SECTIONS: ReadonlySet<string> = new Set([
  'admin', 'cli-mono', 'comm', 'database', 'debian-installer', 'debug', 'devel', 'doc', 'editors', 'education',
  'electronics', 'embedded', 'fonts', 'games', 'gnome', 'gnu-r', 'gnustep', 'golang', 'graphics', 'hamradio',
  'haskell', 'httpd', 'interpreters', 'introspection', 'java', 'javascript', 'kde', 'kernel', 'libdevel', 'libs',
  'lisp', 'localization', 'mail', 'math', 'metapackages', 'misc', 'net', 'news', 'ocaml', 'oldlibs', 'otherosfs',
  'perl', 'php', 'python', 'raku', 'ruby', 'rust', 'science', 'shells', 'sound', 'tasks', 'tex', 'text', 'utils',
  'vcs', 'video', 'web', 'x11', 'xfce', 'zope',
]);

/** The archive areas a section may be prefixed with ('contrib/net'); main is implied (lintian Check/Fields/Section.pm). */
export const DEB_SECTION_AREAS: ReadonlySet<string> = new Set(['contrib', 'non-free', 'non-free-firmware']);

/** True when `section` is 'net' or 'contrib/net' (a known section, optionally after a known area). */
export function isDebSection(section: string): boolean {
  const parts = section.split('/');
  if (parts.length > 2) return false;
  if (parts.length === 2 && !DEB_SECTION_AREAS.has(parts[0]!)) return false;
  return DEB_SECTIONS.has(parts[parts.length - 1]!);
}

export const DEB_PRIORITIES: ReadonlySet<string> = new Set(['required', 'important', 'standard', 'optional', 'extra']);

const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'] as const;

/** Debian policy 5.6.1: lower-case letters, digits, + - . ; at least two characters, starting alphanumeric. */
export const DEB_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

function fail(code: string, field: string, message: string): never {
  throw new DataError(`tacd.deb.${code}`, message, { field });
}

function singleLine(field: string, value: string, what: string): void {
  if (/[\n\r\0]/.test(value)) fail('field', field, `${field} must be one line (${what}), got ${JSON.stringify(value)}`);
}

/**
 * Why `upstream`/`revision`/`epoch` are not a valid Debian version (deb-version(7)),
 * or undefined when they are. `field` prefixes the message.
 */
export function debVersionProblem(upstream: string, revision: string, epoch: number | undefined): { field: string; message: string } | undefined {
  if (epoch !== undefined && (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > 2147483647)) {
    return { field: 'meta.epoch', message: `meta.epoch must be a non-negative integer, got ${epoch}` };
  }
  if (upstream === '') return { field: 'meta.version', message: 'meta.version must not be empty' };
  if (!/^[0-9]/.test(upstream)) {
    return { field: 'meta.version', message: `meta.version '${upstream}' must start with a digit (deb-version(7))` };
  }
  const bad = upstream.match(/[^A-Za-z0-9.+~:-]/);
  if (bad) {
    return { field: 'meta.version', message: `meta.version '${upstream}' contains '${bad[0]}'; allowed are letters, digits and . + ~ (and - only with a revision)` };
  }
  if (upstream.includes('-') && revision === '') {
    return { field: 'meta.version', message: `meta.version '${upstream}' contains a hyphen but meta.release is empty; a hyphen is only allowed before the Debian revision` };
  }
  if (upstream.includes(':') && epoch === undefined) {
    return { field: 'meta.version', message: `meta.version '${upstream}' contains a colon; put the epoch in meta.epoch` };
  }
  if (revision !== '' && !/^[A-Za-z0-9.+~]+$/.test(revision)) {
    return { field: 'meta.release', message: `meta.release '${revision}' may contain only letters, digits and . + ~ (deb-version(7))` };
  }
  return undefined;
}

/** Parses a full version string ('1:2.0-1') as in a relation and checks it. */
function versionStringProblem(version: string): string | undefined {
  const m = /^(?:(\d+):)?(.+?)(?:-([^-]*))?$/.exec(version);
  if (!m) return 'is empty';
  const [, epoch, upstream = '', revision] = m;
  if (revision === '') return 'has an empty revision after the hyphen';
  const p = debVersionProblem(upstream, revision ?? '', epoch === undefined ? undefined : Number(epoch));
  return p === undefined ? undefined : `is not a valid Debian version: ${p.message.replace(/^meta\.\w+ /, '')}`;
}

const RELATION_NAME = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?$/;
const RELATION_OPS = new Set(['<<', '<=', '=', '>=', '>>']);
const RELATION_FIELDS = ['depends', 'preDepends', 'recommends', 'suggests', 'conflicts', 'breaks', 'replaces', 'provides'] as const;

function checkRelation(r: Relation, field: string, providesOnly: boolean): void {
  if (typeof r.name !== 'string' || !RELATION_NAME.test(r.name)) {
    fail('relation', `${field}.name`, `${field}.name '${r.name}' is not a Debian package name (${DEB_PACKAGE_NAME.source}, optionally :arch)`);
  }
  if ((r.op === undefined) !== (r.version === undefined)) {
    fail('relation', field, `${field} (${r.name}) needs both op and version, or neither`);
  }
  if (r.op !== undefined && !RELATION_OPS.has(r.op)) {
    fail('relation', `${field}.op`, `${field}.op '${r.op}' must be one of << <= = >= >>`);
  }
  if (providesOnly && r.op !== undefined && r.op !== '=') {
    fail('relation', `${field}.op`, `${field}.op '${r.op}': Provides only allows '=' versions`);
  }
  if (r.version !== undefined) {
    const p = versionStringProblem(r.version);
    if (p) fail('relation', `${field}.version`, `${field}.version '${r.version}' ${p}`);
  }
  if (r.or !== undefined) {
    if (providesOnly && r.or.length > 0) fail('relation', `${field}.or`, `${field}: Provides cannot have alternatives`);
    r.or.forEach((alt, i) => {
      if (alt.or !== undefined && alt.or.length > 0) fail('relation', `${field}.or[${i}]`, `${field}.or[${i}] cannot nest alternatives`);
      checkRelation(alt, `${field}.or[${i}]`, providesOnly);
    });
  }
}

export function validateDebMeta(meta: PackageMeta): void {
  if (typeof meta.name !== 'string' || !DEB_PACKAGE_NAME.test(meta.name)) {
    fail('name', 'meta.name', `meta.name '${meta.name}' is not a Debian package name: expected ${DEB_PACKAGE_NAME.source} (lower case, at least 2 characters)`);
  }
  const vp = debVersionProblem(String(meta.version), String(meta.release ?? ''), meta.epoch);
  if (vp) fail('version', vp.field, vp.message);
  if (!DEB_ARCHITECTURES.has(meta.arch)) {
    fail('arch', 'meta.arch', `meta.arch '${meta.arch}' is not a Debian architecture; expected one of ${[...DEB_ARCHITECTURES].join(', ')}`);
  }
  if (typeof meta.maintainer !== 'string' || !/^[^<>,\s][^<>,\n\r]*\s<[^<>\s@]+@[^<>\s@]+>$/.test(meta.maintainer)) {
    fail('maintainer', 'meta.maintainer', `meta.maintainer must be 'Full Name <user@example.org>' (a name and an email, no commas), got '${meta.maintainer}'`);
  }
  if (typeof meta.summary !== 'string' || meta.summary.trim() === '') fail('field', 'meta.summary', 'meta.summary (the Description synopsis) must not be empty');
  singleLine('meta.summary', meta.summary, 'the Description synopsis');
  if (typeof meta.description !== 'string') fail('field', 'meta.description', 'meta.description must be a string');
  if (/[\r\0]/.test(meta.description)) fail('field', 'meta.description', 'meta.description must not contain carriage returns or NUL');
  // " ." is deb-control's blank line and "  ." is a reserved control statement (policy 5.6.13,
  // lintian description-contains-invalid-control-statement): a line of a lone '.' has no spelling.
  const dot = meta.description.split('\n').findIndex((l) => l.trim() === '.');
  if (dot >= 0) {
    fail('field', 'meta.description', `meta.description line ${dot + 1} is a lone '.', which a Debian control file cannot hold (' .' is a blank line, policy 5.6.13); remove it or join it to the text`);
  }
  if (meta.homepage !== undefined && !/^https?:\/\/[^\s<>"]+$/.test(meta.homepage)) {
    fail('field', 'meta.homepage', `meta.homepage must be an http(s) URL without spaces, got '${meta.homepage}'`);
  }
  if (meta.section !== undefined && (typeof meta.section !== 'string' || !isDebSection(meta.section))) {
    fail(
      'section',
      'meta.section',
      `meta.section ${JSON.stringify(meta.section)} is not a Debian archive section (lintian unknown-section); expected one such as net, web, admin, utils, misc or devel, optionally after contrib/, non-free/ or non-free-firmware/`,
    );
  }
  if (meta.priority !== undefined && !DEB_PRIORITIES.has(meta.priority)) {
    fail('field', 'meta.priority', `meta.priority '${meta.priority}' must be one of ${[...DEB_PRIORITIES].join(', ')}`);
  }
  if (!Number.isSafeInteger(meta.mtime) || meta.mtime < EARLIEST_MTIME || meta.mtime >= 8 ** 11) {
    // Before 1976 lintian reports every file as package-contains-ancient-file (see ../epoch.ts).
    fail('field', 'meta.mtime', `meta.mtime must be whole seconds since the epoch from ${EARLIEST_MTIME} (${EARLIEST_MTIME_ISO}) to 8589934591, got ${meta.mtime}`);
  }
  for (const key of RELATION_FIELDS) {
    const list = meta.relations?.[key];
    if (list === undefined) continue;
    list.forEach((r, i) => checkRelation(r, `meta.relations.${key}[${i}]`, key === 'provides'));
  }
}

const OWNER_NAME = /^[a-z_][a-z0-9_-]*\$?$/;

function checkEntry(e: PayloadEntry, i: number): void {
  const f = `payload[${i}]`;
  const p = e.path;
  if (typeof p !== 'string' || !p.startsWith('/')) fail('path', `${f}.path`, `${f}.path must be an absolute path, got '${p}'`);
  if (/[\n\r\0]/.test(p)) fail('path', `${f}.path`, `${f}.path ${JSON.stringify(p)} contains a newline, carriage return or NUL`);
  if (p !== '/' && (p.endsWith('/') || p.split('/').slice(1).some((c) => c === '' || c === '.' || c === '..'))) {
    fail('path', `${f}.path`, `${f}.path '${p}' must be normalized: no trailing slash and no empty, '.' or '..' components`);
  }
  if (p === '/' && e.kind !== 'dir') fail('path', `${f}.path`, `${f}.path '/' can only be a directory`);
  if (!Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o7777) {
    fail('mode', `${f}.mode`, `${f}.mode must be permission bits from 0 to 07777 (${p}), got ${e.mode}`);
  }
  for (const key of ['owner', 'group'] as const) {
    const v = e[key];
    if (v !== undefined && (!OWNER_NAME.test(v) || v.length > 31)) {
      fail('owner', `${f}.${key}`, `${f}.${key} '${v}' must be a user/group name (${OWNER_NAME.source}, at most 31 characters) (${p})`);
    }
  }
  if (e.kind !== 'file' && (e as { config?: unknown }).config) {
    fail('conffile', `${f}.config`, `${f}.config is set on a ${e.kind} (${p}); only regular files in the payload can be conffiles`);
  }
  switch (e.kind) {
    case 'file': {
      const d = e.data as unknown;
      const ok =
        d instanceof Uint8Array ||
        (typeof d === 'object' &&
          d !== null &&
          Number.isSafeInteger((d as { size?: unknown }).size) &&
          (d as { size: number }).size >= 0 &&
          typeof (d as { open?: unknown }).open === 'function');
      if (!ok) fail('data', `${f}.data`, `${f}.data must be a Uint8Array or { size, open() } with a non-negative integer size (${p})`);
      break;
    }
    case 'symlink':
      if (typeof e.target !== 'string' || e.target === '' || /[\n\r\0]/.test(e.target)) {
        fail('symlink', `${f}.target`, `${f}.target must be a non-empty one-line link target (${p}), got ${JSON.stringify(e.target)}`);
      }
      break;
    case 'dir':
    case 'ghost':
      break;
    default:
      fail('kind', `${f}.kind`, `${f}.kind must be file, dir, symlink or ghost, got '${(e as { kind: unknown }).kind}'`);
  }
}

export function validateDebPayload(payload: readonly PayloadEntry[]): void {
  const seen = new Map<string, number>();
  payload.forEach((e, i) => {
    checkEntry(e, i);
    const first = seen.get(e.path);
    if (first !== undefined) fail('duplicate', `payload[${i}].path`, `payload[${i}].path '${e.path}' duplicates payload[${first}]; each path may appear once`);
    seen.set(e.path, i);
  });
  // A parent that the plan lists must be a directory.
  payload.forEach((e, i) => {
    if (e.kind === 'ghost') return;
    for (let p = e.path; p.lastIndexOf('/') > 0; ) {
      p = p.slice(0, p.lastIndexOf('/'));
      const j = seen.get(p);
      if (j !== undefined && payload[j]!.kind !== 'dir') {
        fail('path', `payload[${i}].path`, `payload[${i}].path '${e.path}' lies under '${p}', which payload[${j}] declares as a ${payload[j]!.kind}, not a directory`);
      }
    }
  });
}

/** Throws a DataError naming the field when `plan` cannot become a valid .deb. */
export function validateDebPlan(plan: PackagePlan): void {
  validateDebMeta(plan.meta);
  validateDebPayload(plan.payload);
  for (const name of MAINTAINER_SCRIPTS) {
    const s = plan.scripts?.[name];
    if (s === undefined) continue;
    if (typeof s !== 'string' || !s.startsWith('#!')) {
      fail('script', `scripts.${name}`, `scripts.${name} must start with an interpreter line such as '#!/bin/sh'`);
    }
  }
}
