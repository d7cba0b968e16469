/**
 * The service's environment: package.json's "tacd": {"env": {NAME: "value"}}
 * and `--env NAME=VALUE` on the command line (which wins), written to
 * /etc/default/NAME (/etc/sysconfig/NAME) and read by the unit's
 * EnvironmentFile=. A name is a shell and systemd variable name; a value is
 * any text an environment variable can hold byte for byte: no NUL, valid
 * Unicode (systemd refuses a value that is not UTF-8), and "NAME=value" within
 * Linux's 128 KiB limit for one environment string (execve E2BIG beyond).
 */
import { DataError, UsageError } from '../core/errors.js';

/** One variable of the service's environment. */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Linux MAX_ARG_STRLEN: one "NAME=value" string with its NUL. */
const MAX_ENV_STRING = 131072;
/** Variables systemd or tacd set for the service: an EnvironmentFile= entry would override them. */
const RESERVED = new Set(['TACD_ARGS', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET', 'CREDENTIALS_DIRECTORY', 'MAINPID', 'WATCHDOG_PID', 'WATCHDOG_USEC']);
/** Variables of the init scripts, which source the same file. */
const INIT_SCRIPT = new Set(['NAME', 'DESC', 'DAEMON', 'PIDFILE', 'LOCKFILE', 'RETVAL']);
// A UTF-16 code unit that is half of a pair without its other half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `s` for a one-line message: as is when printable ASCII, else JSON-quoted (a newline shown as \n). */
export function printable(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : JSON.stringify(s);
}

/** @throws DataError naming `where` when `name` is not a usable variable name. */
function checkName(name: string, where: string): void {
  if (!NAME_RE.test(name)) {
    throw new DataError('tacd.spec.env', `${where}: '${printable(name)}' is not a variable name (expected letters, digits and '_', not starting with a digit)`, { field: 'env' });
  }
  if (RESERVED.has(name)) {
    throw new DataError('tacd.spec.env', `${where}: ${name} is set by systemd or tacd for the service; choose another name`, { field: 'env' });
  }
  if (INIT_SCRIPT.has(name)) {
    throw new DataError('tacd.spec.env', `${where}: ${name} is a variable of the package's init script, which reads the same file; choose another name`, { field: 'env' });
  }
}

/** @throws DataError naming `where` when systemd cannot hand `value` to the service unchanged. */
function checkValue(name: string, value: string, where: string): void {
  const why = value.includes('\u0000')
    ? 'contains a NUL character, which no environment variable can hold'
    : LONE_SURROGATE.test(value)
      ? 'is not valid Unicode (a lone surrogate): systemd takes UTF-8 values only'
      : Buffer.byteLength(`${name}=${value}`) + 1 > MAX_ENV_STRING
        ? `is ${Buffer.byteLength(value)} bytes: NAME=value must fit in ${MAX_ENV_STRING} bytes (Linux's limit for one environment string)`
        : undefined;
  if (why !== undefined) throw new DataError('tacd.spec.env', `${where}: the value of ${name} ${why}`, { field: 'env' });
}

/** A value from package.json: a string, or a number written as JSON writes it. */
function valueOf(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new DataError('tacd.spec.env', `${where}: expected a string, got ${JSON.stringify(v) ?? String(v)}`, { field: 'env' });
}

/** package.json's tacd.env, validated, in its order. @throws DataError naming the file and key. */
export function envFromPackageJson(v: unknown, where: string): EnvVar[] {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new DataError('tacd.spec.env', `${where}: tacd.env: expected an object of NAME: "value", got ${JSON.stringify(v)}`, { field: 'env' });
  }
  return Object.entries(v).map(([name, raw]) => {
    const field = `${where}: tacd.env.${printable(name)}`;
    return envVar(name, valueOf(raw, field), field);
  });
}

/** `--env NAME=VALUE` arguments. @throws UsageError for one without '=', DataError for a bad name or value. */
export function envFromArgs(args: readonly string[]): EnvVar[] {
  return args.map((a) => {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env ${JSON.stringify(a)}: expected NAME=VALUE`, { code: 'tacd.usage.env' });
    const name = a.slice(0, eq);
    return envVar(name, a.slice(eq + 1), `--env ${printable(name)}`);
  });
}

function envVar(name: string, value: string, where: string): EnvVar {
  checkName(name, where);
  checkValue(name, value, where);
  return { name, value };
}

/** `base` with `over` applied: a name given again takes its new value in its first place; new names come last. */
export function mergeEnv(base: readonly EnvVar[], over: readonly EnvVar[]): EnvVar[] {
  const out = new Map<string, string>();
  for (const v of [...base, ...over]) out.set(v.name, v.value);
  return [...out].map(([name, value]) => ({ name, value }));
}

/** spec.env: package.json's tacd.env (an object) with the command line's NAME=VALUE list over it. */
export function specEnv(fromPackageJson: unknown, fromCli: unknown, where: string): EnvVar[] {
  return mergeEnv(envFromPackageJson(fromPackageJson, where), envFromArgs(Array.isArray(fromCli) ? (fromCli as string[]) : []));
}
