/**
 * `--listen ENDPOINT` for plugins: the service for an endpoint description
 * string (tcp:7001:interface=::1, unix:/run/x.sock,
 * systemd:domain=INET:name=web), built by the framework's strports module.
 * A description that does not parse is a usage error of the option (64).
 */
import { isTacError, UsageError } from '../core/errors.js';
import { service } from '../application/strports.js';
import type { IProtocolFactory, IStreamServerEndpoint } from '../application/interfaces.js';
import { serverFromString } from '../application/endpoints/parse.js';
import type { IService } from '../application/service.js';

/** A service listening on `description` with `factory`. @throws UsageError naming --listen for a bad description. */
export function endpointService(description: string, factory: IProtocolFactory): IService {
  try {
    return service(description, factory);
  } catch (e) {
    if (isTacError(e)) throw new UsageError(`--listen: ${e.message}`, { code: 'tacd.plugin.listen', cause: e });
    throw e;
  }
}

/** The server endpoint for `description`. @throws UsageError naming --listen for a bad description. */
export function listenEndpoint(description: string): IStreamServerEndpoint {
  try {
    return serverFromString(description);
  } catch (e) {
    if (isTacError(e)) throw new UsageError(`--listen: ${e.message}`, { code: 'tacd.plugin.listen', cause: e });
    throw e;
  }
}
