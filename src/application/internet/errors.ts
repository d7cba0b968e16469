/**
 * Errors raised by the network layer (ports, connections, endpoints), after
 * twisted.internet.error. Each carries a stable code and a one-line message
 * that names the address at fault.
 */
import { TacError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';

/** Human text for the errno codes a bind or connect commonly fails with. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EADDRNOTAVAIL: 'address not available',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOENT: 'no such file or directory',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'temporary failure in name resolution',
  ETIMEDOUT: 'timed out',
  EBADF: 'bad file descriptor',
  ENOTSOCK: 'not a socket',
  EINVAL: 'invalid argument',
  EPIPE: 'broken pipe',
};

/** The errno code of a Node system error ('EADDRINUSE'), if any. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "address already in use" for EADDRINUSE; the error's own first line otherwise. */
export function describeSystemError(e: unknown): string {
  const code = errnoOf(e);
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.message;
  return String(e);
}

/** The base of every network error. */
export class NetworkError extends TacError {}
NetworkError.prototype.name = 'NetworkError';

/**
 * A port could not be opened: "cannot listen on tcp 127.0.0.1:8080: address
 * already in use". `address` is the description used in the message and
 * `errno` the system code, when there was one.
 */
export class CannotListenError extends NetworkError {
  readonly address: string;
  readonly errno: string | undefined;
  constructor(address: string, reason: string, options: { cause?: unknown; errno?: string } = {}) {
    super('tacd.net.cannotListen', `cannot listen on ${address}: ${reason}`, { exitCode: ExitCode.OSERR, cause: options.cause });
    this.address = address;
    this.errno = options.errno;
  }
}
CannotListenError.prototype.name = 'CannotListenError';

/** A connection attempt failed: "cannot connect to tcp 127.0.0.1:1: connection refused". */
export class ConnectError extends NetworkError {
  readonly address: string;
  readonly errno: string | undefined;
  constructor(address: string, reason: string, options: { cause?: unknown; errno?: string; code?: string } = {}) {
    super(options.code ?? 'tacd.net.connect', `cannot connect to ${address}: ${reason}`, { exitCode: ExitCode.UNAVAILABLE, cause: options.cause });
    this.address = address;
    this.errno = options.errno;
  }
}
ConnectError.prototype.name = 'ConnectError';

/** An established connection ended uncleanly (reset, aborted, failed write). */
export class ConnectionLostError extends NetworkError {
  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(options.code ?? 'tacd.net.connectionLost', message, { cause: options.cause });
  }
}
ConnectionLostError.prototype.name = 'ConnectionLostError';

/** The factory refused to build a protocol for a connection (buildProtocol returned null). */
export class NoProtocolError extends NetworkError {
  constructor(address: string) {
    super('tacd.net.noProtocol', `the factory built no protocol for the connection to ${address}`);
  }
}
NoProtocolError.prototype.name = 'NoProtocolError';

/**
 * Twisted's CancelledError, the one cancellation error of the framework: a
 * pending listen or connect that was cancelled ('<what> was cancelled'), or a
 * ClientService.whenConnected() waiter when the service stops.
 */
export class CancelledError extends TacError {
  constructor(message: string, code = 'tacd.cancelled') {
    // code: tacd.net.cancelled (endpoints), tacd.client.cancelled (ClientService)
    super(code, message);
  }
}
CancelledError.prototype.name = 'CancelledError';
