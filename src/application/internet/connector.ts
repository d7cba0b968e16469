/**
 * Outgoing stream connections (Twisted's connectTCP/connectSSL/connectUNIX
 * and IConnector), with TLS verified against the trust roots and host name.
 */
import net from 'node:net';
import type { Address, IProtocol, IProtocolFactory } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import { ConnectError, NoProtocolError, describeSystemError, errnoOf } from './errors.js';
import type { ConnectOptions, ConnectorObserver, TLSConnectOptions } from './network.js';
import { SocketTransport, describeAddress, socketAddress } from './tcp-transport.js';
import { loadTls } from './tls-port.js';

interface ClientFactoryHooks {
  startedConnecting?(c: IConnector): void;
  clientConnectionFailed?(c: IConnector, reason: Error): void;
  clientConnectionLost?(c: IConnector, reason: Error | null): void;
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
    const socket = openSocket(d, this.options);
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

/** Opens the socket of one attempt: UNIX, TCP, or TLS over TCP (always verified). */
function openSocket(d: Address, options: ConnectOptions): net.Socket {
  if (d.type === 'UNIX') return net.connect({ path: d.path ?? '', allowHalfOpen: false });
  const tcp = {
    host: d.host,
    port: d.port,
    allowHalfOpen: false,
    ...(options.bindAddress !== undefined ? { localAddress: options.bindAddress } : {}),
  };
  const secure = options.tls;
  if (!secure) return net.connect(tcp);
  return loadTls().connect({
    ...tcp,
    rejectUnauthorized: true,
    ...(secure.ca !== undefined ? { ca: secure.ca as string | Buffer | (string | Buffer)[] } : {}),
    ...(secure.cert !== undefined ? { cert: secure.cert } : {}),
    ...(secure.key !== undefined ? { key: secure.key } : {}),
    ...tlsServername(secure.servername ?? d.host),
  });
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

