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
 */
import fs from 'node:fs';
import { Service } from '../service.js';
import type { Address, IDatagramProtocol, IListeningPort, IProtocolFactory } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import { CannotListenError, describeSystemError } from './errors.js';
import { nodeNetwork, type NetworkBackend } from './ports.js';
import { describeAddress } from './tcp-transport.js';

/** Options every service of this module accepts. */
export interface NetworkServiceOptions {
  /** The network backend (default: the real one). */
  readonly network?: NetworkBackend;
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

  /** Binds the port; rejects with CannotListenError naming the address. The listen call is made synchronously. */
  override privilegedStartService(): Promise<void> {
    void super.privilegedStartService();
    return this.bind().then(() => undefined);
  }

  /** Marks running and binds only if privilegedStartService has not. */
  override startService(): Promise<void> {
    void super.startService();
    return this.bind().then(() => undefined);
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

/** Serves a protocol factory on a TCP port: `new TCPServer(8080, Factory.forProtocol(Echo))`. Port 0 picks a free port. */
export class TCPServer extends AbstractServer {
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: TCPServerOptions;
  constructor(portNumber: number, factory: IProtocolFactory, options: TCPServerOptions = {}) {
    super(options);
    this.portNumber = portNumber;
    this.factory = factory;
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
}

/** Serves a protocol factory on a UNIX stream socket; the socket file is removed on stop. */
export class UNIXServer extends AbstractServer {
  readonly path: string;
  readonly factory: IProtocolFactory;
  readonly options: UNIXServerOptions;
  constructor(path: string, factory: IProtocolFactory, options: UNIXServerOptions = {}) {
    super(options);
    this.path = path;
    this.factory = factory;
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
  constructor(portNumber: number, factory: IProtocolFactory, options: SSLServerOptions = {}) {
    super(options);
    this.portNumber = portNumber;
    this.factory = factory;
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
}

/** Binds a datagram protocol to a UDP port. Port 0 picks a free port. */
export class UDPServer extends AbstractServer {
  readonly portNumber: number;
  readonly protocol: IDatagramProtocol;
  readonly options: UDPServerOptions;
  constructor(portNumber: number, protocol: IDatagramProtocol, options: UDPServerOptions = {}) {
    super(options);
    this.portNumber = portNumber;
    this.protocol = protocol;
    this.options = options;
  }
  protected getPort(): Promise<IListeningPort> {
    return this.network.listenUDP(this.portNumber, this.protocol, { interface: this.options.interface ?? '' });
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

/** Connects once to host:port when started. A ClientFactory hears startedConnecting / clientConnectionFailed / clientConnectionLost. */
export class TCPClient extends AbstractClient {
  readonly host: string;
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: ClientOptions;
  constructor(host: string, portNumber: number, factory: IProtocolFactory, options: ClientOptions = {}) {
    super(options);
    this.host = host;
    this.portNumber = portNumber;
    this.factory = factory;
    this.options = options;
  }
  protected getConnection(): IConnector {
    return this.network.connectTCP(this.host, this.portNumber, this.factory, { timeout: this.options.timeout ?? 30, ...(this.options.bindAddress ? { bindAddress: this.options.bindAddress } : {}) });
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), host: this.host, port: this.portNumber };
  }
}

/** Connects once to a UNIX stream socket when started. */
export class UNIXClient extends AbstractClient {
  readonly path: string;
  readonly factory: IProtocolFactory;
  readonly options: ClientOptions;
  constructor(path: string, factory: IProtocolFactory, options: ClientOptions = {}) {
    super(options);
    this.path = path;
    this.factory = factory;
    this.options = options;
  }
  protected getConnection(): IConnector {
    return this.network.connectUNIX(this.path, this.factory, { timeout: this.options.timeout ?? 30 });
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path };
  }
}
