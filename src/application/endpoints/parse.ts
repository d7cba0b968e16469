/**
 * Endpoint description strings, after twisted.internet.endpoints
 * (`serverFromString`, `clientFromString`) and its tokenizer.
 *
 * Grammar: `prefix:arg1:arg2:key=value:...`. `:` separates parameters; the
 * first `=` of a parameter splits key from value (later ones are literal:
 * `unix:address=foo=bar` is the path `foo=bar`); a backslash escapes the
 * next character (`\:`, `\\`, `\=`). The prefix is case-insensitive.
 *
 * Server strings: `tcp:PORT[:interface=][:backlog=511]`,
 * `tcp6:PORT[:interface=::][:backlog=511]`,
 * `unix:PATH[:mode=666][:backlog=511][:lockfile=1]`,
 * `ssl:PORT[:privateKey=server.pem][:certKey=<privateKey>][:sslmethod=SSLv23_METHOD][:extraCertChain=][:dhParameters=][:interface=][:backlog=]`,
 * `systemd:domain=INET|INET6|UNIX:index=N` or `...:name=FDNAME`.
 * Client strings: `tcp:host=H:port=P[:timeout=30][:bindAddress=]` (or
 * `tcp:H:P`), `unix:path=P[:timeout=][:lockfile=0|1]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces.js';
import type { NetworkBackend, SocketDomain, TLSConnectOptions } from '../internet/ports.js';
import {
  AdoptedStreamServerEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  TLSClientEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
} from './endpoints.js';
import { ListenFDs, processListenFDs } from './listen-fds.js';
import { EndpointError, bindParameters, parseBacklog, parseFlag, parseIntArgument, parseDescription, parseMode, parsePortArgument, parseSslmethod, usage, type ParsedDescription } from './description.js';

export { EndpointError, parseDescription, parsePortArgument, type ParsedDescription } from './description.js';
/** Escapes `\` and `:` for embedding in a description (re-exported from endpoints.ts). */
export { quoteStringArgument } from './endpoints.js';

/** Options for serverFromString / clientFromString. */
export interface EndpointParseOptions {
  /** The network backend of the endpoints (default: the real one). */
  readonly network?: NetworkBackend;
  /** The inherited descriptors for `systemd:` (default: read from process.env once, then cached). */
  readonly listenFDs?: ListenFDs;
}

/** A parser for a server endpoint prefix (Twisted's IStreamServerEndpointStringParser plugin). */
export type ServerEndpointParser = (parsed: ParsedDescription, description: string, options: EndpointParseOptions) => IStreamServerEndpoint;
/** A parser for a client endpoint prefix (Twisted's IStreamClientEndpointStringParser plugin). */
export type ClientEndpointParser = (parsed: ParsedDescription, description: string, options: EndpointParseOptions) => IStreamClientEndpoint;

const serverParsers = new Map<string, ServerEndpointParser>();
const clientParsers = new Map<string, ClientEndpointParser>();

/** Adds a server endpoint type (a plugin): `registerServerEndpointParser('haproxy', parse)`. The prefix is case-insensitive. */
export function registerServerEndpointParser(prefix: string, parser: ServerEndpointParser): void {
  serverParsers.set(prefix.toLowerCase(), parser);
}

/** Adds a client endpoint type (a plugin). */
export function registerClientEndpointParser(prefix: string, parser: ClientEndpointParser): void {
  clientParsers.set(prefix.toLowerCase(), parser);
}

function tcpServer(six: boolean): ServerEndpointParser {
  const type = six ? 'tcp6' : 'tcp';
  return (parsed, description, options) => {
    const p = bindParameters(description, type, ['port', 'interface', 'backlog'], ['port'], parsed);
    const port = parsePortArgument(p.get('port')!, description);
    const Endpoint = six ? TCP6ServerEndpoint : TCP4ServerEndpoint;
    return new Endpoint(port, {
      ...(p.has('interface') ? { interface: p.get('interface')! } : {}),
      backlog: parseBacklog(p.get('backlog'), description),
      ...(options.network ? { network: options.network } : {}),
    });
  };
}

registerServerEndpointParser('tcp', tcpServer(false));
registerServerEndpointParser('tcp6', tcpServer(true));

registerServerEndpointParser('unix', (parsed, description, options) => {
  const p = bindParameters(description, 'unix', ['address', 'mode', 'backlog', 'lockfile'], ['address'], parsed);
  const address = p.get('address')!;
  if (address === '') throw new EndpointError('tacd.endpoint.emptyPath', `empty socket path in endpoint '${description}': expected ${usage('unix')}`, description);
  return new UNIXServerEndpoint(address, {
    mode: parseMode(p.get('mode'), description),
    backlog: parseBacklog(p.get('backlog'), description),
    wantPID: parseFlag('lockfile', p.get('lockfile'), true, description),
    ...(options.network ? { network: options.network } : {}),
  });
});

registerServerEndpointParser('ssl', (parsed, description, options) => {
  const p = bindParameters(
    description,
    'ssl',
    ['port', 'privateKey', 'certKey', 'sslmethod', 'interface', 'backlog', 'extraCertChain', 'dhParameters'],
    ['port'],
    parsed,
  );
  const privateKey = p.get('privateKey') ?? 'server.pem';
  return new SSL4ServerEndpoint(parsePortArgument(p.get('port')!, description), {
    privateKey,
    certKey: p.get('certKey') ?? privateKey,
    ...(p.has('sslmethod') ? { sslmethod: parseSslmethod(p.get('sslmethod'), description)! } : {}),
    ...(p.has('interface') ? { interface: p.get('interface')! } : {}),
    backlog: parseBacklog(p.get('backlog'), description),
    ...(p.has('extraCertChain') ? { extraCertChain: p.get('extraCertChain')! } : {}),
    ...(p.has('dhParameters') ? { dhParameters: p.get('dhParameters')! } : {}),
    ...(options.network ? { network: options.network } : {}),
  });
});

const DOMAINS: readonly SocketDomain[] = ['INET', 'INET6', 'UNIX'];

registerServerEndpointParser('systemd', (parsed, description, options) => {
  const p = bindParameters(description, 'systemd', ['domain', 'index', 'name'], [], parsed);
  if (p.has('index') === p.has('name')) {
    throw new EndpointError('tacd.endpoint.systemdIndexOrName', 'Specify exactly one of descriptor index or name', description);
  }
  const domainRaw = p.get('domain');
  if (domainRaw === undefined) {
    throw new EndpointError('tacd.endpoint.missingParameter', `missing domain in endpoint '${description}': expected systemd:domain=INET|INET6|UNIX:index=N or :name=NAME`, description);
  }
  const domain = domainRaw.toUpperCase() as SocketDomain;
  if (!DOMAINS.includes(domain)) {
    throw new EndpointError('tacd.endpoint.badDomain', `invalid domain '${domainRaw}' in endpoint '${description}': expected INET, INET6 or UNIX`, description);
  }
  const fds = options.listenFDs ?? processListenFDs();
  let fd: number | undefined;
  if (p.has('index')) {
    const index = parseIntArgument('index', p.get('index')!, description, 'a descriptor index (0 for the first)', 0);
    const all = fds.inheritedDescriptors();
    fd = all[index];
    if (fd === undefined) {
      throw new EndpointError(
        'tacd.endpoint.noInheritedSocket',
        `no inherited socket at index ${index} for endpoint '${description}': ${all.length === 0 ? 'the process was not socket-activated (no LISTEN_FDS/LISTEN_FDNAMES for this PID)' : `systemd passed ${all.length}`}`,
        description,
      );
    }
  } else {
    const name = p.get('name')!;
    const named = fds.inheritedNamedDescriptors();
    fd = named.get(name);
    if (fd === undefined) {
      const names = [...named.keys()];
      throw new EndpointError(
        'tacd.endpoint.noInheritedSocket',
        `no inherited socket named '${name}' for endpoint '${description}': ${names.length === 0 ? 'the process was not socket-activated (no LISTEN_FDS/LISTEN_FDNAMES for this PID)' : `systemd passed ${names.map((n) => `'${n}'`).join(', ')}`}`,
        description,
      );
    }
  }
  return new AdoptedStreamServerEndpoint(fd, domain, { description, ...(options.network ? { network: options.network } : {}) });
});

registerClientEndpointParser('tcp', (parsed, description, options) => {
  const p = bindParameters(description, 'client tcp', ['host', 'port', 'timeout', 'bindAddress'], ['host', 'port'], hostAndPort(parsed, description, 'client tcp'));
  return new TCP4ClientEndpoint(p.get('host')!, parsePortArgument(p.get('port')!, description), {
    ...(p.has('timeout') ? { timeout: parseIntArgument('timeout', p.get('timeout')!, description, 'seconds', 0) } : {}),
    ...(p.has('bindAddress') ? { bindAddress: p.get('bindAddress')! } : {}),
    ...(options.network ? { network: options.network } : {}),
  });
});

// tcp:H:P, tcp:H:port=P, tcp:host=H:port=P (Twisted's _parseClientTCP): the positional host and port as keywords.
function hostAndPort(parsed: ParsedDescription, description: string, type: string): ParsedDescription {
  const positional = parsed.args.slice(1);
  const kw = new Map(parsed.kwargs);
  if (positional.length === 2) {
    kw.set('host', positional[0]!);
    kw.set('port', positional[1]!);
  } else if (positional.length === 1) {
    kw.set(kw.has('host') ? 'port' : 'host', positional[0]!);
  } else if (positional.length > 2) {
    throw new EndpointError('tacd.endpoint.tooManyArguments', `too many arguments in endpoint '${description}': expected ${usage(type)}`, description);
  }
  return { args: [parsed.args[0]!], kwargs: kw };
}

// The PEM text of a file parameter; a directory gives every *.pem/*.crt file in it (trust roots).
function readPem(name: string, file: string, description: string, allowDir = false): string {
  try {
    if (allowDir && fs.statSync(file).isDirectory()) {
      const files = fs.readdirSync(file).filter((f) => /\.(pem|crt)$/.test(f)).sort();
      if (files.length === 0) throw new Error('no .pem or .crt file in this directory');
      return files.map((f) => fs.readFileSync(path.join(file, f), 'utf8')).join('\n');
    }
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new EndpointError('tacd.endpoint.badFile', `cannot read ${name} '${file}' in endpoint '${description}': ${(e as Error).message}`, description, { cause: e });
  }
}

// A TLS client endpoint from bound parameters; `names` says which parameter holds the
// trust roots (a file or a folder) and which the client certificate (the key defaults to it).
function tlsClient(p: Map<string, string>, description: string, names: { ca: string; cert: string }, options: { network?: NetworkBackend }): TLSClientEndpoint {
  const cert = p.has(names.cert) ? readPem(names.cert, p.get(names.cert)!, description) : undefined;
  const tls: TLSConnectOptions = {
    ...(p.has(names.ca) ? { ca: readPem(names.ca, p.get(names.ca)!, description, true) } : {}),
    ...(cert !== undefined ? { cert, key: p.has('privateKey') ? readPem('privateKey', p.get('privateKey')!, description) : cert } : {}),
  };
  return new TLSClientEndpoint(p.get('host')!, parsePortArgument(p.get('port')!, description), {
    tls,
    ...(p.has('timeout') ? { timeout: parseIntArgument('timeout', p.get('timeout')!, description, 'seconds', 0) } : {}),
    ...(p.has('bindAddress') ? { bindAddress: p.get('bindAddress')! } : {}),
    ...(options.network ? { network: options.network } : {}),
  });
}

// Twisted's tls: client (wrapClientTLS over TCP). The server's certificate is always verified:
// against trustRoots when given, else Node's bundled root CAs.
registerClientEndpointParser('tls', (parsed, description, options) => {
  const p = bindParameters(description, 'client tls', ['host', 'port', 'timeout', 'bindAddress', 'certificate', 'privateKey', 'trustRoots', 'endpoint'], ['host', 'port'], hostAndPort(parsed, description, 'client tls'));
  if (p.has('endpoint')) {
    throw new EndpointError('tacd.endpoint.unsupported', `endpoint= (TLS over another endpoint) is not supported in '${description}': use tls:HOST:PORT`, description);
  }
  if (p.has('privateKey') && !p.has('certificate')) {
    throw new EndpointError('tacd.endpoint.missingParameter', `privateKey without certificate in endpoint '${description}': a client certificate needs both`, description);
  }
  return tlsClient(p, description, { ca: 'trustRoots', cert: 'certificate' }, options);
});

// Twisted's ssl: client (_parseClientSSL). Unlike Twisted, which verifies nothing unless
// caCertsDir is given, the certificate is always verified (caCertsDir, else the bundled roots).
registerClientEndpointParser('ssl', (parsed, description, options) => {
  const p = bindParameters(description, 'client ssl', ['host', 'port', 'timeout', 'bindAddress', 'certKey', 'privateKey', 'caCertsDir'], ['host', 'port'], hostAndPort(parsed, description, 'client ssl'));
  return tlsClient(p, description, { ca: 'caCertsDir', cert: 'certKey' }, options);
});

registerClientEndpointParser('unix', (parsed, description, options) => {
  const p = bindParameters(description, 'client unix', ['path', 'timeout', 'lockfile'], ['path'], parsed);
  return new UNIXClientEndpoint(p.get('path')!, {
    ...(p.has('timeout') ? { timeout: parseIntArgument('timeout', p.get('timeout')!, description, 'seconds', 0) } : {}),
    checkPID: parseFlag('lockfile', p.get('lockfile'), false, description),
    ...(options.network ? { network: options.network } : {}),
  });
});

function unknownType(prefix: string, description: string): EndpointError {
  return new EndpointError('tacd.endpoint.unknownType', `Unknown endpoint type: '${prefix}'`, description);
}

/**
 * Builds a server endpoint from a description ("tcp:8080",
 * "unix:/run/app.sock:mode=660", "systemd:domain=INET:name=web").
 * @throws EndpointError (a DataError): "Unknown endpoint type: 'ftl'",
 *   "invalid port 'abc' in endpoint 'tcp:abc': expected 0-65535",
 *   "Specify exactly one of descriptor index or name", ...
 */
export function serverFromString(description: string, options: EndpointParseOptions = {}): IStreamServerEndpoint {
  const parsed = parseDescription(description);
  const prefix = (parsed.args[0] ?? '').toLowerCase();
  const parser = serverParsers.get(prefix);
  if (parser === undefined) throw unknownType(prefix, description);
  return parser(parsed, description, options);
}

/**
 * Builds a client endpoint from a description ("tcp:host=example.org:port=80",
 * "tcp:localhost:6379", "unix:path=/run/app.sock").
 * @throws EndpointError as serverFromString.
 */
export function clientFromString(description: string, options: EndpointParseOptions = {}): IStreamClientEndpoint {
  const parsed = parseDescription(description);
  const prefix = (parsed.args[0] ?? '').toLowerCase();
  const parser = clientParsers.get(prefix);
  if (parser === undefined) throw unknownType(prefix, description);
  return parser(parsed, description, options);
}
