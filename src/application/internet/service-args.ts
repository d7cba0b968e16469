/**
 * The argument checks the network services share: the `{ network }`
 * option (Twisted's reactor=), paths and host names.
 */
import type { NetworkBackend } from './network.js';
import { argError, checkOptions } from './args.js';

/** Options every network service accepts. */
export interface NetworkServiceOptions {
  /** The network backend (default: the real one). */
  readonly network?: NetworkBackend;
}

export function checkNetwork(where: string, options: NetworkServiceOptions): void {
  const n: unknown = options.network;
  if (n !== undefined && (typeof n !== 'object' || n === null)) throw argError(where, 'network', 'a NetworkBackend object', n);
}

// The trailing `{ network }` after positional arguments (Twisted's reactor= keyword).
export function trailingNetwork(where: string, value: unknown): NetworkServiceOptions {
  const o = checkOptions<NetworkServiceOptions>(where, 'the last argument', value, ['network']);
  checkNetwork(where, o);
  return o;
}

export function checkPath(where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw argError(where, 'path', 'a non-empty string', value);
  return value;
}

export function drop<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function checkHost(where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw argError(where, 'host', 'a non-empty string', value);
  return value;
}
