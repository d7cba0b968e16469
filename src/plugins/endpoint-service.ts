/**
 * `--listen ENDPOINT` for plugins: the service for an endpoint description
 * string, from the framework's strports module.
 */
import { UsageError } from '../core/errors.js';
import type { IProtocolFactory } from '../application/interfaces.js';
import type { IService } from '../application/service.js';

/** A service listening on `description` with `factory`. @throws UsageError for a bad description. */
export async function endpointService(description: string, factory: IProtocolFactory): Promise<IService> {
  void factory;
  throw new UsageError(`--listen ${description}: endpoint strings are not available in this build`);
}
