/**
 * StreamServerEndpointService, after twisted.application.internet: a
 * service that listens on a server endpoint with a factory.
 *
 * - `privilegedStartService` calls `endpoint.listen(factory)` once and
 *   awaits it (Node binds asynchronously; the runner drops privileges only
 *   after every bind). A failure is logged, not thrown, unless
 *   `raiseSynchronously` is set (strports.service sets it), in which case
 *   the first start rethrows it and the flag is cleared.
 * - `startService` sets running and listens only if that has not happened.
 * - `stopService` cancels a pending listen (the port, if it opens anyway, is
 *   closed at once; the cancellation is not logged) or stops the port, and
 *   sets running to false only after that completes.
 *
 * Deviation: stopping before any start resolves at once (Twisted raises
 * AttributeError).
 */
import { Service } from '../service.js';
import type { IListeningPort, IProtocolFactory, IStreamServerEndpoint } from '../interfaces.js';
import { CancelledError } from './errors.js';
import { describeAddress } from './tcp-transport.js';

function isCancellation(e: unknown): boolean {
  return e instanceof CancelledError;
}

/** Serves `factory` on `endpoint` as a service. */
export class StreamServerEndpointService extends Service {
  readonly endpoint: IStreamServerEndpoint;
  readonly factory: IProtocolFactory;
  /** When true, a listen failure makes the next (privileged)startService throw instead of only logging (Twisted's _raiseSynchronously). */
  raiseSynchronously = false;
  private waitingForPort: Promise<IListeningPort | null> | null = null;
  private pendingListen: Promise<IListeningPort> | null = null;
  /** The latest listen attempt; a stop cancels it, a start after that stop makes a new one. */
  private attempt: { cancelled: boolean } = { cancelled: false };
  private _port: IListeningPort | null = null;
  /** Ports closed by stopService whose accepted connections may still be open (for closeAllConnections). */
  private readonly stoppedPorts = new Set<IListeningPort>();

  constructor(endpoint: IStreamServerEndpoint, factory: IProtocolFactory) {
    super();
    this.endpoint = endpoint;
    this.factory = factory;
  }

  /** What the log lines call an unnamed service: its class's own label (HTTPServer overrides it; class names do not survive minifying). */
  protected get label(): string {
    return 'StreamServerEndpointService';
  }

  /** The listening port once the listen succeeded, else null. */
  get port(): IListeningPort | null {
    return this._port;
  }

  /** Listens on the endpoint (once) and waits for the outcome; see the module notes for errors. */
  override privilegedStartService(): Promise<void> {
    // Everything up to the listen call runs synchronously, so that a stopService
    // called right after (without awaiting) sees the pending listen and cancels it.
    void super.privilegedStartService();
    const raise = this.raiseSynchronously;
    const attempt = { cancelled: false };
    this.attempt = attempt;
    let failure: { error: unknown } | null = null;
    let listening: Promise<IListeningPort>;
    try {
      listening = this.endpoint.listen(this.factory);
    } catch (e) {
      listening = Promise.reject(e);
    }
    this.pendingListen = listening;
    const waiting = listening.then(
      async (port): Promise<IListeningPort | null> => {
        if (this.pendingListen === listening) this.pendingListen = null;
        if (attempt.cancelled) {
          // Stopped while listening: Node cannot abort a bind, so close the port at once.
          await port.stopListening();
          return null;
        }
        this._port = port;
        this.log.info('{service} listening on {address}', { service: this.name ?? this.label, address: describeAddress(port.getHost(), this.endpoint.describe()) });
        return port;
      },
      (e: unknown): null => {
        if (this.pendingListen === listening) this.pendingListen = null;
        if (attempt.cancelled && isCancellation(e)) return null;
        if (raise && !attempt.cancelled) failure = { error: e };
        else this.log.failure('Error listening on {endpoint}', e, { endpoint: this.endpoint.describe() });
        return null;
      },
    );
    this.waitingForPort = waiting;
    // Safe to ignore: a raised failure nobody awaits is logged instead of ending the process.
    return this.loggedIfIgnored(
      waiting.then(() => {
        this.raiseSynchronously = false;
        if (failure !== null) {
          if (this.waitingForPort === waiting) this.waitingForPort = null; // a failed start may be retried
          throw (failure as { error: unknown }).error;
        }
      }),
    );
  }

  /** Sets running; listens only if privilegedStartService has not, or a stop cancelled that listen. */
  override startService(): Promise<void> {
    void super.startService();
    return this.waitingForPort === null || this.attempt.cancelled ? this.privilegedStartService() : Promise.resolve();
  }

  /** Cancels a pending listen or closes the port; resolves (with nothing) once done, then clears running. */
  override async stopService(): Promise<void> {
    const waiting = this.waitingForPort;
    if (waiting === null) {
      await super.stopService();
      return;
    }
    const attempt = this.attempt;
    attempt.cancelled = true;
    const pending = this.pendingListen as (Promise<IListeningPort> & { cancel?: () => void }) | null;
    if (pending !== null && typeof pending.cancel === 'function') pending.cancel();
    try {
      const port = await waiting;
      if (port !== null) {
        if (port.closeAllConnections) this.stoppedPorts.add(port);
        await port.stopListening();
      }
    } finally {
      // A start that came after this stop owns the service now: leave it running.
      if (this.attempt === attempt) {
        this.waitingForPort = null;
        this._port = null;
        await super.stopService();
      }
    }
  }

  /**
   * Aborts every connection the port accepted, including those still open
   * after stopService closed the port (the runner's last step before exit).
   */
  closeAllConnections(): void {
    this._port?.closeAllConnections?.();
    for (const p of this.stoppedPorts) p.closeAllConnections?.();
    this.stoppedPorts.clear();
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), endpoint: this.endpoint.describe() };
  }
}
