/**
 * Argument checks for the constructors that take Twisted's positional
 * arguments as well as an options object: a value of an unexpected type is
 * a TypeError naming the parameter, never silently ignored. Python's None
 * may be written null or undefined.
 */

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A TypeError "WHERE: NAME must be EXPECTED, got …". */
export function argError(where: string, name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${where}: ${name} must be ${expected}, got ${describe(value)}`);
}

/** True for a plain options object (not null, an array, a function or a class instance of a known value type). */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * Checks an options object: undefined/null give `{}`; anything but a plain
 * object, or a key not in `keys`, is a TypeError.
 */
export function checkOptions<T extends object>(where: string, name: string, value: unknown, keys: readonly string[]): T {
  if (value === undefined || value === null) return {} as T;
  if (!isOptionsObject(value)) throw argError(where, name, `an options object (${keys.join(', ')})`, value);
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw new TypeError(`${where}: unknown option '${k}' in ${name} (expected ${keys.join(', ')})`);
  }
  return value as T;
}

/**
 * The options-object form of a constructor's trailing arguments: when the
 * first of `rest` is a plain object it must be the last one, and it is
 * checked against `keys`; undefined when the arguments are positional.
 */
export function optionsForm<T extends object>(where: string, rest: readonly unknown[], keys: readonly string[]): T | undefined {
  if (!isOptionsObject(rest[0])) return undefined;
  if (rest.length > 1) throw new TypeError(`${where}: no arguments may follow the options object`);
  return checkOptions<T>(where, 'options', rest[0], keys);
}

/** A number (not NaN) or undefined for undefined/null. */
export function optNumber(where: string, name: string, value: unknown, expected = 'a number'): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) throw argError(where, name, expected, value);
  return value;
}

/** An integer or undefined for undefined/null. */
export function optInteger(where: string, name: string, value: unknown, expected = 'an integer'): number | undefined {
  const n = optNumber(where, name, value, expected);
  if (n !== undefined && !Number.isInteger(n)) throw argError(where, name, expected, value);
  return n;
}

/** A string or undefined for undefined/null. */
export function optString(where: string, name: string, value: unknown, expected = 'a string'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw argError(where, name, expected, value);
  return value;
}

/** A boolean (Python's 0/1 accepted) or undefined for undefined/null. */
export function optFlag(where: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  throw argError(where, name, 'a boolean (or 0/1)', value);
}

/** A port number: an integer from 0 to 65535. */
export function checkPort(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw argError(where, 'port', 'an integer port number (0 picks a free port)', value);
  if (value < 0 || value > 65535) throw new RangeError(`${where}: port must be from 0 to 65535, got ${value}`);
  return value;
}

/** No arguments beyond `max`. */
export function checkArity(where: string, args: readonly unknown[], max: number, signature: string): void {
  if (args.length > max) throw new TypeError(`${where}: too many arguments (${args.length}); expected ${signature}`);
}

/** Merges a positional value into an options object, refusing one given both ways. */
export function merge<T>(where: string, name: string, positional: T | undefined, fromOptions: T | undefined): T | undefined {
  if (positional !== undefined && fromOptions !== undefined) throw new TypeError(`${where}: ${name} is given both as an argument and in the options`);
  return positional ?? fromOptions;
}

/** A protocol factory: an object with buildProtocol (what Twisted's services and endpoints take). */
export function checkFactory<F extends { buildProtocol(...args: never[]): unknown }>(where: string, factory: unknown): F {
  if (typeof factory !== 'object' || factory === null || typeof (factory as { buildProtocol?: unknown }).buildProtocol !== 'function') {
    throw argError(where, 'factory', 'a protocol factory (an object with buildProtocol, e.g. Factory.forProtocol(P))', factory);
  }
  return factory as F;
}
