/**
 * Checks a plan against what rpm accepts before any byte is written. Every
 * error is a DataError naming the field and what was expected.
 */
import { DataError } from '../../core/errors.js';
import type { PackageMeta, PackagePlan, PayloadEntry, Relation } from '../plan.js';
import { CPIO_MAX_NAME } from '../archive/cpio.js';

/** Debian architecture → RPM architecture. i386 maps to i686, the arch Fedora/EL name their 32-bit x86 packages. */
export const RPM_ARCH: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  all: 'noarch',
  i386: 'i686',
  armhf: 'armv7hl',
  ppc64el: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** rpm's `%{_isa}` suffix per arch (x86_64 → "x86-64"); noarch has none. */
export const RPM_ISA: Readonly<Record<string, string>> = {
  x86_64: 'x86-64',
  aarch64: 'aarch-64',
  i686: 'x86-32',
  armv7hl: 'arm-32',
  ppc64le: 'ppc-64',
  s390x: 's390-64',
  riscv64: 'riscv-64',
};

export function rpmArch(debArch: string): string {
  const a = RPM_ARCH[debArch];
  if (a === undefined) {
    throw new DataError('tacd.rpm.arch', `meta.arch '${debArch}' has no RPM equivalent; expected one of ${Object.keys(RPM_ARCH).join(', ')}`, {
      field: 'meta.arch',
    });
  }
  return a;
}

/**
 * Directories that belong to the distribution (filesystem, systemd, ...): owning
 * them makes installs conflict ("conflicts with file from package filesystem").
 */
export const DISTRO_DIRS: ReadonlySet<string> = new Set([
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/media', '/mnt', '/opt', '/proc', '/root', '/run',
  '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var',
  '/etc/default', '/etc/sysconfig', '/etc/init.d', '/etc/rc.d', '/etc/rc.d/init.d', '/etc/profile.d', '/etc/logrotate.d', '/etc/cron.d',
  '/etc/systemd', '/etc/systemd/system', '/etc/tmpfiles.d', '/etc/sysusers.d', '/etc/security', '/etc/pam.d',
  '/etc/sudoers.d', '/etc/xdg', '/etc/ld.so.conf.d', '/etc/sysctl.d', '/etc/modules-load.d', '/etc/udev', '/etc/udev/rules.d',
  '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/include', '/usr/share', '/usr/src',
  '/usr/local', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/share', '/usr/local/etc',
  '/usr/share/doc', '/usr/share/licenses', '/usr/share/man', '/usr/share/info', '/usr/share/locale', '/usr/share/applications',
  '/usr/share/icons', '/usr/share/pixmaps', '/usr/share/bash-completion', '/usr/share/bash-completion/completions',
  '/usr/share/zsh', '/usr/share/fish', '/usr/lib/systemd', '/usr/lib/systemd/system', '/usr/lib/systemd/system-preset', '/usr/lib/systemd/user',
  '/usr/lib/sysusers.d', '/usr/lib/tmpfiles.d', '/usr/lib/udev', '/usr/lib/udev/rules.d', '/usr/lib/sysctl.d',
  '/usr/lib/modules-load.d', '/usr/lib/environment.d', '/usr/lib/.build-id', '/lib/systemd', '/lib/systemd/system',
  '/var/lib', '/var/log', '/var/cache', '/var/spool', '/var/tmp', '/var/run', '/var/opt', '/var/lib/systemd', '/var/www',
  ...Array.from({ length: 9 }, (_, i) => `/usr/share/man/man${i + 1}`),
]);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const NAME_RE = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
/** rpm's allowed characters in version and release (rpmCharCheck: alnum and "._+%{}~^"), minus macros. */
const VR_RE = /^[A-Za-z0-9._+~^]+$/;
/** A dependency name: no spaces, commas or operators; optional '(...)' qualifiers after the bare name. */
const DEP_NAME_RE = /^[^\s,()<>=]+(?:\([^\s,()<>=]*\))*$/;
const ACCOUNT_RE = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

function fail(field: string, message: string): never {
  throw new DataError('tacd.rpm.plan', `${field}: ${message}`, { field });
}

function text(field: string, value: string | undefined, opts: { required?: boolean; oneLine?: boolean } = {}): void {
  if (value === undefined || value.trim() === '') {
    if (opts.required) fail(field, 'must not be empty');
    return;
  }
  if (value.includes('\0')) fail(field, 'must not contain a NUL byte');
  if (opts.oneLine && /[\r\n]/.test(value)) fail(field, `must be one line, got ${JSON.stringify(value.slice(0, 60))}`);
}

function u32(field: string, n: number | undefined, max = 0xffffffff): void {
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < 0 || n > max) fail(field, `must be an integer in 0..${max}, got ${n}`);
}

function validateMeta(m: PackageMeta): void {
  if (!NAME_RE.test(m.name)) fail('meta.name', `'${m.name}' is not a valid RPM name (letters, digits and ._+- , not starting with . or -)`);
  if (!VR_RE.test(m.version)) fail('meta.version', `'${m.version}' is not a valid RPM version (letters, digits and ._+~^ ; no '-' or ':')`);
  if (m.release === '') fail('meta.release', "RPM needs a release (e.g. '1'); an empty release only makes sense for Debian native packages");
  if (!VR_RE.test(m.release)) fail('meta.release', `'${m.release}' is not a valid RPM release (letters, digits and ._+~^ ; no '-')`);
  u32('meta.epoch', m.epoch, 0x7fffffff);
  rpmArch(m.arch);
  text('meta.maintainer', m.maintainer, { required: true, oneLine: true });
  text('meta.summary', m.summary, { required: true, oneLine: true });
  text('meta.description', m.description, { required: true });
  text('meta.license', m.license, { required: true, oneLine: true });
  text('meta.homepage', m.homepage, { oneLine: true });
  text('meta.vendor', m.vendor, { oneLine: true });
  text('meta.buildHost', m.buildHost, { oneLine: true });
  u32('meta.mtime', m.mtime);
  m.changelog?.forEach((c, i) => {
    u32(`meta.changelog[${i}].time`, c.time);
    text(`meta.changelog[${i}].author`, c.author, { required: true, oneLine: true });
    text(`meta.changelog[${i}].version`, c.version, { required: true, oneLine: true });
    if (c.changes.length === 0) fail(`meta.changelog[${i}].changes`, 'must list at least one change');
    c.changes.forEach((t, j) => text(`meta.changelog[${i}].changes[${j}]`, t, { required: true }));
  });
  const rel = m.relations ?? {};
  for (const [key, list] of Object.entries(rel) as [string, readonly Relation[] | undefined][]) {
    list?.forEach((r, i) => validateRelation(`meta.relations.${key}[${i}]`, r, key));
  }
}

function validateRelation(field: string, r: Relation, key: string): void {
  const alts = [r, ...(r.or ?? [])];
  // rpmbuild: "No rich dependencies allowed for this type" (Provides, Obsoletes).
  if (alts.length > 1 && (key === 'provides' || key === 'obsoletes')) fail(field, `${key} cannot have alternatives (rpm allows rich dependencies only in requires, recommends, suggests and conflicts)`);
  alts.forEach((a, j) => {
    const f = j === 0 ? field : `${field}.or[${j - 1}]`;
    // Parenthesized qualifiers are fine after a bare name: perl(Foo), libc.so.6(GLIBC_2.28)(64bit), rtld(GNU_HASH).
    if (!DEP_NAME_RE.test(a.name) || CONTROL.test(a.name)) fail(`${f}.name`, `'${a.name}' is not a valid dependency name (no spaces, commas or operators; parentheses only as name(qualifier) suffixes)`);
    if ((a.op === undefined) !== (a.version === undefined)) fail(f, 'op and version must be given together');
    if (a.version !== undefined && !/^(\d+:)?[A-Za-z0-9._+~^-]+$/.test(a.version)) fail(`${f}.version`, `'${a.version}' is not a valid [epoch:]version[-release]`);
    if (a.or && j > 0 && a.or.length > 0) fail(f, 'nested alternatives are not supported');
  });
}

function validatePath(field: string, p: string): void {
  if (!p.startsWith('/') || p === '/' || p.endsWith('/') || p.includes('//') || /\/\.\.?(\/|$)/.test(p)) {
    fail(field, `'${p}' must be an absolute, normalized path other than '/' (no trailing slash, '.', '..' or '//')`);
  }
  if (CONTROL.test(p)) fail(field, `'${JSON.stringify(p)}' contains a control character`);
  if (new TextEncoder().encode(p).length + 2 > CPIO_MAX_NAME) fail(field, `path is longer than ${CPIO_MAX_NAME - 3} bytes`);
  // Shipping the same binary (node) in several packages makes build-id links collide.
  if (p === '/usr/lib/.build-id' || p.startsWith('/usr/lib/.build-id/')) fail(field, `'${p}': build-id links must not be packaged (they collide between packages shipping the same binary)`);
}

function validateEntry(field: string, e: PayloadEntry): void {
  validatePath(`${field}.path`, e.path);
  if (!Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o7777) fail(`${field}.mode`, `must be permission bits in 0..0o7777, got ${e.mode}`);
  for (const k of ['owner', 'group'] as const) {
    const v = e[k];
    if (v !== undefined && !ACCOUNT_RE.test(v)) fail(`${field}.${k}`, `'${v}' is not a valid user or group name`);
  }
  switch (e.kind) {
    case 'symlink':
      if (e.target === '' || e.target.includes('\0')) fail(`${field}.target`, 'a symlink needs a non-empty target without NUL');
      if (new TextEncoder().encode(e.target).length >= 4096) fail(`${field}.target`, 'symlink target must be shorter than 4096 bytes (PATH_MAX)');
      break;
    case 'dir':
      if (e.owned && DISTRO_DIRS.has(e.path)) fail(`${field}.owned`, `'${e.path}' belongs to the distribution (filesystem/systemd packages); do not own it, only your private directories`);
      break;
    case 'file': {
      const size = e.data instanceof Uint8Array ? e.data.length : e.data.size;
      if (!Number.isSafeInteger(size) || size < 0) fail(`${field}.data.size`, `must be a non-negative integer, got ${size}`);
      break;
    }
    case 'ghost':
      break;
    default:
      fail(`${field}.kind`, `unknown kind '${(e as { kind: string }).kind}'; expected file, dir, symlink or ghost`);
  }
}

export function validateRpmPlan(plan: PackagePlan): void {
  validateMeta(plan.meta);
  const seen = new Map<string, number>();
  plan.payload.forEach((e, i) => {
    validateEntry(`payload[${i}]`, e);
    const prev = seen.get(e.path);
    if (prev !== undefined) fail(`payload[${i}].path`, `'${e.path}' is also payload[${prev}]; paths must be unique`);
    seen.set(e.path, i);
  });
  // A path used as a directory parent must not be a file or symlink in the plan.
  for (const e of plan.payload) {
    for (let cut = e.path.lastIndexOf('/'); cut > 0; cut = e.path.lastIndexOf('/', cut - 1)) {
      const parent = e.path.slice(0, cut);
      const pi = seen.get(parent);
      if (pi !== undefined && plan.payload[pi]!.kind !== 'dir') {
        fail(`payload[${pi}].path`, `'${parent}' is a ${plan.payload[pi]!.kind} but '${e.path}' is inside it`);
      }
    }
  }
  const s = plan.scripts ?? {};
  for (const [k, v] of Object.entries(s)) text(`scripts.${k}`, v as string | undefined);
}
