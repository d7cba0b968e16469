/**
 * The plugin contract (Twisted's IServiceMaker): a cheap descriptor with a
 * `tapname` (the subcommand: `tacd web --port 8080`), a one-line
 * `description`, its options declared as data, and `makeService(options)`
 * building the service the runner puts under `Application(tapname)`.
 *
 * Options are plain objects, so the runner can print help, parse argv here
 * (dependency-free) or hand them to commander; the values passed to
 * `makeService` are keyed by the camelCased long name (`--log-level` →
 * `logLevel`), as commander does.
 */
import { TacError, UsageError } from '../core/errors.js';
import type { IService } from './service.js';

/** One command-line option of a plugin. */
export interface OptionSpec<T = unknown> {
  /** The long name without dashes: 'port' for `--port`. Lowercase letters, digits and '-'. */
  readonly long: string;
  /** A one-character short name: 'p' for `-p`. */
  readonly short?: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The value when the option is not given (not passed through `parse`). */
  readonly default?: T;
  /** Converts the raw text; throw an Error whose message says what was expected ("expected a port number 0-65535"). */
  readonly parse?: (raw: string) => T;
  /** A switch without a value: true when given, else false. */
  readonly flag?: boolean;
  /** Parsing fails when the option is missing (and has no default). */
  readonly required?: boolean;
  /** The value's name in `--help` (default: the long name in capitals). */
  readonly metavar?: string;
}

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type ValueOf<S> = S extends { readonly flag: true }
  ? boolean
  : S extends { readonly parse: (raw: string) => infer T }
    ? T
    : string;
type Settled<S> = S extends { readonly flag: true } | { readonly required: true } | { readonly default: {} | null }
  ? ValueOf<S>
  : ValueOf<S> | undefined;

/** The parsed values of an option list, keyed by camelCased long name. */
export type OptionValues<O extends readonly OptionSpec[]> = {
  [S in O[number] as CamelCase<S['long']>]: Settled<S>;
};

/** A plugin: what `tacd <tapname>` runs. */
export interface ServiceMaker<O extends readonly OptionSpec[] = readonly OptionSpec[]> {
  /** The subcommand name ('web'). Lowercase letters, digits, '-', '_' and '.'. */
  readonly tapname: string;
  /** One line shown in the subcommand list. */
  readonly description: string;
  readonly options: O;
  /** Builds the service tree for these options; may be async. */
  makeService(options: OptionValues<O>): IService | Promise<IService>;
}

/** A plugin definition that breaks the contract (bad tapname, duplicate or malformed option). */
export class ServiceMakerError extends TacError {}
ServiceMakerError.prototype.name = 'ServiceMakerError';

/** What `parsePluginOptions` found. */
export interface ParsedPluginOptions<O extends readonly OptionSpec[]> {
  /** The values, defaults filled in. When `help` is true, only defaults and what was parsed before `--help`. */
  readonly values: OptionValues<O>;
  /** `--help` (or `-h`, unless the plugin uses `-h` itself) was given: print `formatPluginHelp` and exit 0. */
  readonly help: boolean;
}

const LONG_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TAPNAME_RE = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Checks a plugin definition and returns it unchanged (typed: `makeService`
 * sees the option values with their parsed types).
 * @throws ServiceMakerError ('tacd.plugin.invalid') naming the bad tapname or option.
 */
export function defineServiceMaker<const O extends readonly OptionSpec[]>(maker: ServiceMaker<O>): ServiceMaker<O> {
  const where = `plugin '${maker.tapname}'`;
  const bad = (msg: string): never => {
    throw new ServiceMakerError('tacd.plugin.invalid', `${where}: ${msg}`);
  };
  if (typeof maker.tapname !== 'string' || !TAPNAME_RE.test(maker.tapname)) bad('tapname must be lowercase letters, digits, ".", "_" or "-"');
  if (typeof maker.makeService !== 'function') bad('makeService must be a function');
  const longs = new Set<string>(['help']);
  const shorts = new Set<string>();
  for (const o of maker.options) {
    if (!LONG_RE.test(o.long)) bad(`option '${o.long}': long name must be lowercase words joined by '-' (e.g. 'log-level')`);
    if (longs.has(o.long)) bad(`option --${o.long} is declared twice${o.long === 'help' ? ' (--help is built in)' : ''}`);
    longs.add(o.long);
    if (o.short !== undefined) {
      if (!/^[A-Za-z0-9]$/.test(o.short)) bad(`option --${o.long}: short name must be one letter or digit, got '${o.short}'`);
      if (shorts.has(o.short)) bad(`option -${o.short} is declared twice`);
      shorts.add(o.short);
    }
    if (o.flag && o.parse) bad(`option --${o.long}: a flag takes no value, so it cannot have parse`);
  }
  return maker;
}

/** `--log-level` → `logLevel`. */
function camelCase(long: string): string {
  return long.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function metavarOf(o: OptionSpec): string {
  return o.metavar ?? o.long.toUpperCase().replace(/-/g, '_');
}

// Converts one raw value, turning a parser's Error (or a NaN result) into a UsageError naming the option.
function convert(o: OptionSpec, raw: string): unknown {
  if (!o.parse) return raw;
  let value: unknown;
  try {
    value = o.parse(raw);
  } catch (e) {
    const what = e instanceof Error ? e.message : String(e);
    const got = what.includes(`'${raw}'`) ? '' : `, got '${raw}'`;
    throw new UsageError(`--${o.long}: ${what}${got}`, { code: 'tacd.usage.badValue', cause: e });
  }
  if (typeof value === 'number' && Number.isNaN(value)) {
    throw new UsageError(`--${o.long}: expected a number, got '${raw}'`, { code: 'tacd.usage.badValue' });
  }
  return value;
}

/**
 * Parses a plugin's argv (the words after the tapname): `--port 7001`,
 * `--port=7001`, `-p 7001`, `-p7001`, grouped short flags (`-vq`), flags,
 * `--` (ends options). The last occurrence of an option wins.
 * @throws UsageError naming the option: unknown option, missing value, a
 *   value given to a flag, a parser failure ("--port: expected a port
 *   number 0-65535, got 'abc'"), a missing required option, or a stray argument.
 */
export function parsePluginOptions<O extends readonly OptionSpec[]>(maker: ServiceMaker<O>, argv: readonly string[]): ParsedPluginOptions<O> {
  const byLong = new Map(maker.options.map((o) => [o.long, o] as const));
  const byShort = new Map(maker.options.filter((o) => o.short !== undefined).map((o) => [o.short!, o] as const));
  const given = new Map<OptionSpec, unknown>();
  const helpShort = !byShort.has('h');
  const context = `for '${maker.tapname}' (see ${maker.tapname} --help)`;

  // Help wins over any error: look for it first.
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  if (head.includes('--help') || (helpShort && head.includes('-h'))) {
    return { values: withDefaults(maker, given, false), help: true };
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument '${argv[i + 1]}' ${context}`, { code: 'tacd.usage.extraArgument' });
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const o = byLong.get(name);
      if (!o) throw new UsageError(`unknown option '--${name}' ${context}`, { code: 'tacd.usage.unknownOption' });
      if (o.flag) {
        if (eq >= 0) throw new UsageError(`--${o.long} is a flag and takes no value, got '${arg.slice(eq + 1)}'`, { code: 'tacd.usage.flagValue' });
        given.set(o, true);
        continue;
      }
      const raw: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw missingValue(o);
      given.set(o, convert(o, raw));
    } else if (arg.startsWith('-') && arg.length > 1) {
      // Grouped short options: each flag letter, then at most one letter taking a value (the rest or the next word).
      for (let j = 1; j < arg.length; j++) {
        const o = byShort.get(arg[j]!);
        if (!o) throw new UsageError(`unknown option '-${arg[j]}' ${context}`, { code: 'tacd.usage.unknownOption' });
        if (o.flag) {
          given.set(o, true);
          continue;
        }
        const raw = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
        if (raw === undefined) throw missingValue(o);
        given.set(o, convert(o, raw));
        break;
      }
    } else {
      throw new UsageError(`unexpected argument '${arg}' ${context}`, { code: 'tacd.usage.extraArgument' });
    }
  }
  return { values: withDefaults(maker, given, true), help: false };
}

function missingValue(o: OptionSpec): UsageError {
  return new UsageError(`--${o.long}: missing value (expected ${metavarOf(o)})`, { code: 'tacd.usage.missingValue' });
}

// The values object: given values, else defaults (flags default to false); checks required options when asked.
function withDefaults<O extends readonly OptionSpec[]>(maker: ServiceMaker<O>, given: Map<OptionSpec, unknown>, checkRequired: boolean): OptionValues<O> {
  const values: Record<string, unknown> = {};
  for (const o of maker.options) {
    if (given.has(o)) values[camelCase(o.long)] = given.get(o);
    else if (o.default !== undefined) values[camelCase(o.long)] = o.default;
    else if (o.flag) values[camelCase(o.long)] = false;
    else if (o.required && checkRequired) {
      throw new UsageError(`missing required option --${o.long} (${metavarOf(o)}) for '${maker.tapname}'`, { code: 'tacd.usage.missingOption' });
    } else values[camelCase(o.long)] = undefined;
  }
  return values as OptionValues<O>;
}

/**
 * The `--help` text of a plugin: a usage line, the description, and an
 * aligned option table with defaults, ending with a newline.
 * @param program the command name shown in the usage line (default 'tacd').
 */
export function formatPluginHelp(maker: ServiceMaker, program = 'tacd'): string {
  const helpLine: OptionSpec = { long: 'help', description: 'Display this help and exit.', flag: true, ...(maker.options.some((o) => o.short === 'h') ? {} : { short: 'h' }) };
  const rows = [...maker.options, helpLine].map((o) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${o.long}${o.flag ? '' : `=${metavarOf(o)}`}`;
    const notes = [o.required ? '[required]' : '', o.default !== undefined ? `[default: ${formatDefault(o.default)}]` : ''].filter(Boolean);
    return { left, right: [o.description, ...notes].join(' ') };
  });
  const width = Math.max(...rows.map((r) => r.left.length));
  const table = rows.map((r) => `  ${r.left.padEnd(width)}  ${r.right}`.trimEnd());
  return [`Usage: ${program} [options] ${maker.tapname} [${maker.tapname} options]`, '', maker.description, '', 'Options:', ...table, ''].join('\n');
}

function formatDefault(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

/**
 * A ready-made `parse` for TCP/UDP ports.
 * @throws Error "expected a port number 0-65535" for anything but an integer in range.
 */
export function parsePort(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new Error('expected a port number 0-65535');
  return n;
}

/**
 * A ready-made `parse` for integers (decimal, optional sign).
 * @throws Error "expected an integer" otherwise.
 */
export function parseInteger(raw: string): number {
  if (!/^[+-]?\d+$/.test(raw)) throw new Error('expected an integer');
  return Number(raw);
}
