/**
 * A stream transport over a Node socket (net.Socket or tls.TLSSocket, TCP
 * or UNIX), after Twisted's tcp.Connection: it feeds the protocol, writes
 * for it, closes cleanly or abruptly, and reports the end exactly once as
 * `connectionLost(reason)` (null for a clean close).
 *
 * Backpressure: `write` returns false when the socket's send buffer is
 * above its high-water mark (Node's semantics); `drained()` resolves when it
 * empties, and `pauseProducing`/`resumeProducing` stop and restart reading,
 * so a protocol can stop reading a peer that does not read its replies.
 */
import type net from 'node:net';
import type { Address, IProtocol, ITransport } from '../interfaces.js';
import { Logger } from '../logger/logger.js';
import { ConnectionLostError, describeSystemError, errnoOf } from './errors.js';

const log = new Logger('tacd.transport');

/** Every live transport, so the runner can close leftovers at shutdown (Twisted's disconnectAll). */
const liveTransports = new Set<SocketTransport>();

/** How long loseConnection waits for the peer to close after our FIN before destroying the socket. */
const LINGER_MS = 5000;

/** The local and remote address of a socket as an Address. */
export function socketAddress(socket: net.Socket, side: 'local' | 'remote', unixPath: string | null): Address {
  const host = side === 'local' ? socket.localAddress : socket.remoteAddress;
  const port = side === 'local' ? socket.localPort : socket.remotePort;
  if (host === undefined || port === undefined) return { type: 'UNIX', path: unixPath };
  return { type: host.includes(':') ? 'TCP6' : 'TCP', host, port };
}

/** Options of SocketTransport. */
export interface SocketTransportOptions {
  /**
   * For UNIX sockets: which end the socket path belongs to. 'host' on the
   * server side (getHost is the listening path, getPeer is unnamed), 'peer'
   * on the client side.
   */
  readonly unixPath?: string | null;
  readonly unixPathSide?: 'host' | 'peer';
  /** Called once, after connectionLost, so the owner (a port or connector) can forget the connection. */
  readonly onClose?: (transport: SocketTransport, reason: Error | null) => void;
}

/** An ITransport over a connected net.Socket. */
export class SocketTransport implements ITransport {
  readonly socket: net.Socket;
  readonly protocol: IProtocol;
  /** True once loseConnection/abortConnection was called or the connection ended. */
  disconnecting = false;
  /** True once connectionLost has been delivered. */
  disconnected = false;
  private readonly onClose: ((t: SocketTransport, reason: Error | null) => void) | undefined;
  private error: Error | null = null;
  private aborted = false;
  private readonly peer: Address;
  private readonly host: Address;

  /**
   * Wires `socket` to `protocol` and calls `protocol.makeConnection(this)`.
   * The socket must already be connected.
   */
  constructor(socket: net.Socket, protocol: IProtocol, options: SocketTransportOptions = {}) {
    this.socket = socket;
    this.protocol = protocol;
    this.onClose = options.onClose;
    const side = options.unixPathSide ?? 'host';
    const unixPath = options.unixPath ?? null;
    this.peer = socketAddress(socket, 'remote', side === 'peer' ? unixPath : null);
    this.host = socketAddress(socket, 'local', side === 'host' ? unixPath : null);
    liveTransports.add(this);
    socket.setNoDelay?.(true);
    socket.on('data', (data: Buffer) => {
      if (this.disconnected) return;
      try {
        this.protocol.dataReceived(data);
      } catch (e) {
        // Twisted: an exception in dataReceived is logged and drops the connection with that reason.
        log.failure('Unhandled error in {protocol}.dataReceived; dropping the connection', e, { protocol: this.protocol.constructor.name });
        this.error = e instanceof Error ? e : new Error(String(e));
        this.socket.destroy();
      }
    });
    socket.on('error', (e: Error) => {
      if (this.error === null) this.error = e;
    });
    socket.on('end', () => {
      // The peer closed its side; with allowHalfOpen false Node ends ours too.
      this.disconnecting = true;
    });
    socket.on('close', () => this.closed());
    try {
      protocol.makeConnection(this);
    } catch (e) {
      log.failure('Unhandled error in {protocol}.connectionMade; dropping the connection', e, { protocol: protocol.constructor.name });
      this.error = e instanceof Error ? e : new Error(String(e));
      socket.destroy();
    }
  }

  private closed(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.disconnecting = true;
    liveTransports.delete(this);
    let reason: Error | null = null;
    if (this.error !== null) {
      const code = errnoOf(this.error);
      reason =
        code !== undefined
          ? new ConnectionLostError(`connection to ${describeAddress(this.peer)} lost: ${describeSystemError(this.error)}`, { cause: this.error })
          : this.error;
    } else if (this.aborted) {
      reason = new ConnectionLostError(`connection to ${describeAddress(this.peer)} aborted`, { code: 'tacd.net.connectionAborted' });
    }
    try {
      this.protocol.connectionLost(reason);
    } catch (e) {
      // An exception here must not escape into Node's event emitter (it would end the process).
      log.failure('Unhandled error in {protocol}.connectionLost', e, { protocol: this.protocol.constructor.name });
    }
    this.onClose?.(this, reason);
  }

  /**
   * Queues bytes (strings are UTF-8). Ignored after loseConnection.
   * @returns false when the send buffer is above its high-water mark (wait for `drained()`).
   */
  write(data: Uint8Array | string): boolean {
    if (this.disconnecting || this.socket.destroyed) return false;
    if (typeof data !== 'string' && data.length === 0) return true;
    return this.socket.write(data);
  }

  /** Writes each chunk in order. */
  writeSequence(data: Iterable<Uint8Array | string>): boolean {
    let ok = true;
    for (const d of data) ok = this.write(d) && ok;
    return ok;
  }

  /** Bytes queued and not yet handed to the kernel. */
  get bufferSize(): number {
    return this.socket.writableLength;
  }

  /** Resolves when the send buffer is empty (at once if it is, or if the connection is gone). */
  drained(): Promise<void> {
    if (this.socket.writableLength === 0 || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Stops reading from the peer (data stays in the kernel; TCP flow control pushes back). */
  pauseProducing(): void {
    this.socket.pause();
  }

  /** Resumes reading. */
  resumeProducing(): void {
    if (!this.disconnected) this.socket.resume();
  }

  /** Closes after every queued write has been flushed (FIN); the socket is destroyed if the peer lingers. */
  loseConnection(): void {
    if (this.disconnecting || this.socket.destroyed) return;
    this.disconnecting = true;
    this.socket.end(() => {
      const t = setTimeout(() => this.socket.destroy(), LINGER_MS);
      t.unref();
      this.socket.once('close', () => clearTimeout(t));
    });
  }

  /** Closes at once, dropping queued writes; connectionLost gets a 'connection aborted' reason. */
  abortConnection(): void {
    if (this.disconnected) return;
    this.disconnecting = true;
    if (this.error === null) this.aborted = true;
    this.socket.destroy();
  }

  getPeer(): Address {
    return this.peer;
  }

  getHost(): Address {
    return this.host;
  }
}

/**
 * "tcp 127.0.0.1:8080", "tcp6 [::1]:8080", "udp 0.0.0.0:53", "unix /run/x.sock".
 * An unnamed UNIX address (an adopted socket, a client end) gives `unnamed`.
 */
export function describeAddress(a: Address, unnamed = 'unix (unnamed)'): string {
  switch (a.type) {
    case 'TCP':
      return `tcp ${a.host}:${a.port}`;
    case 'TCP6':
      return `tcp6 [${a.host}]:${a.port}`;
    case 'UDP':
      return `udp ${a.host}:${a.port}`;
    case 'UDP6':
      return `udp6 [${a.host}]:${a.port}`;
    case 'UNIX':
      return a.path ? `unix ${a.path}` : unnamed;
  }
}

/**
 * Aborts every connection tacd transports still hold (server and client
 * side). The runner calls it after stopService so that leftover
 * connections do not keep Node's event loop alive.
 * @returns how many connections were closed.
 */
export function disconnectAll(): number {
  const all = [...liveTransports];
  for (const t of all) t.abortConnection();
  return all.length;
}

/** How many tacd connections are open (for tests and diagnostics). */
export function openConnectionCount(): number {
  return liveTransports.size;
}
