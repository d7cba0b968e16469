/**
 * The concrete internet services, after twisted.application.internet:
 * TCPServer, UNIXServer, SSLServer (TLSServer), UDPServer and the simple
 * TCPClient/UNIXClient.
 *
 * A server binds in `privilegedStartService` (so the runner can bind port
 * 80 before dropping privileges); `startService` binds only if that has not
 * happened; `stopService` resolves once the port is closed. The listening
 * port is a runtime handle: it is not part of `toJSON()` and is cleared on
 * stop. Every service takes an optional `network` backend (Twisted's
 * `reactor=`), reused across restarts.
 *
 * Constructors take an options object or Twisted's positional arguments, in
 * Twisted's order (listenTCP, listenSSL, listenUDP, listenUNIX, connectTCP,
 * connectUNIX), optionally followed by `{ network }`:
 *
 * ```ts
 * new TCPServer(8080, f, { interface: '127.0.0.1', backlog: 50 });
 * new TCPServer(8080, f, 50, '127.0.0.1');          // TCPServer(8080, f, 50, '127.0.0.1')
 * new SSLServer(443, f, { privateKey: 'k.pem' }, 50, '::');
 * new UDPServer(53, proto, '127.0.0.1', 8192);
 * new UNIXServer('/run/x.sock', f, 50, 0o660, true);
 * ```
 *
 * An argument of an unexpected type, or an unknown option, is a TypeError
 * naming it; null and undefined stand for Python's None (the default).
 */
import fs from 'node:fs';
import { Service } from '../service.js';
import type { Address, IDatagramProtocol, IListeningPort, IProtocolFactory } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import { CannotListenError, describeSystemError } from './errors.js';
import { nodeNetwork, type NetworkBackend } from './ports.js';
import { describeAddress } from './tcp-transport.js';
import { argError, checkArity, checkFactory, checkOptions, checkPort, merge, optFlag, optInteger, optNumber, optionsForm, optString } from './args.js';

/** Options every service of this module accepts. */
export interface NetworkServiceOptions {
  /** The network backend (default: the real one). */
  readonly network?: NetworkBackend;
}

function checkNetwork(where: string, options: NetworkServiceOptions): void {
  const n: unknown = options.network;
  if (n !== undefined && (typeof n !== 'object' || n === null)) throw argError(where, 'network', 'a NetworkBackend object', n);
}

// The trailing `{ network }` after positional arguments (Twisted's reactor= keyword).
function trailingNetwork(where: string, value: unknown): NetworkServiceOptions {
  const o = checkOptions<NetworkServiceOptions>(where, 'the last argument', value, ['network']);
  checkNetwork(where, o);
  return o;
}

function checkPath(where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw argError(where, 'path', 'a non-empty string', value);
  return value;
}

function drop<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The shared lifecycle of the server services (Twisted's _AbstractServer).
 * Subclasses implement `getPort()`.
 */
export abstract class AbstractServer extends Service {
  /** The backend used to listen; the same one on every (re)start. */
  readonly network: NetworkBackend;
  private _port: IListeningPort | null = null;
  private binding: Promise<IListeningPort> | null = null;
  /** Ports closed by stopService whose accepted connections may still be open (for closeAllConnections). */
  private readonly stoppedPorts = new Set<IListeningPort>();

  constructor(options: NetworkServiceOptions = {}) {
    super();
    this.network = options.network ?? nodeNetwork;
  }

  /** Opens the port (one listen call). */
  protected abstract getPort(): Promise<IListeningPort>;

  /** What the service listens on, for logs ("tcp 0.0.0.0:8080"). */
  abstract describe(): string;

  /** The listening port, or null when not bound. */
  get port(): IListeningPort | null {
    return this._port;
  }

  private bind(): Promise<IListeningPort> {
    if (this._port !== null) return Promise.resolve(this._port);
    if (this.binding === null) {
      this.binding = this.getPort().then(
        (port) => {
          this.binding = null;
          this._port = port;
          this.log.info('{service} listening on {address}', { service: this.constructor.name, address: describeAddress(port.getHost(), this.describe()) });
          return port;
        },
        (e: unknown) => {
          this.binding = null;
          throw e;
        },
      );
    }
    return this.binding;
  }

  /**
   * Binds the port; rejects with CannotListenError naming the address. The
   * listen call is made synchronously. The Promise is safe to ignore: a
   * failure nobody awaits is logged instead of ending the process.
   */
  override privilegedStartService(): Promise<void> {
    void super.privilegedStartService();
    return this.loggedIfIgnored(this.bind().then(() => undefined));
  }

  /** Marks running and binds only if privilegedStartService has not. The Promise is safe to ignore, as privilegedStartService's. */
  override startService(): Promise<void> {
    void super.startService();
    return this.loggedIfIgnored(this.bind().then(() => undefined));
  }

  /** Clears running, closes the port and resolves once it is closed. Accepted connections stay open (see closeAllConnections). */
  override async stopService(): Promise<void> {
    void super.stopService();
    const pending = this.binding;
    if (pending !== null) {
      try {
        await pending;
      } catch {
        return;
      }
    }
    const port = this._port;
    this._port = null;
    if (port !== null) {
      if (port.closeAllConnections) this.stoppedPorts.add(port);
      await port.stopListening();
    }
  }

  /** The bound address (null when not bound); with port 0, the port the system chose. */
  getHost(): Address | null {
    return this._port?.getHost() ?? null;
  }

  /**
   * Aborts every connection the port accepted, including those still open
   * after stopService closed the port (the runner's last step before exit).
   */
  closeAllConnections(): void {
    this._port?.closeAllConnections?.();
    for (const p of this.stoppedPorts) p.closeAllConnections?.();
    this.stoppedPorts.clear();
  }
}

/** Options of TCPServer. */
export interface TCPServerOptions extends NetworkServiceOptions {
  /** The address to bind ('' or absent: every IPv4 address; '::' for IPv6). */
  readonly interface?: string;
  /** Listen backlog (default 50). */
  readonly backlog?: number;
}

const TCP_KEYS = ['network', 'interface', 'backlog'] as const;

function checkTcpOptions(where: string, o: TCPServerOptions): TCPServerOptions {
  checkNetwork(where, o);
  optInteger(where, 'backlog', o.backlog);
  optString(where, 'interface', o.interface);
  return o;
}

// (options) or (backlog, interface, { network }), as listenTCP(port, factory, backlog=50, interface='').
function tcpServerArgs(where: string, rest: readonly unknown[]): TCPServerOptions {
  checkArity(where, rest, 3, '(port, factory, options?) or (port, factory, backlog?, interface?, { network }?)');
  const given = optionsForm<TCPServerOptions>(where, rest, TCP_KEYS);
  if (given) return checkTcpOptions(where, given);
  const [a, b, c] = rest;
  const backlog = optInteger(where, 'backlog', a, 'an integer listen backlog or an options object');
  const iface = optString(where, 'interface', b, 'a string (the address to bind)');
  return drop({ ...trailingNetwork(where, c), backlog, interface: iface });
}

/**
 * Serves a protocol factory on a TCP port: `new TCPServer(8080, Factory.forProtocol(Echo))`.
 * Port 0 picks a free port. Takes `{ interface, backlog, network }` or
 * Twisted's positional `(port, factory, backlog, interface)`.
 */
export class TCPServer extends AbstractServer {
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: TCPServerOptions;
  constructor(portNumber: number, factory: IProtocolFactory, options?: TCPServerOptions);
  constructor(portNumber: number, factory: IProtocolFactory, backlog?: number | null, iface?: string | null, options?: NetworkServiceOptions);
  constructor(portNumber: number, factory: IProtocolFactory, ...rest: unknown[]) {
    const options = tcpServerArgs('TCPServer', rest);
    super(options);
    this.portNumber = checkPort('TCPServer', portNumber);
    this.factory = checkFactory('TCPServer', factory);
    this.options = options;
  }
  protected getPort(): Promise<IListeningPort> {
    return this.network.listenTCP(this.portNumber, this.factory, { interface: this.options.interface ?? '', backlog: this.options.backlog ?? 50 });
  }
  describe(): string {
    const i = this.options.interface || '0.0.0.0';
    return i.includes(':') ? `tcp6 [${i}]:${this.portNumber}` : `tcp ${i}:${this.portNumber}`;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), port: this.portNumber, interface: this.options.interface ?? '', backlog: this.options.backlog ?? 50 };
  }
}

/** Options of UNIXServer. */
export interface UNIXServerOptions extends NetworkServiceOptions {
  /** Permission bits of the socket file (default 0o666). */
  readonly mode?: number;
  readonly backlog?: number;
  /**
   * Hold PATH.lock (a symlink naming our PID) while listening, refuse a lock
   * held by a live process and clean a socket file left by a dead one.
   * Default false, as Twisted's listenUNIX (wantPID=0); the `unix:` endpoint
   * string defaults to `lockfile=1`, as Twisted's.
   */
  readonly lockfile?: boolean;
  /** Twisted's name for `lockfile` (listenUNIX's wantPID); give one or the other. */
  readonly wantPID?: boolean;
}

const UNIX_KEYS = ['network', 'mode', 'backlog', 'lockfile', 'wantPID'] as const;

// (options) or (backlog, mode, wantPID, { network }), as listenUNIX(address, factory, backlog=50, mode=0o666, wantPID=0).
function unixServerArgs(where: string, rest: readonly unknown[]): UNIXServerOptions {
  checkArity(where, rest, 4, '(path, factory, options?) or (path, factory, backlog?, mode?, wantPID?, { network }?)');
  const o = optionsForm<UNIXServerOptions>(where, rest, UNIX_KEYS);
  if (o) {
    checkNetwork(where, o);
    optInteger(where, 'backlog', o.backlog);
    optInteger(where, 'mode', o.mode);
    const lockfile = merge(where, 'lockfile/wantPID', optFlag(where, 'wantPID', o.wantPID), optFlag(where, 'lockfile', o.lockfile));
    return drop({ ...o, wantPID: undefined, lockfile });
  }
  const [a, b, c, d] = rest;
  return drop({
    ...trailingNetwork(where, d),
    backlog: optInteger(where, 'backlog', a, 'an integer listen backlog or an options object'),
    mode: optInteger(where, 'mode', b, 'integer permission bits (e.g. 0o660)'),
    lockfile: optFlag(where, 'wantPID', c),
  });
}

/**
 * Serves a protocol factory on a UNIX stream socket; the socket file is
 * removed on stop. Takes `{ mode, backlog, lockfile, network }` or Twisted's
 * positional `(path, factory, backlog, mode, wantPID)`. No PATH.lock unless
 * asked for (`lockfile: true` / wantPID), as Twisted's listenUNIX.
 */
export class UNIXServer extends AbstractServer {
  readonly path: string;
  readonly factory: IProtocolFactory;
  readonly options: UNIXServerOptions;
  constructor(path: string, factory: IProtocolFactory, options?: UNIXServerOptions);
  constructor(path: string, factory: IProtocolFactory, backlog?: number | null, mode?: number | null, wantPID?: boolean | 0 | 1 | null, options?: NetworkServiceOptions);
  constructor(path: string, factory: IProtocolFactory, ...rest: unknown[]) {
    const options = unixServerArgs('UNIXServer', rest);
    super(options);
    this.path = checkPath('UNIXServer', path);
    this.factory = checkFactory('UNIXServer', factory);
    this.options = options;
  }
  protected getPort(): Promise<IListeningPort> {
    return this.network.listenUNIX(this.path, this.factory, { mode: this.options.mode ?? 0o666, backlog: this.options.backlog ?? 50, wantPID: this.options.lockfile ?? false });
  }
  describe(): string {
    return `unix ${this.path}`;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, mode: this.options.mode ?? 0o666 };
  }
}

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
}

const SSL_KEYS = [...TCP_KEYS, 'key', 'cert', 'privateKey', 'certKey'] as const;

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
    checkArity(where, rest, 4, '(port, factory, tlsOptions?, backlog?, interface?, { network }?)');
    const [a, b, c, d] = rest;
    const o = checkOptions<SSLServerOptions>(where, 'the TLS options (contextFactory)', a, SSL_KEYS);
    checkTcpOptions(where, o);
    for (const k of ['privateKey', 'certKey'] as const) optString(where, k, o[k], 'a file name');
    for (const k of ['key', 'cert'] as const) {
      const v: unknown = o[k];
      if (v !== undefined && typeof v !== 'string' && !Buffer.isBuffer(v)) throw argError(where, k, 'PEM contents (a string or Buffer)', v);
    }
    const net = trailingNetwork(where, d);
    const options: SSLServerOptions = drop({
      ...o,
      network: merge(where, 'network', net.network, o.network),
      backlog: merge(where, 'backlog', optInteger(where, 'backlog', b, 'an integer listen backlog'), o.backlog),
      interface: merge(where, 'interface', optString(where, 'interface', c, 'a string (the address to bind)'), o.interface),
    });
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
    return this.network.listenSSL(this.portNumber, this.factory, { key, cert, interface: o.interface ?? '', backlog: o.backlog ?? 50 });
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

/** Options of UDPServer. */
export interface UDPServerOptions extends NetworkServiceOptions {
  /** The address to bind ('' or absent: every IPv4 address). */
  readonly interface?: string;
  /**
   * Longer datagrams are truncated to this many bytes, as Twisted's
   * recvfrom(maxPacketSize). Absent: no limit (Node delivers whole
   * datagrams; Twisted's default is 8192).
   */
  readonly maxPacketSize?: number;
}

const UDP_KEYS = ['network', 'interface', 'maxPacketSize'] as const;

// (options) or (interface, maxPacketSize, { network }), as listenUDP(port, protocol, interface='', maxPacketSize=8192).
function udpServerArgs(where: string, rest: readonly unknown[]): UDPServerOptions {
  checkArity(where, rest, 3, '(port, protocol, options?) or (port, protocol, interface?, maxPacketSize?, { network }?)');
  const [a, b, c] = rest;
  let o = optionsForm<UDPServerOptions>(where, rest, UDP_KEYS);
  if (o) {
    checkNetwork(where, o);
    optString(where, 'interface', o.interface);
  } else {
    o = drop({ ...trailingNetwork(where, c), interface: optString(where, 'interface', a, 'a string (the address to bind) or an options object'), maxPacketSize: b as number | undefined });
  }
  const max = optInteger(where, 'maxPacketSize', o.maxPacketSize, 'a positive integer number of bytes');
  if (max !== undefined && max < 1) throw new RangeError(`${where}: maxPacketSize must be at least 1, got ${max}`);
  return o;
}

function checkDatagramProtocol(where: string, protocol: unknown): IDatagramProtocol {
  const p = protocol as Partial<IDatagramProtocol> | null;
  if (typeof p !== 'object' || p === null || typeof p.datagramReceived !== 'function' || typeof p.makeConnection !== 'function') {
    throw argError(where, 'protocol', 'a datagram protocol instance (e.g. new MyDatagramProtocol())', protocol);
  }
  return p as IDatagramProtocol;
}

/**
 * Binds a datagram protocol to a UDP port. Port 0 picks a free port. Takes
 * `{ interface, maxPacketSize, network }` or Twisted's positional
 * `(port, protocol, interface, maxPacketSize)`.
 */
export class UDPServer extends AbstractServer {
  readonly portNumber: number;
  readonly protocol: IDatagramProtocol;
  readonly options: UDPServerOptions;
  constructor(portNumber: number, protocol: IDatagramProtocol, options?: UDPServerOptions);
  constructor(portNumber: number, protocol: IDatagramProtocol, iface?: string | null, maxPacketSize?: number | null, options?: NetworkServiceOptions);
  constructor(portNumber: number, protocol: IDatagramProtocol, ...rest: unknown[]) {
    const options = udpServerArgs('UDPServer', rest);
    super(options);
    this.portNumber = checkPort('UDPServer', portNumber);
    this.protocol = checkDatagramProtocol('UDPServer', protocol);
    this.options = options;
  }
  protected getPort(): Promise<IListeningPort> {
    const { maxPacketSize } = this.options;
    return this.network.listenUDP(this.portNumber, this.protocol, { interface: this.options.interface ?? '', ...(maxPacketSize !== undefined ? { maxPacketSize } : {}) });
  }
  describe(): string {
    return `udp ${this.options.interface || '0.0.0.0'}:${this.portNumber}`;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), port: this.portNumber, interface: this.options.interface ?? '' };
  }
}

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

const CLIENT_KEYS = ['network', 'timeout', 'bindAddress'] as const;

// (options) or (timeout, bindAddress, { network }), as connectTCP(host, port, factory, timeout=30, bindAddress=None).
function clientArgs(where: string, rest: readonly unknown[], unix: boolean): ClientOptions {
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

function checkHost(where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw argError(where, 'host', 'a non-empty string', value);
  return value;
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
