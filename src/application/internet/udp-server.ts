/**
 * UDPServer: a datagram protocol bound to a UDP port (Twisted's
 * internet.UDPServer, listenUDP's arguments).
 */
import type { IDatagramProtocol, IListeningPort } from '../interfaces.js';
import { AbstractServer } from './abstract-server.js';
import { argError, checkArity, checkPort, optInteger, optionsForm, optString } from './args.js';
import { checkNetwork, drop, trailingNetwork, type NetworkServiceOptions } from './service-args.js';

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
