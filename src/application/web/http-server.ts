/**
 * HTTPServer: an HTTP application (a request listener, Express, Koa,
 * Fastify or a node:http Server) served on any server endpoint as a
 * service of the tree.
 *
 * ```ts
 * new HTTPServer('tcp:8080:interface=127.0.0.1', app).setServiceParent(application);
 * new HTTPServer('systemd:domain=INET:name=web', app, { drainTimeout: 20 });
 * ```
 *
 * - It listens through the endpoint (tcp:, tcp6:, unix:, ssl:, systemd:)
 *   in privilegedStartService, before the runner drops privileges; a start
 *   resolves once it listens (readiness), and fails with the address when
 *   it cannot (a port in use).
 * - stopService stops accepting, closes idle keep-alive connections (after
 *   a moment for a request already on its way), lets requests in flight finish (with `Connection: close`) for up
 *   to `drainTimeout` seconds (default 10, well under systemd's 90 s
 *   TimeoutStopSec), then destroys what is left, upgraded sockets included.
 *   A Fastify instance is closed (its onClose hooks run) after that.
 */
import type http from 'node:http';
import net from 'node:net';
import type { IStreamServerEndpoint } from '../interfaces.js';
import { Factory, Protocol } from '../protocol.js';
import { serverFromString, type EndpointParseOptions } from '../endpoints/parse.js';
import { StreamServerEndpointService } from '../internet/endpoint-service.js';
import { argError, checkArity, checkOptions, optNumber } from '../internet/args.js';
import { HTTPConnections } from './connections.js';
import { resolveHandler, type HTTPHandler, type ResolvedHandler } from './handler.js';

/** Options of HTTPServer. */
export interface HTTPServerOptions extends EndpointParseOptions {
  /** Seconds a stop waits for requests in flight before cutting them (default 10). */
  readonly drainTimeout?: number;
}

/** The default drain deadline, in seconds. */
export const DEFAULT_DRAIN_TIMEOUT = 10;

const WHERE = 'HTTPServer';
const OPTION_KEYS = ['drainTimeout', 'network', 'listenFDs'] as const;

/** Hands each accepted socket to the connections tracker. */
class HTTPBridge extends Protocol {
  private readonly connections: HTTPConnections;
  constructor(connections: HTTPConnections) {
    super();
    this.connections = connections;
  }
  override connectionMade(): void {
    const socket = (this.transport as unknown as { socket?: unknown }).socket;
    if (socket instanceof net.Socket) this.connections.accept(socket);
    else this.transport?.abortConnection();
  }
}

function endpointOf(endpoint: unknown, options: HTTPServerOptions): IStreamServerEndpoint {
  if (typeof endpoint === 'string') return serverFromString(endpoint, options);
  if (typeof endpoint === 'object' && endpoint !== null && typeof (endpoint as { listen?: unknown }).listen === 'function') return endpoint as IStreamServerEndpoint;
  throw argError(WHERE, 'endpoint', "an endpoint description string ('tcp:8080', 'unix:/run/app.sock', 'ssl:8443:privateKey=key.pem:certKey=cert.pem', 'systemd:domain=INET:index=0') or a server endpoint", endpoint);
}

function drainTimeoutOf(options: HTTPServerOptions): number {
  const t = optNumber(WHERE, 'drainTimeout', options.drainTimeout, 'a number of seconds (>= 0)');
  if (t !== undefined && (t < 0 || !Number.isFinite(t))) throw new RangeError(`${WHERE}: drainTimeout must be a finite number of seconds >= 0, got ${t}`);
  return t ?? DEFAULT_DRAIN_TIMEOUT;
}

/** Serves an HTTP handler on a server endpoint, with a graceful drain on stop. */
export class HTTPServer extends StreamServerEndpointService {
  /** Seconds a stop waits for requests in flight. */
  readonly drainTimeout: number;
  private readonly handler: ResolvedHandler;
  private readonly connections: HTTPConnections;
  private prepared: Promise<void> | null = null;
  private starting: Promise<void> | null = null;
  private generation = 0;

  /**
   * @throws TypeError for a handler, endpoint or option of the wrong kind;
   * EndpointError (a DataError) for a malformed description string.
   */
  constructor(endpoint: string | IStreamServerEndpoint, handler: HTTPHandler, options?: HTTPServerOptions, ...rest: never[]) {
    checkArity(WHERE, [endpoint, handler, options, ...rest], 3, 'new HTTPServer(endpoint, handler, { drainTimeout })');
    const opts = checkOptions<HTTPServerOptions>(WHERE, 'options', options, OPTION_KEYS);
    const resolved = resolveHandler(WHERE, handler);
    const connections = new HTTPConnections(resolved.server);
    super(endpointOf(endpoint, opts), new Factory(() => new HTTPBridge(connections)));
    this.drainTimeout = drainTimeoutOf(opts);
    this.handler = resolved;
    this.connections = connections;
    this.raiseSynchronously = true;
  }

  /** Unnamed, it logs as 'HTTPServer listening on ...'. */
  protected override get label(): string {
    return WHERE;
  }

  /** The http.Server the requests go through (attach 'upgrade' listeners, e.g. a WebSocket server, here). */
  get server(): http.Server {
    return this.handler.server;
  }

  /** Open connections (for tests and diagnostics). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Readies the handler (Fastify's ready()), then listens; a start resolves once listening. */
  override privilegedStartService(): Promise<void> {
    this.starting ??= this.listenOnce().catch((e: unknown) => {
      this.starting = null; // a failed start may be retried
      throw e;
    });
    return this.loggedIfIgnored(this.starting);
  }

  /** Stops accepting and drains (see the module notes); a Fastify instance is closed afterwards. */
  override async stopService(): Promise<void> {
    this.generation += 1;
    this.starting = null;
    const draining = this.connections.drain(this.drainTimeout);
    try {
      await super.stopService();
    } finally {
      this.connections.closed(); // connections accepted until the port closed are drained too
    }
    const report = await draining;
    if (report.open > 0) this.log.info('{service} drained {open} connections ({idle} idle, {cut} cut at the {timeout} s deadline)', { service: this.name ?? this.label, ...report, timeout: this.drainTimeout });
    await this.handler.close?.();
  }

  /** Destroys every connection at once (the runner's last step before exit). */
  override closeAllConnections(): void {
    this.connections.destroyAll();
    super.closeAllConnections();
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), handler: this.handler.kind, drainTimeout: this.drainTimeout };
  }

  private async listenOnce(): Promise<void> {
    const generation = this.generation;
    await this.prepare();
    if (generation !== this.generation) return; // stopped meanwhile
    this.connections.reset();
    await super.privilegedStartService();
  }

  private prepare(): Promise<void> {
    this.prepared ??= this.handler.ready?.() ?? Promise.resolve();
    return this.prepared;
  }
}
