/**
 * tacd: Twisted's Application framework for Node. Apps import from 'tacd'.
 */
export * from './application/service.js';
export * from './application/multi-service.js';
export * from './application/application.js';
export * from './application/logger/logger.js';
export * from './application/logger/format.js';
// Clocks, TimerService, ClientService and the plugin contract (service-tree engineer).
export * from './application/clock.js';
export * from './application/timer-service.js';
export * from './application/client-service.js';
export * from './application/service-maker.js';
export { TacError, UsageError, DataError, NoInputError, CantCreateError } from './core/errors.js';
export { ExitCode } from './core/exit-codes.js';
// Protocols, transports and the internet services (network engineer).
export * from './application/protocol.js';
export * from './application/internet/servers.js';
export { NetworkError, CannotListenError, ConnectError, ConnectionLostError, NoProtocolError, CancelledError } from './application/internet/errors.js';
export { nodeNetwork, StreamListeningPort, UDPPort, Connector, connectSSL } from './application/internet/ports.js';
export type { NetworkBackend, ConnectorObserver, ConnectOptions, TLSConnectOptions, SocketDomain, TCPListenOptions, UNIXListenOptions, TLSListenOptions, UDPListenOptions } from './application/internet/ports.js';
export { SocketTransport, disconnectAll, openConnectionCount, describeAddress } from './application/internet/tcp-transport.js';
export { cancellable } from './application/internet/cancellable.js';
// Endpoints, endpoint strings, socket activation, strports (network engineer).
export * from './application/endpoints/endpoints.js';
export { serverFromString, clientFromString, parseDescription, registerServerEndpointParser, registerClientEndpointParser, EndpointError } from './application/endpoints/parse.js';
export type { EndpointParseOptions, ParsedDescription, ServerEndpointParser, ClientEndpointParser } from './application/endpoints/parse.js';
export { ListenFDs, processListenFDs, SD_LISTEN_FDS_START } from './application/endpoints/listen-fds.js';
export { StreamServerEndpointService } from './application/internet/endpoint-service.js';
export * as strports from './application/strports.js';
// Twisted's service.loadApplication: the tac loader (esbuild, for .tac.ts files, is imported only when one is loaded).
export { loadApplication } from './runner/tac-loader.js';
// HTTP services: HTTPServer (request listener, Express, Koa, Fastify, node:http Server) with a graceful drain.
export { HTTPServer, DEFAULT_DRAIN_TIMEOUT } from './application/web/http-server.js';
export type { HTTPServerOptions } from './application/web/http-server.js';
export type { HTTPHandler, KoaLike, FastifyLike } from './application/web/handler.js';
export { credential, credentialBytes, credentialPath } from './application/web/credential.js';
export type { CredentialOptions } from './application/web/credential.js';
