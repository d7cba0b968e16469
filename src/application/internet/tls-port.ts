/**
 * Listening with TLS over TCP (Twisted's listenSSL), the protocol versions
 * limited by `sslmethod`. tls (with crypto) is loaded on first use: a daemon
 * that never speaks TLS does not pay ~4 MB of RSS and its load time.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { createRequire } from 'node:module';
import type { IListeningPort, IProtocolFactory } from '../interfaces.js';
import { CannotListenError, describeSystemError } from './errors.js';
import { DEFAULT_BACKLOG, type TLSListenOptions } from './network.js';
import { StreamListeningPort, bindHost, listenServer } from './stream-port.js';
import { tlsMethodOptions } from './tls-method.js';

/** Node's tls module, loaded on first use. */
export const loadTls = (): typeof tls => createRequire(import.meta.url)('node:tls') as typeof tls;

function createTLSServer(options: TLSListenOptions, address: string): tls.Server {
  const versions = tlsMethodOptions(options.sslmethod);
  try {
    return loadTls().createServer({ ...options.tlsOptions, ...versions, key: options.key, cert: options.cert });
  } catch (e) {
    throw new CannotListenError(address, `invalid TLS key or certificate: ${describeSystemError(e)}`, { cause: e });
  }
}

/** Listens with TLS over TCP (Twisted's listenSSL). */
export async function listenSSL(port: number, factory: IProtocolFactory, options: TLSListenOptions): Promise<IListeningPort> {
  const host = bindHost(options.interface);
  const address = `ssl ${host.includes(':') ? `[${host}]` : host}:${port}`;
  const server = createTLSServer(options, address);
  await listenServer(server, { port, host, backlog: options.backlog ?? DEFAULT_BACKLOG, exclusive: true }, address);
  const a = server.address() as net.AddressInfo;
  return new StreamListeningPort(server, factory, `ssl ${a.address}:${a.port}`, { secure: true });
}
