/**
 * Escapers for rendered text. Every value a template writes into a file goes
 * through the escaper for that file's syntax; ejs's HTML-escaping `<%=` is
 * banned (it would turn `R&D` into `R&amp;D` inside a unit file).
 */
import { DataError } from '../core/errors.js';

// Characters that need no quoting in a POSIX shell word.
const SH_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
// Characters that need no quoting in a systemd command-line word (no '%', '$', quotes or '\\').
const SYSTEMD_SAFE = /^[A-Za-z0-9_@+=:,./-]+$/;

function rejectControl(what: string, s: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) {
    throw new DataError('tacd.render.escape', `${what}: value ${JSON.stringify(s)} contains a newline or control character`);
  }
}

/**
 * Quotes `s` as one POSIX shell word: returned as is when it holds only safe
 * characters, otherwise single-quoted with embedded quotes as `'\''`.
 * `sh('')` is `''`.
 */
export function sh(s: string): string {
  if (SH_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Escapes a value for a systemd unit-file setting such as `Description=`:
 * `%` becomes `%%` (specifiers, systemd.unit(5)); newlines and control
 * characters are refused (a DataError) and a trailing backslash, which would
 * continue the line, is refused too.
 */
export function systemdValue(s: string): string {
  rejectControl('systemd value', s);
  if (s.endsWith('\\')) throw new DataError('tacd.render.escape', `systemd value ${JSON.stringify(s)} must not end with a backslash`);
  return s.replace(/%/g, '%%');
}

/**
 * Quotes `s` as one word of a systemd command line (`ExecStart=`) or of an
 * `Environment=` assignment: bare when safe, otherwise double-quoted with
 * `\\` and `"` backslash-escaped, `%` as `%%` and `$` as `$$`
 * (systemd.service(5) "Command lines", systemd.syntax(7)).
 */
export function systemdArg(s: string): string {
  rejectControl('systemd argument', s);
  if (SYSTEMD_SAFE.test(s)) return s;
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$') + '"';
}

/**
 * Quotes an `Environment=` assignment (`NAME=value`) of a unit file: bare
 * when safe, otherwise double-quoted with `\\` and `"` backslash-escaped
 * and `%` as `%%` (specifiers are expanded there); `$` is left as it is,
 * since Environment= expands no variables (systemd.exec(5)).
 */
export function systemdEnvironment(s: string): string {
  rejectControl('systemd environment', s);
  if (SYSTEMD_SAFE.test(s)) return s;
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%') + '"';
}

/**
 * Quotes `s` as the value of a NAME="value" line that `sh` (`. FILE`) and
 * systemd's EnvironmentFile= both read back as exactly `s`: double quotes,
 * with `\\`, `"`, `$` and a backquote backslash-escaped (the characters both
 * unescape inside double quotes); newlines and other control characters are
 * kept as they are. A NUL, which no environment value can hold, is refused.
 */
export function envFileValue(s: string): string {
  if (s.includes('\u0000')) throw new DataError('tacd.render.escape', `environment value ${JSON.stringify(s)} contains a NUL character`);
  return '"' + s.replace(/[\\"$`]/g, '\\$&') + '"';
}

/**
 * The words `args` as one shell-quoted string, each word through `sh`: the
 * value of TACD_ARGS, which tacd splits again (`--env-args`,
 * src/runner/env-args.ts) exactly as sh would.
 */
export function shellWords(args: readonly string[]): string {
  for (const a of args) rejectControl('plugin option', a);
  return args.map(sh).join(' ');
}

/** Escapes text for an RPM spec file: `%` becomes `%%` (no macro expansion). */
export function rpmSpecText(s: string): string {
  return s.replace(/%/g, '%%');
}

/**
 * Formats free text as Debian deb822 continuation lines (changelog bullets,
 * copyright License text): each line indented by one space, an empty line
 * becomes ` .`.
 */
export function debContinuation(s: string): string {
  return s
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l}`))
    .join('\n');
}

/**
 * Returns `s` unchanged after checking it is a single line without control
 * characters (for comments and LSB header fields, which have no quoting).
 */
export function oneLine(s: string): string {
  rejectControl('one-line text', s);
  return s;
}

/**
 * Text for an account's comment (GECOS, passwd(5)): `adduser --gecos` and
 * `useradd -c` refuse a colon (the passwd field separator), so ': ' becomes
 * ' - '; a comma (GECOS's subfield separator: Debian's adduser pads the
 * comment to four subfields, 'a, b' becomes 'a, b,,') becomes a semicolon;
 * a double quote (sysusers.d quoting) becomes a single one.
 */
export function gecos(s: string): string {
  rejectControl('account comment', s);
  return s.replace(/\s*:\s*/g, ' - ').replace(/\s*,/g, ';').replace(/"/g, "'").trim();
}

/** A JSON literal, safe to embed in JavaScript source (escapes U+2028/9 and `</`). */
export function js(v: unknown): string {
  return JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029').replace(/<\//g, '<\\/');
}

/** The helpers every template sees as plain names (ejs `destructuredLocals`). */
export const ESCAPERS = { sh, shellWords, envFileValue, systemdValue, systemdArg, systemdEnvironment, rpmSpecText, debContinuation, oneLine, js, gecos } as const;
