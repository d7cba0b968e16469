/**
 * The network backend: listening ports and outgoing connections over Node's
 * net, tls and dgram modules (Twisted's reactor.listenTCP/listenUNIX/
 * listenSSL/listenUDP/adoptStreamPort/connectTCP/connectUNIX).
 *
 * Services and endpoints take a `NetworkBackend` (Twisted's `reactor=`
 * argument) so tests can inject a fake; `nodeNetwork` is the real one.
 */
import net from 'node:net';
import type tls from 'node:tls';
import type dgram from 'node:dgram';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Address, ITransport, IDatagramProtocol, IDatagramTransport, IListeningPort, IProtocol, IProtocolFactory } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import { CannotListenError, ConnectError, NoProtocolError, describeSystemError, errnoOf } from './errors.js';
import { SocketTransport, describeAddress, socketAddress } from './tcp-transport.js';
import { Logger } from '../logger/logger.js';

const log = new Logger('tacd.network');

// tls (with crypto) and dgram are loaded on first use: an echo or web daemon
// that never listens with TLS or UDP does not pay ~4 MB of RSS and their load time.
const requireBuiltin = createRequire(import.meta.url);
const loadTls = (): typeof tls => requireBuiltin('node:tls') as typeof tls;
const loadDgram = (): typeof dgram => requireBuiltin('node:dgram') as typeof dgram;

/** Options of listenTCP. */
export interface TCPListenOptions {
  /** The address to bind: '' means every IPv4 address (0.0.0.0), as in Twisted. */
  readonly interface?: string;
  /** The listen backlog (default 50). */
  readonly backlog?: number;
}

/** Options of listenUNIX. */
export interface UNIXListenOptions {
  /** Permission bits applied to the socket file after bind (default 0o666). */
  readonly mode?: number;
  readonly backlog?: number;
  /** Take a PATH.lock lock (a symlink to our PID) and clean a stale socket file (default false, as Twisted's listenUNIX). */
  readonly wantPID?: boolean;
}

/** Options of listenSSL: the PEM key and certificate plus the TCP options. */
export interface TLSListenOptions extends TCPListenOptions {
  /** PEM private key. */
  readonly key: string | Buffer;
  /** PEM certificate (chain). */
  readonly cert: string | Buffer;
  /** Extra tls.createServer options. */
  readonly tlsOptions?: tls.TlsOptions;
}

/** Options of listenUDP. */
export interface UDPListenOptions {
  readonly interface?: string;
  /** Truncate longer datagrams to this many bytes (Twisted's maxPacketSize; default: no limit). */
  readonly maxPacketSize?: number;
}

/** TLS for an outgoing TCP connection (connectSSL, the tls:/ssl: client endpoints). */
export interface TLSConnectOptions {
  /** Trusted CA certificates (PEM); default: Node's bundled root CAs. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** A client certificate (PEM) and its private key, for servers that ask for one. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** The name the server's certificate must carry and the SNI name sent (default: the host, unless it is an IP address). */
  readonly servername?: string;
}

/** Options of connectTCP/connectUNIX. */
export interface ConnectOptions {
  /** Seconds before the attempt fails (default 30). The TLS handshake counts towards it. */
  readonly timeout?: number;
  /** Local address to bind before connecting (TCP). */
  readonly bindAddress?: string;
  /** Speak TLS over the TCP connection; the server's certificate is always verified. */
  readonly tls?: TLSConnectOptions;
}

/** The socket family of an adopted descriptor (systemd:domain=). */
export type SocketDomain = 'INET' | 'INET6' | 'UNIX';

/**
 * What services and endpoints need from the network (Twisted's reactor
 * interfaces). Implement it to test services without sockets.
 */
export interface NetworkBackend {
  listenTCP(port: number, factory: IProtocolFactory, options?: TCPListenOptions): Promise<IListeningPort>;
  listenUNIX(path: string, factory: IProtocolFactory, options?: UNIXListenOptions): Promise<IListeningPort>;
  listenSSL(port: number, factory: IProtocolFactory, options: TLSListenOptions): Promise<IListeningPort>;
  listenUDP(port: number, protocol: IDatagramProtocol, options?: UDPListenOptions): Promise<IListeningPort>;
  /** Listens on an inherited, already bound and listening stream socket (systemd socket activation). */
  adoptStreamPort(fd: number, domain: SocketDomain, factory: IProtocolFactory, description: string): Promise<IListeningPort>;
  /** Starts a TCP connection attempt; `observer` hears about its outcome. */
  connectTCP(host: string, port: number, factory: IProtocolFactory, options?: ConnectOptions, observer?: ConnectorObserver): IConnector;
  /** Starts a UNIX stream connection attempt. */
  connectUNIX(path: string, factory: IProtocolFactory, options?: ConnectOptions, observer?: ConnectorObserver): IConnector;
}

/** The address text for error messages: "tcp 127.0.0.1:8080", "tcp6 [::]:80". */
function tcpDescription(host: string, port: number): string {
  return host.includes(':') ? `tcp6 [${host}]:${port}` : `tcp ${host}:${port}`;
}

/**
 * A listening stream port over a net.Server (or tls.Server). It builds a
 * protocol per accepted connection, tracks the connections, calls the
 * factory's doStart when listening and doStop when closed.
 */
export class StreamListeningPort implements IListeningPort {
  readonly server: net.Server;
  readonly factory: IProtocolFactory;
  /** What the port listens on, for logs ("tcp 0.0.0.0:8080", "systemd fd 3"). */
  readonly description: string;
  private readonly connections = new Set<SocketTransport>();
  private readonly unixPath: string | null;
  private closing: Promise<void> | null = null;
  private readonly afterClose: (() => void) | undefined;

  constructor(server: net.Server, factory: IProtocolFactory, description: string, options: { unixPath?: string | null; secure?: boolean; afterClose?: () => void } = {}) {
    this.server = server;
    this.factory = factory;
    this.description = description;
    this.unixPath = options.unixPath ?? null;
    this.afterClose = options.afterClose;
    server.on(options.secure ? 'secureConnection' : 'connection', (socket: net.Socket) => this.accept(socket));
    if (options.secure) {
      // A failed handshake must not take the server down; it is just a failed connection.
      server.on('tlsClientError', (_e: Error, socket: net.Socket) => socket.destroy());
    }
    factory.doStart();
  }

  private accept(socket: net.Socket): void {
    const peer = socketAddress(socket, 'remote', null);
    let proto: IProtocol | null;
    try {
      proto = this.factory.buildProtocol(peer);
    } catch (e) {
      log.failure('Unhandled error in {factory}.buildProtocol; connection from {peer} dropped', e, { factory: this.factory.constructor.name, peer: describeAddress(peer) });
      proto = null;
    }
    if (proto === null) {
      socket.destroy();
      return;
    }
    socket.on('error', () => {}); // reported through the transport's connectionLost
    const t = new SocketTransport(socket, proto, {
      unixPath: this.unixPath,
      onClose: (tr) => this.connections.delete(tr),
    });
    if (!t.disconnected) this.connections.add(t);
  }

  /** Stops accepting; resolves once the listening socket is closed. Open connections stay open. */
  stopListening(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      if (!this.server.listening) {
        this.finish();
        resolve();
        return;
      }
      // server.close's callback waits for every connection; the port itself is closed at once.
      this.server.close();
      setImmediate(() => {
        this.finish();
        resolve();
      });
    });
    return this.closing;
  }

  private finish(): void {
    try {
      this.afterClose?.();
    } finally {
      this.factory.doStop();
    }
  }

  getHost(): Address {
    const a = this.server.address();
    if (a === null || typeof a === 'string') return { type: 'UNIX', path: typeof a === 'string' ? a : this.unixPath };
    return { type: a.family === 'IPv6' ? 'TCP6' : 'TCP', host: a.address, port: a.port };
  }

  /** Aborts every connection this port accepted that is still open. */
  closeAllConnections(): void {
    for (const t of [...this.connections]) t.abortConnection();
  }

  /** How many accepted connections are open. */
  get connectionCount(): number {
    return this.connections.size;
  }
}

function listenServer(server: net.Server, options: net.ListenOptions, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(new CannotListenError(address, describeSystemError(e), { cause: e, errno: errnoOf(e) }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    try {
      server.listen(options);
    } catch (e) {
      server.off('error', onError);
      server.off('listening', onListening);
      reject(new CannotListenError(address, describeSystemError(e), { cause: e, errno: errnoOf(e) }));
    }
  });
}

/** Resolves the bind host of a TCP listen: '' → 0.0.0.0 (IPv4, as Twisted's TCP4). */
function bindHost(iface: string | undefined): string {
  return iface === undefined || iface === '' ? '0.0.0.0' : iface;
}

/** Listens on TCP (Twisted's listenTCP). Rejects with CannotListenError naming the address. */
export async function listenTCP(port: number, factory: IProtocolFactory, options: TCPListenOptions = {}): Promise<IListeningPort> {
  const host = bindHost(options.interface);
  const server = net.createServer({ allowHalfOpen: false });
  await listenServer(server, { port, host, backlog: options.backlog ?? 50, exclusive: true }, tcpDescription(host, port));
  const a = server.address() as net.AddressInfo;
  return new StreamListeningPort(server, factory, tcpDescription(a.address, a.port));
}

/** Listens with TLS over TCP (Twisted's listenSSL). */
export async function listenSSL(port: number, factory: IProtocolFactory, options: TLSListenOptions): Promise<IListeningPort> {
  const host = bindHost(options.interface);
  const address = `ssl ${host.includes(':') ? `[${host}]` : host}:${port}`;
  let server: tls.Server;
  try {
    server = loadTls().createServer({ ...options.tlsOptions, key: options.key, cert: options.cert });
  } catch (e) {
    throw new CannotListenError(address, `invalid TLS key or certificate: ${describeSystemError(e)}`, { cause: e });
  }
  await listenServer(server, { port, host, backlog: options.backlog ?? 50, exclusive: true }, address);
  const a = server.address() as net.AddressInfo;
  return new StreamListeningPort(server, factory, `ssl ${a.address}:${a.port}`, { secure: true });
}

function isAbstract(path: string): boolean {
  return path.startsWith('\0');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

/**
 * Takes PATH.lock as Twisted's FilesystemLock does (a symlink whose target
 * is our PID). Returns whether a previous lock was stale (its process is
 * gone), or throws CannotListenError when a live process holds it.
 */
function acquireUnixLock(lockPath: string, address: string): { stale: boolean } {
  let stale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.symlinkSync(String(process.pid), lockPath);
      return { stale };
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw new CannotListenError(address, `cannot create lock ${lockPath}: ${describeSystemError(e)}`, { cause: e });
    }
    let owner: number;
    try {
      owner = Number(fs.readlinkSync(lockPath));
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') continue;
      throw new CannotListenError(address, `cannot read lock ${lockPath}: ${describeSystemError(e)}`, { cause: e });
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
      throw new CannotListenError(address, `Cannot acquire lock ${lockPath} (held by PID ${owner})`);
    }
    // Stale (dead owner, garbage) or our own leftover: break it and retry.
    stale = owner !== process.pid;
    try {
      fs.unlinkSync(lockPath);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw new CannotListenError(address, `cannot remove stale lock ${lockPath}: ${describeSystemError(e)}`, { cause: e });
    }
  }
  throw new CannotListenError(address, `Cannot acquire lock ${lockPath}`);
}

/** True when something accepts connections on the UNIX socket at `path`. */
function unixSocketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ path });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', (e) => resolve(errnoOf(e) !== 'ECONNREFUSED' && errnoOf(e) !== 'ENOENT'));
  });
}

function unlinkQuietly(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Listens on a UNIX stream socket (Twisted's listenUNIX). With `wantPID`
 * (default false, as Twisted's) it holds PATH.lock while listening; a socket file left by a
 * dead process (stale lock, or a file nobody answers on) is removed before
 * bind. The socket file is chmod'ed to `mode` (default 0o666).
 */
export async function listenUNIX(path: string, factory: IProtocolFactory, options: UNIXListenOptions = {}): Promise<IListeningPort> {
  const address = `unix ${path}`;
  const wantPID = (options.wantPID ?? false) && !isAbstract(path);
  const lockPath = `${path}.lock`;
  let locked = false;
  try {
    if (wantPID) {
      const { stale } = acquireUnixLock(lockPath, address);
      locked = true;
      if (stale) unlinkQuietly(path);
    }
    const server = net.createServer({ allowHalfOpen: false });
    const listenOpts = { path, backlog: options.backlog ?? 50 };
    try {
      await listenServer(server, listenOpts, address);
    } catch (e) {
      // A socket file nobody answers on is a leftover from a crash: remove it and try once more.
      if (!(e instanceof CannotListenError) || e.errno !== 'EADDRINUSE' || isAbstract(path) || (await unixSocketAnswers(path))) throw e;
      unlinkQuietly(path);
      await listenServer(server, listenOpts, address);
    }
    if (!isAbstract(path)) {
      try {
        fs.chmodSync(path, options.mode ?? 0o666);
      } catch (e) {
        server.close();
        throw new CannotListenError(address, `cannot chmod the socket: ${describeSystemError(e)}`, { cause: e });
      }
    }
    const lockHeld = locked;
    locked = false;
    return new StreamListeningPort(server, factory, address, {
      unixPath: path,
      afterClose: () => {
        if (lockHeld) unlinkQuietly(lockPath);
      },
    });
  } finally {
    if (locked) unlinkQuietly(lockPath);
  }
}

/**
 * Serves on an inherited listening socket (systemd socket activation) with
 * `listen({ fd })`. Stopping closes our descriptor, never shuts the socket
 * down (Twisted #5621), so the systemd socket unit keeps it. Node cannot
 * dup a descriptor, so an adopted port can be opened once per process.
 */
export async function adoptStreamPort(fd: number, domain: SocketDomain, factory: IProtocolFactory, description: string): Promise<IListeningPort> {
  const server = net.createServer({ allowHalfOpen: false });
  await listenServer(server, { fd } as net.ListenOptions, description);
  void domain; // Node tells TCP from UNIX by itself; the domain is kept for the contract and the logs
  return new StreamListeningPort(server, factory, description);
}

/** The transport a UDP port gives its protocol. */
class UDPTransport implements IDatagramTransport {
  private readonly socket: dgram.Socket;
  constructor(socket: dgram.Socket) {
    this.socket = socket;
  }
  write(data: Uint8Array | string, addr: { host: string; port: number }): void {
    this.socket.send(data, addr.port, addr.host);
  }
  getHost(): Address {
    const a = this.socket.address();
    return { type: a.family === 'IPv6' ? 'UDP6' : 'UDP', host: a.address, port: a.port };
  }
}

/** A bound UDP port. */
export class UDPPort implements IListeningPort {
  private closing: Promise<void> | null = null;
  readonly socket: dgram.Socket;
  readonly protocol: IDatagramProtocol;
  constructor(socket: dgram.Socket, protocol: IDatagramProtocol) {
    this.socket = socket;
    this.protocol = protocol;
  }

  getHost(): Address {
    const a = this.socket.address();
    return { type: a.family === 'IPv6' ? 'UDP6' : 'UDP', host: a.address, port: a.port };
  }

  /** Closes the socket; resolves once it is closed (the port can be bound again). */
  stopListening(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      this.socket.close(() => {
        const p = this.protocol as IDatagramProtocol & { doStop?: () => void };
        if (typeof p.doStop === 'function') p.doStop();
        else p.stopProtocol();
        resolve();
      });
    });
    return this.closing;
  }
}

/** Binds a UDP port (Twisted's listenUDP) and hands `protocol` its transport. */
export async function listenUDP(port: number, protocol: IDatagramProtocol, options: UDPListenOptions = {}): Promise<IListeningPort> {
  const host = bindHost(options.interface);
  const six = host.includes(':');
  const address = six ? `udp6 [${host}]:${port}` : `udp ${host}:${port}`;
  const socket = loadDgram().createSocket({ type: six ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => {
      socket.close();
      reject(new CannotListenError(address, describeSystemError(e), { cause: e, errno: errnoOf(e) }));
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  const max = options.maxPacketSize;
  socket.on('message', (msg, rinfo) => {
    protocol.datagramReceived(max !== undefined && msg.length > max ? msg.subarray(0, max) : msg, { type: rinfo.family === 'IPv6' ? 'UDP6' : 'UDP', host: rinfo.address, port: rinfo.port });
  });
  socket.on('error', () => {}); // ICMP errors on send; UDP has no connection to lose
  protocol.makeConnection(new UDPTransport(socket));
  return new UDPPort(socket, protocol);
}

interface ClientFactoryHooks {
  startedConnecting?(c: IConnector): void;
  clientConnectionFailed?(c: IConnector, reason: Error): void;
  clientConnectionLost?(c: IConnector, reason: Error | null): void;
}

/** Callbacks for whoever waits on a connector (endpoints). */
export interface ConnectorObserver {
  connected?(protocol: IProtocol, transport: ITransport): void;
  failed?(reason: Error): void;
  lost?(reason: Error | null): void;
}

/**
 * An outgoing stream connection attempt (Twisted's IConnector). It calls a
 * ClientFactory's startedConnecting / clientConnectionFailed /
 * clientConnectionLost when the factory has them, and doStart/doStop around
 * each attempt.
 */
export class Connector implements IConnector {
  /** 'disconnected' | 'connecting' | 'connected'. */
  state: 'disconnected' | 'connecting' | 'connected' = 'disconnected';
  transport: SocketTransport | null = null;
  private socket: net.Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private factoryStarted = false;

  private readonly destination: Address;
  private readonly factory: IProtocolFactory;
  private readonly options: ConnectOptions;
  private readonly observer: ConnectorObserver;

  constructor(destination: Address, factory: IProtocolFactory, options: ConnectOptions = {}, observer: ConnectorObserver = {}) {
    this.destination = destination;
    this.factory = factory;
    this.options = options;
    this.observer = observer;
  }

  getDestination(): Address {
    return this.destination;
  }

  private hooks(): ClientFactoryHooks {
    return this.factory as IProtocolFactory & ClientFactoryHooks;
  }

  /** Starts an attempt (no-op unless disconnected). */
  connect(): void {
    if (this.state !== 'disconnected') return;
    this.state = 'connecting';
    if (!this.factoryStarted) {
      this.factory.doStart();
      this.factoryStarted = true;
    }
    this.hooks().startedConnecting?.(this);
    const d = this.destination;
    const secure = d.type === 'UNIX' ? undefined : this.options.tls;
    let socket: net.Socket;
    if (d.type === 'UNIX') socket = net.connect({ path: d.path ?? '', allowHalfOpen: false });
    else {
      const tcp = {
        host: d.host,
        port: d.port,
        allowHalfOpen: false,
        ...(this.options.bindAddress !== undefined ? { localAddress: this.options.bindAddress } : {}),
      };
      socket = secure
        ? loadTls().connect({
            ...tcp,
            rejectUnauthorized: true,
            ...(secure.ca !== undefined ? { ca: secure.ca as string | Buffer | (string | Buffer)[] } : {}),
            ...(secure.cert !== undefined ? { cert: secure.cert } : {}),
            ...(secure.key !== undefined ? { key: secure.key } : {}),
            ...tlsServername(secure.servername ?? d.host),
          })
        : net.connect(tcp);
    }
    this.socket = socket;
    const timeoutS = this.options.timeout ?? 30;
    this.timer = setTimeout(() => {
      this.fail(new ConnectError(describeAddress(d), `timed out after ${timeoutS} s`, { errno: 'ETIMEDOUT', code: 'tacd.net.connectTimeout' }));
    }, timeoutS * 1000);
    this.timer.unref();
    socket.once('error', (e) => this.fail(new ConnectError(describeAddress(d), describeSystemError(e), { cause: e, errno: errnoOf(e) })));
    // With TLS the connection is made once the handshake succeeded and the certificate checked out.
    socket.once(secure ? 'secureConnect' : 'connect', () => this.connected(socket));
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private fail(reason: Error): void {
    if (this.state !== 'connecting') return;
    this.clearTimer();
    this.state = 'disconnected';
    this.socket?.destroy();
    this.socket = null;
    this.hooks().clientConnectionFailed?.(this, reason);
    this.observer.failed?.(reason);
    this.stopFactory();
  }

  private stopFactory(): void {
    if (this.state === 'disconnected' && this.factoryStarted) {
      this.factoryStarted = false;
      this.factory.doStop();
    }
  }

  private connected(socket: net.Socket): void {
    if (this.state !== 'connecting') return;
    this.clearTimer();
    socket.removeAllListeners('error');
    const peer = socketAddress(socket, 'remote', this.destination.type === 'UNIX' ? this.destination.path : null);
    let proto: IProtocol | null;
    try {
      proto = this.factory.buildProtocol(peer);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (proto === null) {
      this.fail(new NoProtocolError(describeAddress(this.destination)));
      return;
    }
    socket.on('error', () => {}); // reported through connectionLost
    this.state = 'connected';
    const protocol = proto;
    const unixPath = this.destination.type === 'UNIX' ? this.destination.path : null;
    this.transport = new SocketTransport(socket, protocol, {
      unixPath,
      unixPathSide: 'peer',
      onClose: (_t, reason) => {
        this.state = 'disconnected';
        this.transport = null;
        this.socket = null;
        this.hooks().clientConnectionLost?.(this, reason);
        this.observer.lost?.(reason);
        this.stopFactory();
      },
    });
    if (this.state === 'connected') this.observer.connected?.(protocol, this.transport);
  }

  /** Aborts a pending attempt (clientConnectionFailed gets a cancellation error). */
  stopConnecting(): void {
    if (this.state !== 'connecting') return;
    this.fail(new ConnectError(describeAddress(this.destination), 'connection attempt cancelled', { code: 'tacd.net.connectCancelled' }));
  }

  /** Cancels the attempt, or closes the connection after flushing. */
  disconnect(): void {
    if (this.state === 'connecting') this.stopConnecting();
    else if (this.state === 'connected') this.transport?.loseConnection();
  }
}

/** Connects over TCP (Twisted's connectTCP); the attempt starts at once. */
export function connectTCP(host: string, port: number, factory: IProtocolFactory, options: ConnectOptions = {}, observer?: ConnectorObserver): Connector {
  const c = new Connector({ type: host.includes(':') ? 'TCP6' : 'TCP', host, port }, factory, options, observer);
  c.connect();
  return c;
}

/** Connects over TCP with TLS (Twisted's connectSSL); the server's certificate is verified. */
export function connectSSL(host: string, port: number, factory: IProtocolFactory, tlsOptions: TLSConnectOptions, options: ConnectOptions = {}, observer?: ConnectorObserver): Connector {
  return connectTCP(host, port, factory, { ...options, tls: tlsOptions }, observer);
}

// SNI must not carry an IP address (RFC 6066); the certificate is still checked against it.
function tlsServername(name: string): { servername?: string } {
  return name !== '' && net.isIP(name) === 0 ? { servername: name } : {};
}

/** Connects to a UNIX stream socket (Twisted's connectUNIX); the attempt starts at once. */
export function connectUNIX(path: string, factory: IProtocolFactory, options: ConnectOptions = {}, observer?: ConnectorObserver): Connector {
  const c = new Connector({ type: 'UNIX', path }, factory, options, observer);
  c.connect();
  return c;
}

/** The real network: Node's net, tls and dgram. */
export const nodeNetwork: NetworkBackend = {
  listenTCP,
  listenUNIX,
  listenSSL,
  listenUDP,
  adoptStreamPort,
  connectTCP,
  connectUNIX,
};
