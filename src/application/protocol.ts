/**
 * Protocols and factories, after twisted.internet.protocol and
 * twisted.protocols.basic. A Protocol handles one connection; a Factory
 * builds one protocol per connection and is started/stopped (reference
 * counted) by the ports and connectors that use it.
 */
import type {
  Address,
  IDatagramProtocol,
  IDatagramTransport,
  IProtocol,
  IProtocolFactory,
  ITransport,
} from './interfaces.js';
import { Logger } from './logger/logger.js';

/**
 * The base stream protocol. Override `connectionMade`, `dataReceived` and
 * `connectionLost`; write with `this.transport.write(...)`.
 */
export class Protocol implements IProtocol {
  transport: ITransport | null = null;
  factory: IProtocolFactory | null = null;
  /** True between makeConnection and connectionLost. */
  connected = false;

  /** Called by the transport: stores it, marks the protocol connected and calls connectionMade. */
  makeConnection(transport: ITransport): void {
    this.connected = true;
    this.transport = transport;
    this.connectionMade();
  }

  /** The connection is up and `transport` is set. */
  connectionMade(): void {}

  /** Bytes arrived; chunk boundaries are arbitrary. */
  dataReceived(_data: Buffer): void {}

  /** The connection is gone: `reason` is null for a clean close, else the error. Subclasses call super. */
  connectionLost(_reason: Error | null): void {
    this.connected = false;
  }
}

/** A protocol class with a no-argument constructor. */
export type ProtocolClass<P extends IProtocol = IProtocol> = new () => P;
/** A function building a protocol for a peer address (or null to refuse the connection). */
export type ProtocolBuilder<P extends IProtocol = IProtocol> = (addr: Address) => P | null;

function isProtocolClass(v: unknown): v is ProtocolClass {
  const proto = (v as { prototype?: { makeConnection?: unknown } } | null)?.prototype;
  return typeof v === 'function' && typeof proto?.makeConnection === 'function';
}

/**
 * Builds protocols (Twisted's Factory). Give it a protocol class
 * (`new Factory(Echo)`, `Factory.forProtocol(Echo)`) or a builder function
 * (`new Factory((addr) => new Echo(greeting))`), or subclass it and override
 * `buildProtocol`. `startFactory`/`stopFactory` run once around the first
 * start and the last stop of the ports using it (`doStart`/`doStop` count).
 */
export class Factory<P extends IProtocol = IProtocol> implements IProtocolFactory {
  /**
   * The protocol class or builder used by `buildProtocol`. An own field only
   * when the constructor was given one (or it is assigned later); otherwise
   * it comes from the prototype (`F.prototype.protocol = P`), and failing
   * that `buildProtocol` uses the class's `static protocol` (Twisted's
   * `class F(Factory): protocol = P`).
   */
  declare protocol: ProtocolClass<P> | ProtocolBuilder<P> | null | undefined;
  /** How many ports/connectors currently use this factory. */
  numPorts = 0;
  /** Log "Starting factory"/"Stopping factory" (Twisted's `noisy`). */
  noisy = false;
  protected readonly log: Logger = new Logger(this.constructor.name);

  /** @throws TypeError when `protocol` is neither a function (class or builder) nor null/undefined. */
  constructor(protocol?: ProtocolClass<P> | ProtocolBuilder<P> | null) {
    if (protocol !== undefined && protocol !== null && typeof protocol !== 'function') {
      throw new TypeError(`${new.target.name}: protocol must be a protocol class or a builder function, got ${typeof protocol}`);
    }
    if (protocol !== undefined) this.protocol = protocol;
  }

  /** A factory building instances of `protocolClass` (Twisted's `Factory.forProtocol`). */
  static forProtocol<Q extends IProtocol, F extends Factory<Q>>(this: new (p: ProtocolClass<Q>) => F, protocolClass: ProtocolClass<Q>): F {
    return new this(protocolClass);
  }

  /**
   * Builds the protocol for a new connection from `addr` and sets its
   * `factory`. Returns null to refuse the connection.
   */
  buildProtocol(addr: Address): P | null {
    const p = this.protocol ?? (this.constructor as { protocol?: ProtocolClass<P> | ProtocolBuilder<P> | null }).protocol;
    if (p === null || p === undefined) throw new TypeError(`${this.constructor.name} has no protocol: pass a protocol class or override buildProtocol`);
    const proto = isProtocolClass(p) ? new p() : (p as ProtocolBuilder<P>)(addr);
    if (proto !== null) proto.factory = this;
    return proto;
  }

  /** Called by ports/connectors when they start using the factory; runs startFactory on the first. */
  doStart(): void {
    if (this.numPorts === 0) {
      if (this.noisy) this.log.info('Starting factory {factory}', { factory: this.constructor.name });
      this.startFactory();
    }
    this.numPorts += 1;
  }

  /** Called when a port/connector stops using the factory; runs stopFactory after the last. Extra calls are ignored. */
  doStop(): void {
    if (this.numPorts === 0) return; // unbalanced; Twisted ignores it too
    this.numPorts -= 1;
    if (this.numPorts === 0) {
      if (this.noisy) this.log.info('Stopping factory {factory}', { factory: this.constructor.name });
      this.stopFactory();
    }
  }

  /** Override: set up shared state (open a database...). */
  startFactory(): void {}
  /** Override: tear down shared state. */
  stopFactory(): void {}
}

/** A factory for server ports (Twisted's ServerFactory): identical to Factory, named for intent. */
export class ServerFactory<P extends IProtocol = IProtocol> extends Factory<P> {}

/** The handle a ClientFactory receives about a connection attempt (Twisted's IConnector). */
export interface IConnector {
  /** Aborts the attempt if still connecting; closes the connection (after flushing) if connected. */
  disconnect(): void;
  /** Aborts a pending attempt. */
  stopConnecting(): void;
  /** Starts a new attempt with the same factory (after a failure or loss). */
  connect(): void;
  /** Where the connector connects to. */
  getDestination(): Address;
}

/**
 * A factory for outgoing connections (Twisted's ClientFactory), with the
 * connector callbacks TCPClient/UNIXClient call.
 */
export class ClientFactory<P extends IProtocol = IProtocol> extends Factory<P> {
  /** The attempt began. */
  startedConnecting(_connector: IConnector): void {}
  /** The attempt failed (refused, timed out, unreachable). */
  clientConnectionFailed(_connector: IConnector, _reason: Error): void {}
  /** An established connection ended; `reason` is null for a clean close. */
  clientConnectionLost(_connector: IConnector, _reason: Error | null): void {}
}

/** The transport fields LineReceiver looks at, when the transport has them. */
interface MaybeDisconnecting {
  readonly disconnecting?: boolean;
}

/**
 * A line-oriented protocol (twisted.protocols.basic.LineReceiver). Bytes
 * are split on `delimiter` (default "\r\n") across chunk boundaries and each
 * line is passed to `lineReceived` decoded with `encoding` (utf8 by default;
 * use 'latin1' to keep bytes 1:1). A line longer than `MAX_LENGTH` bytes
 * (16384) calls `lineLengthExceeded`, which closes the connection by default.
 * `setRawMode()` switches to `rawDataReceived` until `setLineMode()`.
 */
export class LineReceiver extends Protocol {
  /** The line separator. */
  delimiter: string | Buffer = '\r\n';
  /** The longest line accepted, in bytes, not counting the delimiter. */
  MAX_LENGTH = 16384;
  /** How line bytes are decoded for `lineReceived`. */
  encoding: BufferEncoding = 'utf8';
  /** True while in line mode (false after setRawMode). */
  lineMode = true;
  /** While true, buffered data is held back (see pauseLines/resumeLines). */
  paused = false;
  private buffer: Buffer = Buffer.alloc(0);
  private busyReceiving = false;

  private delimiterBytes(): Buffer {
    return typeof this.delimiter === 'string' ? Buffer.from(this.delimiter, this.encoding) : this.delimiter;
  }

  /** Empties the line buffer and returns what it held. */
  clearLineBuffer(): Buffer {
    const b = this.buffer;
    this.buffer = Buffer.alloc(0);
    return b;
  }

  override dataReceived(data: Buffer): void {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    if (this.busyReceiving) return; // a re-entrant call (from lineReceived) is processed by the outer loop
    this.busyReceiving = true;
    try {
      this.processBuffer();
    } finally {
      this.busyReceiving = false;
    }
  }

  private processBuffer(): void {
    while (this.buffer.length > 0 && !this.paused) {
      if (this.lineMode) {
        const delim = this.delimiterBytes();
        const at = this.buffer.indexOf(delim);
        if (at < 0) {
          if (this.buffer.length >= this.MAX_LENGTH + delim.length) {
            const line = this.clearLineBuffer();
            this.lineLengthExceeded(line);
          }
          return;
        }
        const line = this.buffer.subarray(0, at);
        if (line.length > this.MAX_LENGTH) {
          const exceeded = this.clearLineBuffer();
          this.lineLengthExceeded(exceeded);
          return;
        }
        this.buffer = this.buffer.subarray(at + delim.length);
        this.lineReceived(line.toString(this.encoding));
        if ((this.transport as MaybeDisconnecting | null)?.disconnecting) return;
      } else {
        const data = this.clearLineBuffer();
        this.rawDataReceived(data);
      }
    }
  }

  /** Override: one complete line, without the delimiter. */
  lineReceived(_line: string): void {}

  /** Override when using raw mode: bytes received while not in line mode. */
  rawDataReceived(_data: Buffer): void {}

  /** Writes `line` followed by the delimiter. */
  sendLine(line: string | Uint8Array): void {
    const t = this.transport;
    if (t === null) return;
    const body = typeof line === 'string' ? Buffer.from(line, this.encoding) : Buffer.from(line);
    t.write(Buffer.concat([body, this.delimiterBytes()]));
  }

  /** Called with the offending bytes when a line exceeds MAX_LENGTH. Default: close the connection. */
  lineLengthExceeded(_line: Buffer): void {
    this.transport?.loseConnection();
  }

  /** Switches to raw mode: the rest of the buffer and later data go to rawDataReceived. */
  setRawMode(): void {
    this.lineMode = false;
  }

  /** Switches back to line mode; `extra` bytes are processed as if just received. */
  setLineMode(extra: Buffer | string = Buffer.alloc(0)): void {
    this.lineMode = true;
    const b = typeof extra === 'string' ? Buffer.from(extra, this.encoding) : extra;
    if (b.length > 0) this.dataReceived(b);
  }

  /** Holds back line delivery (buffered lines wait) until resumeLines. */
  pauseLines(): void {
    this.paused = true;
  }

  /** Resumes delivery of buffered lines. */
  resumeLines(): void {
    this.paused = false;
    if (!this.busyReceiving) this.dataReceived(Buffer.alloc(0));
  }
}

/**
 * The base datagram (UDP) protocol (Twisted's DatagramProtocol). Override
 * `datagramReceived`; reply with `this.transport.write(data, addr)`.
 */
export class DatagramProtocol implements IDatagramProtocol {
  transport: IDatagramTransport | null = null;
  /** Reference count of the ports using this protocol (doStart/doStop). */
  numPorts = 0;

  /** Called by the port once bound. */
  makeConnection(transport: IDatagramTransport): void {
    this.transport = transport;
    this.doStart();
  }

  /** Runs startProtocol when the first port starts. */
  doStart(): void {
    if (this.numPorts === 0) this.startProtocol();
    this.numPorts += 1;
  }

  /** Runs stopProtocol after the last port stops, and clears the transport. */
  doStop(): void {
    if (this.numPorts === 0) return;
    this.numPorts -= 1;
    if (this.numPorts === 0) {
      this.stopProtocol();
      this.transport = null;
    }
  }

  /** Override: the port is bound. */
  startProtocol(): void {}
  /** Override: the port is closed. */
  stopProtocol(): void {}
  /** Override: a datagram arrived from `addr`. */
  datagramReceived(_data: Buffer, _addr: Address): void {}
}
