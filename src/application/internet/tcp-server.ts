/**
 * TCPServer: a protocol factory served on a TCP port (Twisted's
 * internet.TCPServer, listenTCP's arguments).
 */
import type { IListeningPort, IProtocolFactory } from '../interfaces.js';
import { DEFAULT_BACKLOG } from './network.js';
import { AbstractServer } from './abstract-server.js';
import { checkArity, checkFactory, checkPort, optInteger, optionsForm, optString } from './args.js';
import { checkNetwork, drop, trailingNetwork, type NetworkServiceOptions } from './service-args.js';

/** Options of TCPServer. */
export interface TCPServerOptions extends NetworkServiceOptions {
  /** The address to bind ('' or absent: every IPv4 address; '::' for IPv6). */
  readonly interface?: string;
  /** Listen backlog (default 511, DEFAULT_BACKLOG). */
  readonly backlog?: number;
}

export const TCP_KEYS = ['network', 'interface', 'backlog'] as const;

export function checkTcpOptions(where: string, o: TCPServerOptions): TCPServerOptions {
  checkNetwork(where, o);
  optInteger(where, 'backlog', o.backlog);
  optString(where, 'interface', o.interface);
  return o;
}

// (options) or (backlog, interface, { network }), as listenTCP(port, factory, backlog=50, interface=''); our backlog default is 511.
function tcpServerArgs(where: string, rest: readonly unknown[]): TCPServerOptions {
  checkArity(where, rest, 3, '(port, factory, options?) or (port, factory, backlog?, interface?, { network }?)');
  const given = optionsForm<TCPServerOptions>(where, rest, TCP_KEYS);
  if (given) return checkTcpOptions(where, given);
  const [a, b, c] = rest;
  const backlog = optInteger(where, 'backlog', a, 'an integer listen backlog or an options object');
  const iface = optString(where, 'interface', b, 'a string (the address to bind)');
  return drop({ ...trailingNetwork(where, c), backlog, interface: iface });
}

/**
 * Serves a protocol factory on a TCP port: `new TCPServer(8080, Factory.forProtocol(Echo))`.
 * Port 0 picks a free port. Takes `{ interface, backlog, network }` or
 * Twisted's positional `(port, factory, backlog, interface)`.
 */
export class TCPServer extends AbstractServer {
  readonly portNumber: number;
  readonly factory: IProtocolFactory;
  readonly options: TCPServerOptions;
  constructor(portNumber: number, factory: IProtocolFactory, options?: TCPServerOptions);
  constructor(portNumber: number, factory: IProtocolFactory, backlog?: number | null, iface?: string | null, options?: NetworkServiceOptions);
  constructor(portNumber: number, factory: IProtocolFactory, ...rest: unknown[]) {
    const options = tcpServerArgs('TCPServer', rest);
    super(options);
    this.portNumber = checkPort('TCPServer', portNumber);
    this.factory = checkFactory('TCPServer', factory);
    this.options = options;
  }
  protected getPort(): Promise<IListeningPort> {
    return this.network.listenTCP(this.portNumber, this.factory, { interface: this.options.interface ?? '', backlog: this.options.backlog ?? DEFAULT_BACKLOG });
  }
  describe(): string {
    const i = this.options.interface || '0.0.0.0';
    return i.includes(':') ? `tcp6 [${i}]:${this.portNumber}` : `tcp ${i}:${this.portNumber}`;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), port: this.portNumber, interface: this.options.interface ?? '', backlog: this.options.backlog ?? DEFAULT_BACKLOG };
  }
}
