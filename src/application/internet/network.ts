/**
 * The contract between the services/endpoints and the network (Twisted's
 * reactor interfaces): the options of each listen and connect call and the
 * `NetworkBackend` they are made on. Types only; the real backend is
 * `nodeNetwork` in ports.ts.
 */
import type tls from 'node:tls';
import type { IDatagramProtocol, IListeningPort, IProtocol, IProtocolFactory, ITransport } from '../interfaces.js';
import type { IConnector } from '../protocol.js';
import type { TLSMethod } from './tls-method.js';

/**
 * The listen backlog when none is given: 511, Node's and nginx's default
 * (Twisted's 50 drops connections under a burst). The kernel caps it at
 * net.core.somaxconn (4096 on current kernels).
 */
export const DEFAULT_BACKLOG = 511;

/** Options of listenTCP. */
export interface TCPListenOptions {
  /** The address to bind: '' means every IPv4 address (0.0.0.0), as in Twisted. */
  readonly interface?: string;
  /** The listen backlog (default 511, DEFAULT_BACKLOG). */
  readonly backlog?: number;
}

/** Options of listenUNIX. */
export interface UNIXListenOptions {
  /** Permission bits applied to the socket file after bind (default 0o666). */
  readonly mode?: number;
  /** The listen backlog (default 511, DEFAULT_BACKLOG). */
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
  /** The protocol versions offered (Twisted's sslmethod; default SSLv23_METHOD: Node's defaults, TLS 1.2 and 1.3). */
  readonly sslmethod?: TLSMethod;
  /** Extra tls.createServer options. */
  readonly tlsOptions?: tls.TlsOptions;
}

/** Options of listenUDP. */
export interface UDPListenOptions {
  readonly interface?: string;
  /** Truncate longer datagrams to this many bytes (Twisted's maxPacketSize; default: no limit). */
  readonly maxPacketSize?: number;
}

/** TLS for an outgoing TCP connection (connectSSL, TLSClient, the tls:/ssl: client endpoints). */
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

/** Callbacks for whoever waits on a connector (endpoints). */
export interface ConnectorObserver {
  connected?(protocol: IProtocol, transport: ITransport): void;
  failed?(reason: Error): void;
  lost?(reason: Error | null): void;
}

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
