/**
 * The real network backend over Node's net, tls and dgram modules
 * (Twisted's reactor.listenTCP/listenUNIX/listenSSL/listenUDP/
 * adoptStreamPort/connectTCP/connectUNIX), and the one import point of
 * everything network: the contract (network.ts), the ports by transport
 * (tcp-port, tls-port, unix-port, udp-port, stream-port) and connector.ts.
 *
 * Services and endpoints take a `NetworkBackend` (Twisted's `reactor=`
 * argument) so tests can inject a fake; `nodeNetwork` is the real one.
 */
import type { NetworkBackend } from './network.js';
import { adoptStreamPort, listenTCP } from './tcp-port.js';
import { listenSSL } from './tls-port.js';
import { listenUNIX } from './unix-port.js';
import { listenUDP } from './udp-port.js';
import { connectTCP, connectUNIX } from './connector.js';

export { DEFAULT_BACKLOG } from './network.js';
export type { NetworkBackend, ConnectorObserver, ConnectOptions, TLSConnectOptions, SocketDomain, TCPListenOptions, UNIXListenOptions, TLSListenOptions, UDPListenOptions } from './network.js';
export { StreamListeningPort } from './stream-port.js';
export { listenTCP, adoptStreamPort } from './tcp-port.js';
export { listenSSL } from './tls-port.js';
export { listenUNIX } from './unix-port.js';
export { UDPPort, listenUDP } from './udp-port.js';
export { Connector, connectTCP, connectSSL, connectUNIX } from './connector.js';
export { TLS_METHODS, type TLSMethod } from './tls-method.js';

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
