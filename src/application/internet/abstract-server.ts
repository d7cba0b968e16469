/**
 * The shared lifecycle of the server services (Twisted's _AbstractServer).
 *
 * A server binds in `privilegedStartService` (so the runner can bind port
 * 80 before dropping privileges); `startService` binds only if that has not
 * happened; `stopService` resolves once the port is closed. The listening
 * port is a runtime handle: it is not part of `toJSON()` and is cleared on
 * stop. The `network` backend (Twisted's `reactor=`) is reused across restarts.
 */
import { Service } from '../service.js';
import type { Address, IListeningPort } from '../interfaces.js';
import { nodeNetwork, type NetworkBackend } from './ports.js';
import { describeAddress } from './tcp-transport.js';
import type { NetworkServiceOptions } from './service-args.js';

/**
 * The shared lifecycle of the server services (Twisted's _AbstractServer).
 * Subclasses implement `getPort()`.
 */
export abstract class AbstractServer extends Service {
  /** The backend used to listen; the same one on every (re)start. */
  readonly network: NetworkBackend;
  private _port: IListeningPort | null = null;
  private binding: Promise<IListeningPort> | null = null;
  /** False once stopService ran and no start came after it: a bind still pending then is closed when it completes. */
  private wanted = false;
  /** Ports closed by stopService whose accepted connections may still be open (for closeAllConnections). */
  private readonly stoppedPorts = new Set<IListeningPort>();

  constructor(options: NetworkServiceOptions = {}) {
    super();
    this.network = options.network ?? nodeNetwork;
  }

  /** Opens the port (one listen call). */
  protected abstract getPort(): Promise<IListeningPort>;

  /** What the service listens on, for logs ("tcp 0.0.0.0:8080"). */
  abstract describe(): string;

  /** The listening port, or null when not bound. */
  get port(): IListeningPort | null {
    return this._port;
  }

  private bind(): Promise<IListeningPort> {
    this.wanted = true;
    if (this._port !== null) return Promise.resolve(this._port);
    if (this.binding === null) {
      this.binding = this.getPort().then(
        (port) => {
          this.binding = null;
          this._port = port;
          this.log.info('{service} listening on {address}', { service: this.constructor.name, address: describeAddress(port.getHost(), this.describe()) });
          return port;
        },
        (e: unknown) => {
          this.binding = null;
          throw e;
        },
      );
    }
    return this.binding;
  }

  /**
   * Binds the port; rejects with CannotListenError naming the address. The
   * listen call is made synchronously. The Promise is safe to ignore: a
   * failure nobody awaits is logged instead of ending the process.
   */
  override privilegedStartService(): Promise<void> {
    void super.privilegedStartService();
    return this.loggedIfIgnored(this.bind().then(() => undefined));
  }

  /** Marks running and binds only if privilegedStartService has not. The Promise is safe to ignore, as privilegedStartService's. */
  override startService(): Promise<void> {
    void super.startService();
    return this.loggedIfIgnored(this.bind().then(() => undefined));
  }

  /**
   * Clears running, closes the port and resolves once it is closed. Accepted
   * connections stay open (see closeAllConnections). A bind still pending is
   * awaited and closed, unless a start came while it was pending: that
   * start keeps the port (start, stop, start ends running with one port).
   */
  override async stopService(): Promise<void> {
    void super.stopService();
    this.wanted = false;
    const pending = this.binding;
    if (pending !== null) {
      try {
        await pending;
      } catch {
        return;
      }
      if (this.wanted) return;
    }
    const port = this._port;
    this._port = null;
    if (port !== null) {
      if (port.closeAllConnections) this.stoppedPorts.add(port);
      await port.stopListening();
    }
  }

  /** The bound address (null when not bound); with port 0, the port the system chose. */
  getHost(): Address | null {
    return this._port?.getHost() ?? null;
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
}
