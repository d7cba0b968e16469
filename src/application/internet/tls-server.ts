/**
 * SSLServer (TLSServer): a protocol factory served over TLS on a TCP port
 * (Twisted's internet.SSLServer, listenSSL's arguments).
 */
import fs from 'node:fs';
import type { IListeningPort, IProtocolFactory } from '../interfaces.js';
import { CannotListenError, describeSystemError } from './errors.js';
import { DEFAULT_BACKLOG } from './network.js';
import { badTLSMethod, isTLSMethod, type TLSMethod } from './tls-method.js';
import { AbstractServer } from './abstract-server.js';
import { TCP_KEYS, checkTcpOptions, type TCPServerOptions } from './tcp-server.js';
import { argError, checkArity, checkFactory, checkOptions, checkPort, merge, optInteger, optString } from './args.js';
import { drop, trailingNetwork, type NetworkServiceOptions } from './service-args.js';

/** Options of SSLServer: PEM contents (key/cert) or files (privateKey/certKey), plus the TCP options. */
export interface SSLServerOptions extends TCPServerOptions {
  /** PEM private key contents. */
  readonly key?: string | Buffer;
  /** PEM certificate contents. */
  readonly cert?: string | Buffer;
  /** A PEM file holding the private key (Twisted's privateKey=; default 'server.pem' when neither key nor privateKey is given). */
  readonly privateKey?: string;
  /** A PEM file holding the certificate (Twisted's certKey=); defaults to the privateKey file. */
  readonly certKey?: string;
  /** The TLS versions offered (Twisted's sslmethod): SSLv23_METHOD (default: negotiate the best), TLSv1_METHOD … TLSv1_3_METHOD (exactly that one). */
  readonly sslmethod?: TLSMethod;
}

const SSL_KEYS = [...TCP_KEYS, 'key', 'cert', 'privateKey', 'certKey', 'sslmethod'] as const;

function checkTlsMaterial(where: string, o: SSLServerOptions): void {
  checkTcpOptions(where, o);
  for (const k of ['privateKey', 'certKey'] as const) optString(where, k, o[k], 'a file name');
  for (const k of ['key', 'cert'] as const) {
    const v: unknown = o[k];
    if (v !== undefined && typeof v !== 'string' && !Buffer.isBuffer(v)) throw argError(where, k, 'PEM contents (a string or Buffer)', v);
  }
  if (o.sslmethod !== undefined && !isTLSMethod(o.sslmethod)) throw badTLSMethod(`${where}: sslmethod`, o.sslmethod);
}

// (tlsOptions, backlog, interface, { network }), as listenSSL(port, factory, contextFactory, backlog=50, interface='').
function sslServerArgs(where: string, rest: readonly unknown[]): SSLServerOptions {
  checkArity(where, rest, 4, '(port, factory, tlsOptions?, backlog?, interface?, { network }?)');
  const [a, b, c, d] = rest;
  const o = checkOptions<SSLServerOptions>(where, 'the TLS options (contextFactory)', a, SSL_KEYS);
  checkTlsMaterial(where, o);
  const net = trailingNetwork(where, d);
  return drop({
    ...o,
    network: merge(where, 'network', net.network, o.network),
    backlog: merge(where, 'backlog', optInteger(where, 'backlog', b, 'an integer listen backlog'), o.backlog),
    interface: merge(where, 'interface', optString(where, 'interface', c, 'a string (the address to bind)'), o.interface),
  });
}

function readPem(file: string, what: string, address: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new CannotListenError(address, `cannot read TLS ${what} '${file}': ${describeSystemError(e)}`, { cause: e });
  }
}

/**
 * Serves a protocol factory over TLS on a TCP port. Give the PEM contents
 * (`key`, `cert`) or files (`privateKey`, `certKey`; the certificate
 * defaults to the key file, as in Twisted). Files are read when the port
 * opens (in privilegedStartService, so they may be root-only).
 */
export class SSLServer extends AbstractServer {
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: SSLServerOptions;
  /**
   * As listenSSL(port, factory, contextFactory, backlog=50, interface=''):
   * the third argument holds the TLS material (our stand-in for Twisted's
   * context factory, and it may also carry interface/backlog/network);
   * backlog and interface may follow positionally, then `{ network }`.
   */
  constructor(portNumber: number, factory: IProtocolFactory, options?: SSLServerOptions | null, backlog?: number | null, iface?: string | null, network?: NetworkServiceOptions);
  constructor(portNumber: number, factory: IProtocolFactory, ...rest: unknown[]) {
    const where = 'SSLServer';
    const options = sslServerArgs(where, rest);
    super(options);
    this.portNumber = checkPort(where, portNumber);
    this.factory = checkFactory(where, factory);
    this.options = options;
  }
  protected async getPort(): Promise<IListeningPort> {
    const o = this.options;
    const keyFile = o.privateKey ?? (o.key === undefined ? 'server.pem' : undefined);
    const certFile = o.certKey ?? (o.cert === undefined ? keyFile : undefined);
    const key = o.key ?? readPem(keyFile!, 'private key', this.describe());
    const cert = o.cert ?? readPem(certFile!, 'certificate', this.describe());
    return this.network.listenSSL(this.portNumber, this.factory, {
      key,
      cert,
      interface: o.interface ?? '',
      backlog: o.backlog ?? DEFAULT_BACKLOG,
      ...(o.sslmethod !== undefined ? { sslmethod: o.sslmethod } : {}),
    });
  }
  describe(): string {
    return `ssl ${this.options.interface || '0.0.0.0'}:${this.portNumber}`;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), port: this.portNumber, interface: this.options.interface ?? '' };
  }
}

/** Another name for SSLServer. */
export const TLSServer = SSLServer;
/** Another name for SSLServer. */
export type TLSServer = SSLServer;
