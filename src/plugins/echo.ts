/**
 * The `echo` plugin: a TCP echo server (RFC 862), after twisted's
 * `twistd echo`... which Twisted never had as a tap; it is the smallest
 * useful service and the one the benchmarks and runner tests start.
 *
 *   tacd echo [--port 8000] [--interface ADDR]
 *   tacd echo --listen ENDPOINT     (e.g. systemd:domain=INET:name=web; overrides --port/--interface)
 */
import { defineServiceMaker, parsePort } from '../application/service-maker.js';
import { Factory, Protocol } from '../application/protocol.js';
import { TCPServer } from '../application/internet/servers.js';
import type { IService } from '../application/service.js';

/** Writes back every byte it receives. */
export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport?.write(data);
  }
}

export const echoServiceMaker = defineServiceMaker({
  tapname: 'echo',
  description: 'A TCP echo server (RFC 862).',
  options: [
    { long: 'port', short: 'p', description: 'TCP port to listen on.', default: 8000, parse: parsePort },
    { long: 'interface', description: "Address to bind ('' for every IPv4 address).", default: '' },
    { long: 'listen', description: 'Endpoint description to listen on (tcp:7001:interface=::1, systemd:domain=INET:name=web); overrides --port and --interface.', metavar: 'ENDPOINT' },
  ] as const,
  async makeService(o): Promise<IService> {
    const factory = Factory.forProtocol(Echo);
    if (o.listen !== undefined) return (await import('./endpoint-service.js')).endpointService(o.listen, factory);
    return new TCPServer(o.port, factory, { interface: o.interface });
  },
});

export default echoServiceMaker;
