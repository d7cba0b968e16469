/**
 * UDP ports (Twisted's listenUDP): a bound datagram socket and the
 * transport its protocol writes through. dgram is loaded on first use.
 */
import type dgram from 'node:dgram';
import { createRequire } from 'node:module';
import type { Address, IDatagramProtocol, IDatagramTransport, IListeningPort } from '../interfaces.js';
import { CannotListenError, describeSystemError, errnoOf } from './errors.js';
import type { UDPListenOptions } from './network.js';
import { bindHost } from './stream-port.js';

// An echo or web daemon that never binds UDP does not pay for loading dgram.
const loadDgram = (): typeof dgram => createRequire(import.meta.url)('node:dgram') as typeof dgram;

/** The transport a UDP port gives its protocol. */
class UDPTransport implements IDatagramTransport {
  private readonly socket: dgram.Socket;
  constructor(socket: dgram.Socket) {
    this.socket = socket;
  }
  write(data: Uint8Array | string, addr: { host: string; port: number }): void {
    this.socket.send(data, addr.port, addr.host);
  }
  getHost(): Address {
    const a = this.socket.address();
    return { type: a.family === 'IPv6' ? 'UDP6' : 'UDP', host: a.address, port: a.port };
  }
}

/** A bound UDP port. */
export class UDPPort implements IListeningPort {
  private closing: Promise<void> | null = null;
  readonly socket: dgram.Socket;
  readonly protocol: IDatagramProtocol;
  constructor(socket: dgram.Socket, protocol: IDatagramProtocol) {
    this.socket = socket;
    this.protocol = protocol;
  }

  getHost(): Address {
    const a = this.socket.address();
    return { type: a.family === 'IPv6' ? 'UDP6' : 'UDP', host: a.address, port: a.port };
  }

  /** Closes the socket; resolves once it is closed (the port can be bound again). */
  stopListening(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      this.socket.close(() => {
        const p = this.protocol as IDatagramProtocol & { doStop?: () => void };
        if (typeof p.doStop === 'function') p.doStop();
        else p.stopProtocol();
        resolve();
      });
    });
    return this.closing;
  }
}

/** Binds a UDP port (Twisted's listenUDP) and hands `protocol` its transport. */
export async function listenUDP(port: number, protocol: IDatagramProtocol, options: UDPListenOptions = {}): Promise<IListeningPort> {
  const host = bindHost(options.interface);
  const six = host.includes(':');
  const address = six ? `udp6 [${host}]:${port}` : `udp ${host}:${port}`;
  const socket = loadDgram().createSocket({ type: six ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => {
      socket.close();
      reject(new CannotListenError(address, describeSystemError(e), { cause: e, errno: errnoOf(e) }));
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  const max = options.maxPacketSize;
  socket.on('message', (msg, rinfo) => {
    protocol.datagramReceived(max !== undefined && msg.length > max ? msg.subarray(0, max) : msg, { type: rinfo.family === 'IPv6' ? 'UDP6' : 'UDP', host: rinfo.address, port: rinfo.port });
  });
  socket.on('error', () => {}); // ICMP errors on send; UDP has no connection to lose
  protocol.makeConnection(new UDPTransport(socket));
  return new UDPPort(socket, protocol);
}

