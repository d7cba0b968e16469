/**
 * Listening on TCP (Twisted's listenTCP) and on an inherited, already
 * listening stream socket (systemd socket activation, adoptStreamPort).
 */
import net from 'node:net';
import type { IListeningPort, IProtocolFactory } from '../interfaces.js';
import { DEFAULT_BACKLOG, type SocketDomain, type TCPListenOptions } from './network.js';
import { StreamListeningPort, bindHost, listenServer, tcpDescription } from './stream-port.js';

/** Listens on TCP (Twisted's listenTCP). Rejects with CannotListenError naming the address. */
export async function listenTCP(port: number, factory: IProtocolFactory, options: TCPListenOptions = {}): Promise<IListeningPort> {
  const host = bindHost(options.interface);
  const server = net.createServer({ allowHalfOpen: false });
  await listenServer(server, { port, host, backlog: options.backlog ?? DEFAULT_BACKLOG, exclusive: true }, tcpDescription(host, port));
  const a = server.address() as net.AddressInfo;
  return new StreamListeningPort(server, factory, tcpDescription(a.address, a.port));
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
