/**
 * The concrete internet services, after twisted.application.internet:
 * TCPServer, UNIXServer, SSLServer (TLSServer), UDPServer and the simple
 * TCPClient/UNIXClient/TLSClient (SSLClient). One file per transport; this
 * module is their import point.
 *
 * A server binds in `privilegedStartService` (so the runner can bind port
 * 80 before dropping privileges); `startService` binds only if that has not
 * happened; `stopService` resolves once the port is closed. The listening
 * port is a runtime handle: it is not part of `toJSON()` and is cleared on
 * stop. Every service takes an optional `network` backend (Twisted's
 * `reactor=`), reused across restarts.
 *
 * Constructors take an options object or Twisted's positional arguments, in
 * Twisted's order (listenTCP, listenSSL, listenUDP, listenUNIX, connectTCP,
 * connectUNIX, connectSSL), optionally followed by `{ network }`:
 *
 * ```ts
 * new TCPServer(8080, f, { interface: '127.0.0.1', backlog: 1024 });
 * new TCPServer(8080, f, 50, '127.0.0.1');          // TCPServer(8080, f, 50, '127.0.0.1')
 * new SSLServer(443, f, { privateKey: 'k.pem' }, 50, '::');
 * new UDPServer(53, proto, '127.0.0.1', 8192);
 * new UNIXServer('/run/x.sock', f, 50, 0o660, true);
 * ```
 *
 * An argument of an unexpected type, or an unknown option, is a TypeError
 * naming it; null and undefined stand for Python's None (the default).
 */
export type { NetworkServiceOptions } from './service-args.js';
export { AbstractServer } from './abstract-server.js';
export { TCPServer, type TCPServerOptions } from './tcp-server.js';
export { UNIXServer, type UNIXServerOptions } from './unix-server.js';
export { SSLServer, TLSServer, type SSLServerOptions } from './tls-server.js';
export { UDPServer, type UDPServerOptions } from './udp-server.js';
export { AbstractClient, TCPClient, UNIXClient, type ClientOptions } from './clients.js';
export { TLSClient, SSLClient, type TLSClientOptions } from './tls-client.js';
