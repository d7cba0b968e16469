/**
 * The protocol, transport, factory and endpoint contracts (twisted.internet
 * interfaces, in TypeScript). Implementations live in protocol.ts,
 * internet/*.ts and endpoints/*.ts; ClientService and the endpoint services
 * depend only on these.
 */
import type { MaybePromise } from './service.js';

/** An address as Twisted's IAddress: TCP (host, port), UNIX (path) or UDP. */
export type Address =
  | { readonly type: 'TCP' | 'TCP6'; readonly host: string; readonly port: number }
  | { readonly type: 'UNIX'; readonly path: string | null }
  | { readonly type: 'UDP' | 'UDP6'; readonly host: string; readonly port: number };

/** The write side of a connection (ITransport). */
export interface ITransport {
  write(data: Uint8Array | string): void;
  writeSequence(data: Iterable<Uint8Array | string>): void;
  /** Closes the connection after pending writes are flushed. */
  loseConnection(): void;
  /** Closes at once, dropping pending writes. */
  abortConnection(): void;
  getPeer(): Address;
  getHost(): Address;
}

/** A stream protocol instance: one per connection (IProtocol). */
export interface IProtocol {
  /** Set by the transport before connectionMade. */
  transport: ITransport | null;
  /** The factory that built it (set by the factory's buildProtocol). */
  factory: IProtocolFactory | null;
  makeConnection(transport: ITransport): void;
  connectionMade(): void;
  dataReceived(data: Buffer): void;
  /** `reason` is null for a clean close, else the error. */
  connectionLost(reason: Error | null): void;
}

/** Builds protocols for connections (IProtocolFactory). */
export interface IProtocolFactory {
  /** @returns a protocol, or null to refuse the connection. */
  buildProtocol(addr: Address): IProtocol | null;
  /** Called once before the first port/connection using this factory starts (reference-counted). */
  doStart(): void;
  /** Called once after the last port/connection using this factory stops. */
  doStop(): void;
}

/** A listening port (IListeningPort). */
export interface IListeningPort {
  /** Resolves when the port is closed (connections already accepted are not closed). */
  stopListening(): Promise<void>;
  getHost(): Address;
  /** Closes every connection accepted by this port (the runner's "during shutdown" phase). */
  closeAllConnections?(): void;
}

/** A server endpoint (IStreamServerEndpoint): where and how to listen. */
export interface IStreamServerEndpoint {
  /** Resolves with the listening port; rejects (e.g. EADDRINUSE, with a message naming the address). */
  listen(factory: IProtocolFactory): Promise<IListeningPort>;
  /** A human description ("tcp:8080:interface=127.0.0.1"). */
  describe(): string;
}

/** A cancellable pending operation (a Deferred with a canceller). */
export interface Cancellable<T> extends Promise<T> {
  cancel(): void;
}

/** A client endpoint (IStreamClientEndpoint). */
export interface IStreamClientEndpoint {
  /** Connects and resolves with the protocol the factory built once the connection is made. Cancelling aborts the attempt. */
  connect(factory: IProtocolFactory): Cancellable<IProtocol>;
  describe(): string;
}

/** A datagram protocol (IDatagramProtocol) for UDPServer. */
export interface IDatagramProtocol {
  transport: IDatagramTransport | null;
  makeConnection(transport: IDatagramTransport): void;
  startProtocol(): void;
  stopProtocol(): void;
  datagramReceived(data: Buffer, addr: Address): void;
}

export interface IDatagramTransport {
  write(data: Uint8Array | string, addr: { host: string; port: number }): void;
  getHost(): Address;
}

/**
 * Time as a dependency (Twisted's IReactorTime), so tests can use a fake
 * clock. Times are in seconds, as in Twisted.
 */
export interface IClock {
  /** The current time in seconds (monotonic for the real clock). */
  seconds(): number;
  /** Calls `fn(...args)` after `delaySeconds` seconds; returns a handle that can cancel it. */
  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => void, ...args: A): { cancel(): void; readonly active: boolean };
}

export type { MaybePromise };
