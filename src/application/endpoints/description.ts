/**
 * The endpoint description mini-language, after twisted.internet.endpoints:
 * the tokenizer (`_tokenize`), `parseDescription`, the binding of
 * arguments to a parser's parameters, and the parameter value parsers the
 * endpoint types share. The errors are EndpointErrors naming the parameter.
 */
import { DataError } from '../../core/errors.js';
import { DEFAULT_BACKLOG } from '../internet/ports.js';
import { TLS_METHODS, isTLSMethod, type TLSMethod } from '../internet/tls-method.js';

/** A malformed or unusable endpoint description. `code` says which rule failed. */
export class EndpointError extends DataError {
  /** The description string at fault. */
  readonly description: string;
  constructor(code: string, message: string, description: string, options: { cause?: unknown } = {}) {
    super(code, message, { field: 'endpoint', cause: options.cause });
    this.description = description;
  }
}
EndpointError.prototype.name = 'EndpointError';

/** Token kinds of the tokenizer. */
const OP = 0;
const STRING = 1;
type Token = readonly [typeof OP | typeof STRING, string];

/** Twisted's `_tokenize`: strings and the ':'/'=' operators; after '=', only ':' is an operator. */
function* tokenize(description: string): Generator<Token> {
  let current = '';
  let ops = ':=';
  const chars = [...description];
  for (let i = 0; i < chars.length; i++) {
    const n = chars[i]!;
    if (ops.includes(n)) {
      yield [STRING, current];
      yield [OP, n];
      current = '';
      ops = n === ':' ? ':=' : ':';
    } else if (n === '\\') {
      i += 1;
      if (i >= chars.length) {
        throw new EndpointError('tacd.endpoint.trailingBackslash', `invalid endpoint '${description}': it ends with an unescaped backslash`, description);
      }
      current += chars[i]!;
    } else {
      current += n;
    }
  }
  yield [STRING, current];
}

/** The parsed parts of a description: positional arguments and keyword arguments, in order. */
export interface ParsedDescription {
  readonly args: string[];
  readonly kwargs: Map<string, string>;
}

/**
 * Splits a description into positional and keyword arguments (Twisted's
 * `_parse`). `args[0]` is the prefix. A repeated key keeps the last value.
 */
export function parseDescription(description: string): ParsedDescription {
  const args: string[] = [];
  const kwargs = new Map<string, string>();
  let sofar: string[] = [];
  const add = (): void => {
    if (sofar.length === 1) args.push(sofar[0]!);
    else kwargs.set(sofar[0]!, sofar[1]!);
  };
  for (const [type, value] of tokenize(description)) {
    if (type === STRING) sofar.push(value);
    else if (value === ':') {
      add();
      sofar = [];
    }
  }
  add();
  return { args, kwargs };
}


/** Binds positional and keyword arguments to a parser's parameter list, like a Python call. */
export function bindParameters(
  description: string,
  type: string,
  params: readonly string[],
  required: readonly string[],
  parsed: ParsedDescription,
): Map<string, string> {
  const positional = parsed.args.slice(1);
  if (positional.length > params.length) {
    throw new EndpointError('tacd.endpoint.tooManyArguments', `too many arguments in endpoint '${description}': ${type} takes ${params.join(', ')}`, description);
  }
  const bound = new Map<string, string>();
  positional.forEach((v, i) => bound.set(params[i]!, v));
  for (const [k, v] of parsed.kwargs) {
    if (!params.includes(k)) {
      throw new EndpointError('tacd.endpoint.unknownParameter', `unknown parameter '${k}' in endpoint '${description}': ${type} takes ${params.join(', ')}`, description);
    }
    if (bound.has(k) && positional.length > params.indexOf(k)) {
      throw new EndpointError('tacd.endpoint.duplicateParameter', `parameter '${k}' given twice in endpoint '${description}'`, description);
    }
    bound.set(k, v);
  }
  for (const r of required) {
    if (!bound.has(r)) {
      throw new EndpointError('tacd.endpoint.missingParameter', `missing ${r} in endpoint '${description}': expected ${usage(type)}`, description);
    }
  }
  return bound;
}

export function usage(type: string): string {
  switch (type) {
    case 'tcp':
      return 'tcp:PORT[:interface=ADDRESS][:backlog=N]';
    case 'tcp6':
      return 'tcp6:PORT[:interface=ADDRESS][:backlog=N]';
    case 'unix':
      return 'unix:PATH[:mode=666][:backlog=N][:lockfile=0|1]';
    case 'ssl':
      return 'ssl:PORT[:privateKey=FILE][:certKey=FILE][:sslmethod=METHOD][:interface=ADDRESS][:backlog=N]';
    case 'client tcp':
      return 'tcp:host=HOST:port=PORT[:timeout=SECONDS]';
    case 'client unix':
      return 'unix:path=PATH[:timeout=SECONDS][:lockfile=0|1]';
    case 'client tls':
      return 'tls:HOST:PORT[:timeout=SECONDS][:bindAddress=ADDRESS][:certificate=FILE][:privateKey=FILE][:trustRoots=FILE|DIR]';
    case 'client ssl':
      return 'ssl:host=HOST:port=PORT[:timeout=SECONDS][:bindAddress=ADDRESS][:certKey=FILE][:privateKey=FILE][:caCertsDir=DIR]';
    default:
      return type;
  }
}

/** A port number 0-65535 (decimal digits only). */
export function parsePortArgument(value: string, description: string): number {
  if (/^\s*\d+\s*$/.test(value)) {
    const n = Number.parseInt(value, 10);
    if (n <= 65535) return n;
  }
  throw new EndpointError('tacd.endpoint.badPort', `invalid port '${value}' in endpoint '${description}': expected 0-65535`, description);
}

/** A Python-int()-style integer parameter. */
export function parseIntArgument(name: string, value: string, description: string, expected: string, min = Number.MIN_SAFE_INTEGER): number {
  if (/^\s*[+-]?\d+\s*$/.test(value)) {
    const n = Number.parseInt(value, 10);
    if (n >= min) return n;
  }
  throw new EndpointError(`tacd.endpoint.bad${name[0]!.toUpperCase()}${name.slice(1)}`, `invalid ${name} '${value}' in endpoint '${description}': expected ${expected}`, description);
}

export function parseBacklog(value: string | undefined, description: string): number {
  return value === undefined ? DEFAULT_BACKLOG : parseIntArgument('backlog', value, description, 'a positive integer', 1);
}

export function parseMode(value: string | undefined, description: string): number {
  if (value === undefined) return 0o666;
  if (/^\s*[0-7]+\s*$/.test(value)) {
    const n = Number.parseInt(value, 8);
    if (n <= 0o7777) return n;
  }
  throw new EndpointError('tacd.endpoint.badMode', `invalid mode '${value}' in endpoint '${description}': expected octal permission bits such as 666 or 0660`, description);
}

export function parseFlag(name: string, value: string | undefined, dflt: boolean, description: string): boolean {
  if (value === undefined) return dflt;
  return parseIntArgument(name, value, description, '0 or 1') !== 0;
}

/** Twisted's sslmethod= (a pyOpenSSL method name); absent: negotiate the best version. */
export function parseSslmethod(value: string | undefined, description: string): TLSMethod | undefined {
  if (value === undefined || isTLSMethod(value)) return value;
  throw new EndpointError('tacd.endpoint.badSslmethod', `invalid sslmethod '${value}' in endpoint '${description}': expected one of ${TLS_METHODS.join(', ')}`, description);
}
