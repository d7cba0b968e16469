/**
 * The simple clients (Twisted's _AbstractClient, internet.TCPClient and
 * internet.UNIXClient): one connection attempt per start, no retry (use
 * ClientService for that).
 */
import { Service } from '../service.js';
import type { IProtocolFactory } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import { nodeNetwork, type NetworkBackend } from './ports.js';
import { checkArity, checkFactory, checkPort, optFlag, optNumber, optionsForm, optString } from './args.js';
import { checkHost, checkNetwork, checkPath, drop, trailingNetwork, type NetworkServiceOptions } from './service-args.js';

/**
 * The shared lifecycle of the simple clients (Twisted's _AbstractClient):
 * `startService` starts one connection attempt; `stopService` cancels it or
 * closes the connection. No retry: use ClientService for that.
 */
export abstract class AbstractClient extends Service {
  readonly network: NetworkBackend;
  private _connection: IConnector | null = null;

  constructor(options: NetworkServiceOptions = {}) {
    super();
    this.network = options.network ?? nodeNetwork;
  }

  protected abstract getConnection(): IConnector;

  /** The connector of the current attempt, or null when stopped. */
  get connection(): IConnector | null {
    return this._connection;
  }

  override startService(): void {
    void super.startService();
    this._connection = this.getConnection();
  }

  /** Cancels the attempt or closes the connection (after flushing); synchronous, as in Twisted. */
  override stopService(): void {
    void super.stopService();
    const c = this._connection;
    this._connection = null;
    c?.disconnect();
  }
}

/** Options of TCPClient/UNIXClient. */
export interface ClientOptions extends NetworkServiceOptions {
  /** Seconds before a connection attempt fails (default 30). */
  readonly timeout?: number;
  /** Local address to bind before connecting (TCP). */
  readonly bindAddress?: string;
}

export const CLIENT_KEYS = ['network', 'timeout', 'bindAddress'] as const;

// (options) or (timeout, bindAddress, { network }), as connectTCP(host, port, factory, timeout=30, bindAddress=None).
export function clientArgs(where: string, rest: readonly unknown[], unix: boolean): ClientOptions {
  const signature = unix ? '(path, factory, options?) or (path, factory, timeout?, checkPID?, { network }?)' : '(host, port, factory, options?) or (host, port, factory, timeout?, bindAddress?, { network }?)';
  checkArity(where, rest, 3, signature);
  const [a, b, c] = rest;
  let o = optionsForm<ClientOptions>(where, rest, unix ? ['network', 'timeout'] : CLIENT_KEYS);
  if (o) {
    checkNetwork(where, o);
  } else if (unix) {
    // connectUNIX(address, factory, timeout=30, checkPID=0): the lock check lives in the unix: client endpoint.
    if (optFlag(where, 'checkPID', b)) throw new TypeError(`${where}: checkPID is not supported here; use ClientService with clientFromString('unix:path=...:lockfile=1')`);
    o = drop({ ...trailingNetwork(where, c), timeout: a as number | undefined });
  } else {
    o = drop({ ...trailingNetwork(where, c), timeout: a as number | undefined, bindAddress: optString(where, 'bindAddress', b, "a string address (e.g. '10.0.0.2')") });
  }
  optNumber(where, 'timeout', o.timeout, 'a number of seconds or an options object');
  optString(where, 'bindAddress', o.bindAddress);
  return o;
}

/**
 * Connects once to host:port when started. A ClientFactory hears
 * startedConnecting / clientConnectionFailed / clientConnectionLost. Takes
 * `{ timeout, bindAddress, network }` or Twisted's positional
 * `(host, port, factory, timeout, bindAddress)`.
 */
export class TCPClient extends AbstractClient {
  readonly host: string;
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: ClientOptions;
  constructor(host: string, portNumber: number, factory: IProtocolFactory, options?: ClientOptions);
  constructor(host: string, portNumber: number, factory: IProtocolFactory, timeout?: number | null, bindAddress?: string | null, options?: NetworkServiceOptions);
  constructor(host: string, portNumber: number, factory: IProtocolFactory, ...rest: unknown[]) {
    const options = clientArgs('TCPClient', rest, false);
    super(options);
    this.host = checkHost('TCPClient', host);
    this.portNumber = checkPort('TCPClient', portNumber);
    this.factory = checkFactory('TCPClient', factory);
    this.options = options;
  }
  protected getConnection(): IConnector {
    return this.network.connectTCP(this.host, this.portNumber, this.factory, { timeout: this.options.timeout ?? 30, ...(this.options.bindAddress ? { bindAddress: this.options.bindAddress } : {}) });
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), host: this.host, port: this.portNumber };
  }
}

/** Connects once to a UNIX stream socket when started. Takes `{ timeout, network }` or Twisted's positional `(path, factory, timeout)`. */
export class UNIXClient extends AbstractClient {
  readonly path: string;
  readonly factory: IProtocolFactory;
  readonly options: ClientOptions;
  constructor(path: string, factory: IProtocolFactory, options?: ClientOptions);
  constructor(path: string, factory: IProtocolFactory, timeout?: number | null, checkPID?: false | 0 | null, options?: NetworkServiceOptions);
  constructor(path: string, factory: IProtocolFactory, ...rest: unknown[]) {
    const options = clientArgs('UNIXClient', rest, true);
    super(options);
    this.path = checkPath('UNIXClient', path);
    this.factory = checkFactory('UNIXClient', factory);
    this.options = options;
  }
  protected getConnection(): IConnector {
    return this.network.connectUNIX(this.path, this.factory, { timeout: this.options.timeout ?? 30 });
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path };
  }
}
