/**
 * TLSClient (SSLClient, Twisted's internet.SSLClient): one TLS connection
 * attempt over TCP per start, as TCPClient. The server's certificate is
 * always verified against the trust roots (`ca`; default: Node's bundled
 * root CAs) and the host name (or `servername`), as the tls: client
 * endpoint does; the protocol's connectionMade runs after the handshake.
 */
import type { IProtocolFactory } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import type { TLSConnectOptions } from './network.js';
import { AbstractClient, CLIENT_KEYS, type ClientOptions } from './clients.js';
import { argError, checkArity, checkFactory, checkOptions, checkPort, merge, optNumber, optString } from './args.js';
import { checkHost, checkNetwork, drop, trailingNetwork, type NetworkServiceOptions } from './service-args.js';

/** Options of TLSClient: the TLS material (Twisted's contextFactory) plus TCPClient's options. */
export interface TLSClientOptions extends ClientOptions, TLSConnectOptions {}

const TLS_KEYS = ['ca', 'cert', 'key', 'servername'] as const;

function isPem(v: unknown): boolean {
  return typeof v === 'string' || Buffer.isBuffer(v);
}

function checkTlsMaterial(where: string, o: TLSClientOptions): void {
  checkNetwork(where, o);
  const ca: unknown = o.ca;
  if (ca !== undefined && !isPem(ca) && !(Array.isArray(ca) && ca.every(isPem))) throw argError(where, 'ca', 'PEM certificates (a string, a Buffer or an array of them)', ca);
  for (const k of ['cert', 'key'] as const) {
    if (o[k] !== undefined && !isPem(o[k])) throw argError(where, k, 'PEM contents (a string or Buffer)', o[k]);
  }
  if ((o.cert === undefined) !== (o.key === undefined)) throw new TypeError(`${where}: cert and key go together (a client certificate needs its private key)`);
  optString(where, 'servername', o.servername);
  optNumber(where, 'timeout', o.timeout, 'a number of seconds');
  optString(where, 'bindAddress', o.bindAddress);
}

// (tlsOptions, timeout, bindAddress, { network }), as connectSSL(host, port, factory, contextFactory, timeout=30, bindAddress=None).
function tlsClientArgs(where: string, rest: readonly unknown[]): TLSClientOptions {
  checkArity(where, rest, 4, '(host, port, factory, tlsOptions?, timeout?, bindAddress?, { network }?)');
  const [a, b, c, d] = rest;
  const o = checkOptions<TLSClientOptions>(where, 'the TLS options (contextFactory)', a, [...CLIENT_KEYS, ...TLS_KEYS]);
  checkTlsMaterial(where, o);
  const net = trailingNetwork(where, d);
  return drop({
    ...o,
    network: merge(where, 'network', net.network, o.network),
    timeout: merge(where, 'timeout', optNumber(where, 'timeout', b, 'a number of seconds'), o.timeout),
    bindAddress: merge(where, 'bindAddress', optString(where, 'bindAddress', c, "a string address (e.g. '10.0.0.2')"), o.bindAddress),
  });
}

/**
 * Connects once to host:port with TLS when started. Takes
 * `{ ca, cert, key, servername, timeout, bindAddress, network }` or
 * Twisted's positional `(host, port, factory, tlsOptions, timeout, bindAddress)`.
 */
export class TLSClient extends AbstractClient {
  readonly host: string;
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: TLSClientOptions;
  constructor(host: string, portNumber: number, factory: IProtocolFactory, options?: TLSClientOptions | null, timeout?: number | null, bindAddress?: string | null, network?: NetworkServiceOptions);
  constructor(host: string, portNumber: number, factory: IProtocolFactory, ...rest: unknown[]) {
    const where = 'TLSClient';
    const options = tlsClientArgs(where, rest);
    super(options);
    this.host = checkHost(where, host);
    this.portNumber = checkPort(where, portNumber);
    this.factory = checkFactory(where, factory);
    this.options = options;
  }
  protected getConnection(): IConnector {
    const { ca, cert, key, servername, bindAddress } = this.options;
    const tls: TLSConnectOptions = drop({ ca, cert, key, servername });
    return this.network.connectTCP(this.host, this.portNumber, this.factory, { timeout: this.options.timeout ?? 30, tls, ...(bindAddress ? { bindAddress } : {}) });
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), host: this.host, port: this.portNumber };
  }
}

/** Twisted's name for TLSClient. */
export const SSLClient = TLSClient;
/** Twisted's name for TLSClient. */
export type SSLClient = TLSClient;
