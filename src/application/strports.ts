/**
 * Services from endpoint description strings, after twisted.application.strports.
 *
 * ```ts
 * import { strports, Factory } from 'tacd';
 * strports.service('tcp:8080:interface=127.0.0.1', Factory.forProtocol(Echo)).setServiceParent(application);
 * ```
 */
import type { IListeningPort, IProtocolFactory } from './interfaces.js';
import { serverFromString, type EndpointParseOptions } from './endpoints/parse.js';
import { StreamServerEndpointService } from './internet/endpoint-service.js';

/**
 * A StreamServerEndpointService listening on `description` with `factory`,
 * with `raiseSynchronously` set: a listen failure (a port in use) makes
 * the start throw, with the address in the message, so the runner fails at
 * startup.
 * @throws EndpointError (a DataError) at once for a malformed description.
 */
export function service(description: string, factory: IProtocolFactory, options: EndpointParseOptions = {}): StreamServerEndpointService {
  const svc = new StreamServerEndpointService(serverFromString(description, options), factory);
  svc.raiseSynchronously = true;
  return svc;
}

/** Listens on `description` with `factory` right away (no service); resolves with the port. */
export function listen(description: string, factory: IProtocolFactory, options: EndpointParseOptions = {}): Promise<IListeningPort> {
  return serverFromString(description, options).listen(factory);
}
