/**
 * Stream endpoints, after twisted.internet.endpoints: objects that know
 * where to listen (IStreamServerEndpoint) or where to connect
 * (IStreamClientEndpoint), built directly or from description strings
 * (parse.ts). They run on a NetworkBackend (default: the real network).
 */
import fs from 'node:fs';
import type { Cancellable, IListeningPort, IProtocol, IProtocolFactory, IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces.js';
import { cancellable } from '../internet/cancellable.js';
import { CannotListenError, ConnectError, describeSystemError, errnoOf } from '../internet/errors.js';
import { badTLSMethod, isTLSMethod, type TLSMethod } from '../internet/tls-method.js';
import { DEFAULT_BACKLOG, nodeNetwork, type NetworkBackend, type SocketDomain, type TLSConnectOptions } from '../internet/ports.js';

/** Escapes `\` and `:` so a value can be embedded in a description string (Twisted's quoteStringArgument). */
export function quoteStringArgument(argument: string): string {
  return argument.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

interface WithNetwork {
  /** The network backend (default: the real one). */
  readonly network?: NetworkBackend;
}

/** Options of TCP4ServerEndpoint/TCP6ServerEndpoint. */
export interface TCPServerEndpointOptions extends WithNetwork {
  /** The address to bind: '' (default) is every IPv4 address for tcp:, '::' for tcp6:. */
  readonly interface?: string;
  /** Listen backlog (default 511, DEFAULT_BACKLOG; Twisted's is 50). */
  readonly backlog?: number;
}

/** Listens on TCP over IPv4 (`tcp:PORT[:interface=][:backlog=]`). */
export class TCP4ServerEndpoint implements IStreamServerEndpoint {
  readonly port: number;
  readonly interface: string;
  readonly backlog: number;
  readonly network: NetworkBackend;
  constructor(port: number, options: TCPServerEndpointOptions = {}) {
    this.port = port;
    this.interface = options.interface ?? this.defaultInterface();
    this.backlog = options.backlog ?? DEFAULT_BACKLOG;
    this.network = options.network ?? nodeNetwork;
  }
  protected defaultInterface(): string {
    return '';
  }
  protected prefix(): string {
    return 'tcp';
  }
  listen(factory: IProtocolFactory): Promise<IListeningPort> {
    return this.network.listenTCP(this.port, factory, { interface: this.interface, backlog: this.backlog });
  }
  describe(): string {
    let d = `${this.prefix()}:${this.port}`;
    if (this.interface !== this.defaultInterface()) d += `:interface=${quoteStringArgument(this.interface)}`;
    if (this.backlog !== DEFAULT_BACKLOG) d += `:backlog=${this.backlog}`;
    return d;
  }
}

/** Listens on TCP over IPv6 (`tcp6:PORT[:interface=::][:backlog=]`). */
export class TCP6ServerEndpoint extends TCP4ServerEndpoint {
  protected override defaultInterface(): string {
    return '::';
  }
  protected override prefix(): string {
    return 'tcp6';
  }
}

/** Options of UNIXServerEndpoint. */
export interface UNIXServerEndpointOptions extends WithNetwork {
  /** Permission bits of the socket file (default 0o666). */
  readonly mode?: number;
  readonly backlog?: number;
  /** Hold PATH.lock while listening (Twisted's wantPID; `lockfile=` in strings; default true). */
  readonly wantPID?: boolean;
}

/** Listens on a UNIX stream socket (`unix:PATH[:mode=666][:backlog=511][:lockfile=1]`). */
export class UNIXServerEndpoint implements IStreamServerEndpoint {
  readonly address: string;
  readonly mode: number;
  readonly backlog: number;
  readonly wantPID: boolean;
  readonly network: NetworkBackend;
  constructor(address: string, options: UNIXServerEndpointOptions = {}) {
    this.address = address;
    this.mode = options.mode ?? 0o666;
    this.backlog = options.backlog ?? DEFAULT_BACKLOG;
    this.wantPID = options.wantPID ?? true;
    this.network = options.network ?? nodeNetwork;
  }
  listen(factory: IProtocolFactory): Promise<IListeningPort> {
    return this.network.listenUNIX(this.address, factory, { mode: this.mode, backlog: this.backlog, wantPID: this.wantPID });
  }
  describe(): string {
    let d = `unix:${quoteStringArgument(this.address)}`;
    if (this.mode !== 0o666) d += `:mode=${this.mode.toString(8)}`;
    if (this.backlog !== DEFAULT_BACKLOG) d += `:backlog=${this.backlog}`;
    if (!this.wantPID) d += ':lockfile=0';
    return d;
  }
}

/** Options of SSL4ServerEndpoint. */
export interface SSLServerEndpointOptions extends TCPServerEndpointOptions {
  /** The PEM file with the private key (default 'server.pem'). */
  readonly privateKey?: string;
  /** The PEM file with the certificate (default: the privateKey file). */
  readonly certKey?: string;
  /** The TLS versions offered (Twisted's sslmethod=): SSLv23_METHOD (default: negotiate), TLSv1_METHOD … TLSv1_3_METHOD (exactly that version). */
  readonly sslmethod?: TLSMethod;
  /** A PEM file with intermediate certificates sent after the certificate. */
  readonly extraCertChain?: string;
  /** A PEM file with Diffie-Hellman parameters. */
  readonly dhParameters?: string;
}

/**
 * Listens with TLS (`ssl:PORT[:privateKey=server.pem][:certKey=<privateKey>]`
 * `[:sslmethod=][:extraCertChain=][:dhParameters=][:interface=][:backlog=]`). The files
 * are read when listening starts.
 */
export class SSL4ServerEndpoint implements IStreamServerEndpoint {
  readonly port: number;
  readonly interface: string;
  readonly backlog: number;
  readonly privateKey: string;
  readonly certKey: string;
  readonly sslmethod: TLSMethod | undefined;
  readonly extraCertChain: string | undefined;
  readonly dhParameters: string | undefined;
  readonly network: NetworkBackend;
  constructor(port: number, options: SSLServerEndpointOptions = {}) {
    this.port = port;
    this.interface = options.interface ?? '';
    this.backlog = options.backlog ?? DEFAULT_BACKLOG;
    this.privateKey = options.privateKey ?? 'server.pem';
    this.certKey = options.certKey ?? this.privateKey;
    if (options.sslmethod !== undefined && !isTLSMethod(options.sslmethod)) throw badTLSMethod('SSL4ServerEndpoint: sslmethod', options.sslmethod);
    this.sslmethod = options.sslmethod;
    this.extraCertChain = options.extraCertChain;
    this.dhParameters = options.dhParameters;
    this.network = options.network ?? nodeNetwork;
  }
  private read(file: string, what: string): Buffer {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      throw new CannotListenError(`ssl ${this.interface || '0.0.0.0'}:${this.port}`, `cannot read TLS ${what} '${file}': ${describeSystemError(e)}`, { cause: e, errno: errnoOf(e) });
    }
  }
  async listen(factory: IProtocolFactory): Promise<IListeningPort> {
    const key = this.read(this.privateKey, 'private key');
    let cert = this.read(this.certKey, 'certificate');
    if (this.extraCertChain !== undefined) {
      const chain = this.read(this.extraCertChain, 'certificate chain');
      if (!chain.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
        throw new CannotListenError(`ssl ${this.interface || '0.0.0.0'}:${this.port}`, `Specified chain file '${this.extraCertChain}' doesn't contain any valid certificates in PEM format.`);
      }
      cert = Buffer.concat([cert, Buffer.from('\n'), chain]);
    }
    const dhparam = this.dhParameters === undefined ? undefined : this.read(this.dhParameters, 'DH parameters');
    return this.network.listenSSL(this.port, factory, {
      key,
      cert,
      interface: this.interface,
      backlog: this.backlog,
      ...(this.sslmethod !== undefined ? { sslmethod: this.sslmethod } : {}),
      ...(dhparam !== undefined ? { tlsOptions: { dhparam } } : {}),
    });
  }
  describe(): string {
    let d = `ssl:${this.port}:privateKey=${quoteStringArgument(this.privateKey)}`;
    if (this.certKey !== this.privateKey) d += `:certKey=${quoteStringArgument(this.certKey)}`;
    if (this.sslmethod !== undefined) d += `:sslmethod=${this.sslmethod}`;
    if (this.interface !== '') d += `:interface=${quoteStringArgument(this.interface)}`;
    if (this.backlog !== DEFAULT_BACKLOG) d += `:backlog=${this.backlog}`;
    return d;
  }
}

/**
 * Serves on an inherited listening socket (systemd socket activation;
 * Twisted's AdoptedStreamServerEndpoint). The descriptor is closed, never
 * shut down, when the port stops; Node cannot duplicate it, so it can be
 * listened on once per process.
 */
export class AdoptedStreamServerEndpoint implements IStreamServerEndpoint {
  readonly fileno: number;
  readonly domain: SocketDomain;
  readonly description: string;
  readonly network: NetworkBackend;
  private used = false;
  constructor(fileno: number, domain: SocketDomain, options: WithNetwork & { readonly description?: string } = {}) {
    this.fileno = fileno;
    this.domain = domain;
    this.description = options.description ?? `systemd:domain=${domain}:fd=${fileno}`;
    this.network = options.network ?? nodeNetwork;
  }
  listen(factory: IProtocolFactory): Promise<IListeningPort> {
    if (this.used) {
      return Promise.reject(new CannotListenError(this.description, `inherited descriptor ${this.fileno} was already used (an adopted socket can be listened on once per process)`));
    }
    this.used = true;
    return this.network.adoptStreamPort(this.fileno, this.domain, factory, this.description);
  }
  describe(): string {
    return this.description;
  }
}

/** Options of TCP4ClientEndpoint. */
export interface TCPClientEndpointOptions extends WithNetwork {
  /** Seconds before the attempt fails (default 30). */
  readonly timeout?: number;
  /** Local address to bind before connecting. */
  readonly bindAddress?: string;
}

/** Connects over TCP (`tcp:host=H:port=P[:timeout=30][:bindAddress=]`, or `tcp:H:P`). */
export class TCP4ClientEndpoint implements IStreamClientEndpoint {
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly bindAddress: string | undefined;
  readonly network: NetworkBackend;
  constructor(host: string, port: number, options: TCPClientEndpointOptions = {}) {
    this.host = host;
    this.port = port;
    this.timeout = options.timeout ?? 30;
    this.bindAddress = options.bindAddress;
    this.network = options.network ?? nodeNetwork;
  }
  /** Resolves with the protocol once connectionMade has run; `cancel()` aborts the attempt. */
  connect(factory: IProtocolFactory): Cancellable<IProtocol> {
    return cancellable(`connection to ${this.describe()}`, (resolve, reject) => {
      const c = this.network.connectTCP(
        this.host,
        this.port,
        factory,
        { timeout: this.timeout, ...(this.bindAddress !== undefined ? { bindAddress: this.bindAddress } : {}) },
        { connected: (p) => resolve(p), failed: (e) => reject(e) },
      );
      return () => c.stopConnecting();
    });
  }
  describe(): string {
    return `tcp:host=${quoteStringArgument(this.host)}:port=${this.port}`;
  }
}

/** Options of TLSClientEndpoint: the TCP options plus what TLS needs. */
export interface TLSClientEndpointOptions extends TCPClientEndpointOptions {
  readonly tls?: TLSConnectOptions;
}

/**
 * Connects over TCP and speaks TLS (`tls:HOST:PORT[:timeout=30]
 * [:bindAddress=][:certificate=][:privateKey=][:trustRoots=]`, Twisted's
 * wrapClientTLS over a TCP endpoint). The server's certificate is verified
 * against the trust roots (default: Node's bundled root CAs) and the host
 * name; the protocol's connectionMade runs once the handshake is done.
 */
export class TLSClientEndpoint extends TCP4ClientEndpoint {
  readonly tls: TLSConnectOptions;
  constructor(host: string, port: number, options: TLSClientEndpointOptions = {}) {
    super(host, port, options);
    this.tls = options.tls ?? {};
  }
  override connect(factory: IProtocolFactory): Cancellable<IProtocol> {
    return cancellable(`connection to ${this.describe()}`, (resolve, reject) => {
      const c = this.network.connectTCP(
        this.host,
        this.port,
        factory,
        { timeout: this.timeout, tls: this.tls, ...(this.bindAddress !== undefined ? { bindAddress: this.bindAddress } : {}) },
        { connected: (p) => resolve(p), failed: (e) => reject(e) },
      );
      return () => c.stopConnecting();
    });
  }
  override describe(): string {
    return `tls:${quoteStringArgument(this.host)}:${this.port}`;
  }
}

/** Options of UNIXClientEndpoint. */
export interface UNIXClientEndpointOptions extends WithNetwork {
  readonly timeout?: number;
  /** Refuse to connect unless a live process holds PATH.lock (`lockfile=1`; default false). */
  readonly checkPID?: boolean;
}

/** Connects to a UNIX stream socket (`unix:path=P[:timeout=][:lockfile=0|1]`). */
export class UNIXClientEndpoint implements IStreamClientEndpoint {
  readonly path: string;
  readonly timeout: number;
  readonly checkPID: boolean;
  readonly network: NetworkBackend;
  constructor(path: string, options: UNIXClientEndpointOptions = {}) {
    this.path = path;
    this.timeout = options.timeout ?? 30;
    this.checkPID = options.checkPID ?? false;
    this.network = options.network ?? nodeNetwork;
  }
  connect(factory: IProtocolFactory): Cancellable<IProtocol> {
    return cancellable(`connection to ${this.describe()}`, (resolve, reject) => {
      if (this.checkPID && !lockHeld(`${this.path}.lock`)) {
        reject(new ConnectError(`unix ${this.path}`, `lock file '${this.path}.lock' is not held by a live process`, { code: 'tacd.net.lockNotHeld' }));
        return;
      }
      const c = this.network.connectUNIX(this.path, factory, { timeout: this.timeout }, { connected: (p) => resolve(p), failed: (e) => reject(e) });
      return () => c.stopConnecting();
    });
  }
  describe(): string {
    return `unix:path=${quoteStringArgument(this.path)}`;
  }
}

function lockHeld(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readlinkSync(lockPath));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}
