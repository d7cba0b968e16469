/**
 * A listening stream port (TCP, TLS, UNIX, adopted) over a net.Server or
 * tls.Server, and the listen call that opens one.
 */
import net from 'node:net';
import type { Address, IListeningPort, IProtocol, IProtocolFactory } from '../interfaces.js';
import { CannotListenError, describeSystemError, errnoOf } from './errors.js';
import { SocketTransport, describeAddress, socketAddress } from './tcp-transport.js';
import { Logger } from '../logger/logger.js';

const log = new Logger('tacd.network');

/** The address text for error messages: "tcp 127.0.0.1:8080", "tcp6 [::]:80". */
export function tcpDescription(host: string, port: number): string {
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

export function listenServer(server: net.Server, options: net.ListenOptions, address: string): Promise<void> {
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
export function bindHost(iface: string | undefined): string {
  return iface === undefined || iface === '' ? '0.0.0.0' : iface;
}

