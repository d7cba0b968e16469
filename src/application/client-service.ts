/**
 * ClientService: keep one outgoing connection up, reconnecting with a
 * back-off (twisted.application.internet.ClientService and its automat
 * state machine in _client_service.py).
 *
 * States: init → connecting → connected / waiting (for a retry) →
 * disconnecting (stop requested) → stopped; restarting = started again
 * while still disconnecting (the reconnect waits for the disconnect).
 *
 * Deviations from Twisted, deliberately:
 * - `prepareConnection` receives the application protocol (Twisted passes
 *   its forwarding proxy, which behaves the same).
 * - A connection rejected by `prepareConnection` is closed (Twisted leaves
 *   it open and forgets it).
 * - Stopping while `prepareConnection` is pending closes that connection
 *   (Twisted cancels the prepare Deferred; a Promise cannot be cancelled).
 *   A connection lost while `prepareConnection` runs counts as a failed attempt.
 * - A connection attempt that ends (fails or succeeds) while restarting is
 *   handled like the disconnect it was waiting for, then a new attempt
 *   starts (Twisted has no transition for it).
 * - A `retryPolicy` that throws or returns a negative/non-finite delay is
 *   logged and the retry happens after 60 s (Twisted would crash the loop).
 * - Delays from `retryPolicy` and the clock are in seconds, as in Twisted.
 */
import { TacError } from '../core/errors.js';
import { CancelledError } from './internet/errors.js';
import { backoffPolicy, type RetryPolicy } from './backoff.js';
import { realClock, type DelayedCall } from './clock.js';
import type { Cancellable, IClock, IProtocol, IProtocolFactory, IStreamClientEndpoint } from './interfaces.js';
import { closeConnection, innerProtocolOf, proxyFactory } from './reconnecting-proxy.js';
import { Service } from './service.js';
import { argError, checkArity, checkFactory, checkOptions, isOptionsObject } from './internet/args.js';

export { backoffPolicy, type BackoffOptions, type RetryPolicy } from './backoff.js';

function isClock(v: unknown): v is IClock {
  const c = v as Partial<IClock> | null;
  return typeof c === 'object' && c !== null && typeof c.seconds === 'function' && typeof c.callLater === 'function';
}

/** Why `whenConnected` waiters are rejected when the service stops, or is already stopped. */
function stoppedBeforeConnecting(): CancelledError {
  return new CancelledError('ClientService was stopped before a connection was made', 'tacd.client.cancelled');
}

export interface ClientServiceOptions<P extends IProtocol = IProtocol> {
  /** Seconds to wait after the n-th consecutive failure (default `backoffPolicy()`). */
  readonly retryPolicy?: RetryPolicy;
  /** Schedules the retries, in seconds (default the real clock; a `Clock` in tests). */
  readonly clock?: IClock;
  /**
   * Runs on every new connection before `whenConnected` waiters see it (e.g.
   * authenticate). May return a Promise, which is awaited; a throw or a
   * rejection counts as a failed attempt and the connection is closed.
   */
  readonly prepareConnection?: (protocol: P) => unknown;
}

type State = 'init' | 'connecting' | 'waiting' | 'connected' | 'disconnecting' | 'restarting' | 'stopped';

/** One connection attempt: the pending connect, then (once connected) the protocols while prepareConnection runs. */
interface Attempt {
  readonly connecting: Cancellable<IProtocol>;
  proxy: IProtocol | null;
  app: IProtocol | null;
  lost: boolean;
}

interface Waiter {
  readonly resolve: (p: IProtocol) => void;
  readonly reject: (e: unknown) => void;
  remaining: number | null;
}

/**
 * Maintains a single connection to `endpoint`, reconnecting after
 * `retryPolicy(failedAttempts)` seconds whenever an attempt fails or the
 * connection is lost. Use `whenConnected()` to get the protocol.
 */
export class ClientService<P extends IProtocol = IProtocol> extends Service {
  readonly endpoint: IStreamClientEndpoint;
  readonly factory: IProtocolFactory;
  private readonly retryPolicy: RetryPolicy;
  private readonly clock: IClock;
  private readonly prepareConnection: ((protocol: P) => unknown) | undefined;
  private state: State = 'init';
  private attempt: Attempt | null = null;
  private current: { readonly proxy: IProtocol; readonly app: IProtocol } | null = null;
  private retryCall: DelayedCall | null = null;
  private awaiting: Waiter[] = [];
  private stopWaiters: Array<() => void> = [];
  /** Consecutive failed attempts (reset by a successful connection). */
  failedAttempts = 0;

  /**
   * Takes `{ retryPolicy, clock, prepareConnection }` or Twisted's positional
   * `(endpoint, factory, retryPolicy, clock, prepareConnection)` (null or
   * undefined keep a default).
   * @throws TypeError for an argument or option of an unexpected type, naming it.
   */
  constructor(endpoint: IStreamClientEndpoint, factory: IProtocolFactory, options?: ClientServiceOptions<P>);
  constructor(endpoint: IStreamClientEndpoint, factory: IProtocolFactory, retryPolicy?: RetryPolicy | null, clock?: IClock | null, prepareConnection?: ((protocol: P) => unknown) | null);
  constructor(endpoint: IStreamClientEndpoint, factory: IProtocolFactory, ...rest: unknown[]) {
    super();
    const where = 'ClientService';
    checkArity(where, rest, 3, '(endpoint, factory, options?) or (endpoint, factory, retryPolicy?, clock?, prepareConnection?)');
    let o: { retryPolicy?: unknown; clock?: unknown; prepareConnection?: unknown };
    if (isOptionsObject(rest[0]) && rest.length === 1 && !isClock(rest[0])) {
      o = checkOptions(where, 'options', rest[0], ['retryPolicy', 'clock', 'prepareConnection']);
    } else {
      o = { retryPolicy: rest[0], clock: rest[1], prepareConnection: rest[2] };
    }
    if (typeof endpoint !== 'object' || endpoint === null || typeof (endpoint as Partial<IStreamClientEndpoint>).connect !== 'function') {
      throw argError(where, 'endpoint', 'a client endpoint (e.g. clientFromString(\'tcp:host:port\'))', endpoint);
    }
    checkFactory(where, factory);
    if (o.retryPolicy != null && typeof o.retryPolicy !== 'function') throw argError(where, 'retryPolicy', 'a function (failedAttempts) => seconds, or an options object', o.retryPolicy);
    if (o.clock != null && !isClock(o.clock)) throw argError(where, 'clock', 'a clock with seconds() and callLater()', o.clock);
    if (o.prepareConnection != null && typeof o.prepareConnection !== 'function') throw argError(where, 'prepareConnection', 'a function (protocol) => unknown', o.prepareConnection);
    this.endpoint = endpoint;
    this.factory = factory;
    this.retryPolicy = (o.retryPolicy as RetryPolicy | null | undefined) ?? backoffPolicy();
    this.clock = (o.clock as IClock | null | undefined) ?? realClock;
    this.prepareConnection = (o.prepareConnection as ((protocol: P) => unknown) | null | undefined) ?? undefined;
  }

  /**
   * The connected application protocol, now or when the next connection is made.
   * Rejects with CancelledError when the service stops (or is stopped), and with
   * the failure of the `failAfterFailures`-th consecutive failed attempt if given.
   * Twisted's positional form `whenConnected(2)` is the same as
   * `whenConnected({ failAfterFailures: 2 })`.
   * Like any Promise, give it a rejection handler (await it in a try, or
   * `.catch`): stopping the service rejects every pending waiter.
   */
  whenConnected(options?: { failAfterFailures?: number | null } | number | null): Promise<P> {
    const failAfterFailures = typeof options === 'object' && options !== null ? checkOptions<{ failAfterFailures?: unknown }>('ClientService.whenConnected', 'options', options, ['failAfterFailures']).failAfterFailures : options;
    if (failAfterFailures != null && (typeof failAfterFailures !== 'number' || Number.isNaN(failAfterFailures))) {
      throw argError('ClientService.whenConnected', 'failAfterFailures', 'a number of failed attempts (or an options object)', failAfterFailures);
    }
    if (this.state === 'connected' && this.current) return Promise.resolve(this.current.app as P);
    if (this.state === 'stopped') return Promise.reject(stoppedBeforeConnecting());
    return new Promise<P>((resolve, reject) => {
      this.awaiting.push({ resolve: resolve as (p: IProtocol) => void, reject, remaining: failAfterFailures ?? null });
    });
  }

  /** Starts connecting. A second start while running logs a warning and does nothing. */
  override startService(): void {
    if (this.running) {
      this.log.warn('Duplicate ClientService.startService {service}', { service: this.name ?? this.endpoint.describe() });
      return;
    }
    super.startService();
    switch (this.state) {
      case 'init':
      case 'stopped':
        return this.connect();
      case 'disconnecting':
        this.failedAttempts = 0;
        this.state = 'restarting';
        return;
      default:
        return;
    }
  }

  /**
   * Stops: closes the connection (resolving after connectionLost), cancels a
   * pending attempt or retry, rejects the `whenConnected` waiters with
   * CancelledError. Resolves at once when nothing is in progress.
   */
  override stopService(): Promise<void> {
    super.stopService();
    switch (this.state) {
      case 'init':
      case 'stopped':
        this.state = 'stopped';
        return Promise.resolve();
      case 'waiting':
        this.state = 'stopped';
        this.retryCall?.cancel();
        this.retryCall = null;
        this.cancelWaiters();
        return Promise.resolve();
      case 'connecting': {
        this.state = 'disconnecting';
        const stopped = this.waitForStop();
        const attempt = this.attempt;
        attempt?.connecting.cancel();
        if (attempt?.app) closeConnection(attempt.app);
        return stopped;
      }
      case 'connected': {
        this.state = 'disconnecting';
        const stopped = this.waitForStop();
        if (this.current) closeConnection(this.current.app);
        return stopped;
      }
      case 'restarting':
        this.state = 'disconnecting';
        return this.waitForStop();
      case 'disconnecting':
        return this.waitForStop();
    }
  }

  // Starts one attempt: connect, run prepareConnection, report the outcome.
  private connect(): void {
    this.state = 'connecting';
    const factory = proxyFactory(this.factory, (proxy) => this.lost(proxy));
    let connecting: Cancellable<IProtocol>;
    try {
      connecting = this.endpoint.connect(factory);
    } catch (e) {
      connecting = Object.assign(Promise.reject(e), { cancel() {} });
    }
    const attempt: Attempt = { connecting, proxy: null, app: null, lost: false };
    this.attempt = attempt;
    connecting
      .then(async (proxy) => {
        attempt.proxy = proxy;
        attempt.app = innerProtocolOf(proxy);
        if (this.prepareConnection) await this.prepareConnection(attempt.app as P);
        if (attempt.lost) throw new TacError('tacd.client.lostWhilePreparing', `connection to ${this.endpoint.describe()} was lost during prepareConnection`);
      })
      .then(
        () => this.connectionMade(attempt),
        (e: unknown) => this.connectionFailed(attempt, e),
      )
      .catch((e: unknown) => this.log.failure('ClientService state machine error', e));
  }

  private connectionMade(attempt: Attempt): void {
    if (attempt !== this.attempt) return;
    this.attempt = null;
    const conn = { proxy: attempt.proxy!, app: attempt.app! };
    this.current = conn;
    switch (this.state) {
      case 'connecting':
        this.state = 'connected';
        this.failedAttempts = 0;
        this.settleWaiters((w) => w.resolve(conn.app));
        return;
      default:
        // disconnecting / restarting: the connect beat the cancel; close it and wait for connectionLost.
        closeConnection(conn.app);
        return;
    }
  }

  private connectionFailed(attempt: Attempt, error: unknown): void {
    if (attempt !== this.attempt) return;
    this.attempt = null;
    if (attempt.app && !attempt.lost) closeConnection(attempt.app);
    if (this.state === 'connecting') {
      this.scheduleRetry();
      this.deliverFailure(error);
    } else {
      this.goneWhileStopping();
    }
  }

  // The attempt or connection is gone while stopping: finish the stop, and connect again when restarting (else nothing to do).
  private goneWhileStopping(): void {
    if (this.state === 'disconnecting') {
      this.state = 'stopped';
      this.cancelWaiters();
      this.finishStopping();
    } else if (this.state === 'restarting') {
      this.finishStopping();
      this.connect();
    }
  }

  // The proxy of some connection saw connectionLost.
  private lost(proxy: IProtocol): void {
    if (this.attempt?.proxy === proxy) {
      this.attempt.lost = true;
      if (this.state === 'connecting') return; // reported as a failed attempt once prepareConnection settles
      this.attempt = null;
    } else if (this.current?.proxy === proxy) {
      this.current = null;
    } else {
      return;
    }
    if (this.state === 'connected') this.scheduleRetry();
    else this.goneWhileStopping();
  }

  private scheduleRetry(): void {
    this.state = 'waiting';
    this.failedAttempts += 1;
    const delay = this.retryDelay(this.failedAttempts);
    this.log.info('Scheduling retry {attempt} to connect {endpoint} in {delay} seconds.', {
      attempt: this.failedAttempts,
      endpoint: this.endpoint.describe(),
      delay,
    });
    this.retryCall = this.clock.callLater(delay, () => {
      this.retryCall = null;
      if (this.state === 'waiting') this.connect();
    });
  }

  // retryPolicy(n) in seconds; a policy that throws or returns a bad number is logged and gets the 60 s default maximum.
  private retryDelay(failedAttempts: number): number {
    try {
      const delay = this.retryPolicy(failedAttempts);
      if (Number.isFinite(delay) && delay >= 0) return delay;
      this.log.error('retryPolicy({attempt}) returned {delay}, expected seconds >= 0; retrying in 60 seconds', { attempt: failedAttempts, delay: String(delay) });
    } catch (e) {
      this.log.failure('retryPolicy({attempt}) threw; retrying in 60 seconds', e, { attempt: failedAttempts });
    }
    return 60;
  }

  // Rejects the waiters whose failAfterFailures budget is used up; the others keep waiting.
  private deliverFailure(error: unknown): void {
    const ready = this.awaiting.filter((w) => w.remaining !== null && w.remaining <= 1);
    this.awaiting = this.awaiting.filter((w) => !ready.includes(w));
    for (const w of this.awaiting) if (w.remaining !== null) w.remaining -= 1;
    for (const w of ready) w.reject(error);
  }

  private settleWaiters(fn: (w: Waiter) => void): void {
    const waiting = this.awaiting;
    this.awaiting = [];
    for (const w of waiting) fn(w);
  }

  private cancelWaiters(): void {
    this.settleWaiters((w) => w.reject(stoppedBeforeConnecting()));
  }

  private waitForStop(): Promise<void> {
    return new Promise((resolve) => this.stopWaiters.push(resolve));
  }

  private finishStopping(): void {
    const waiting = this.stopWaiters;
    this.stopWaiters = [];
    for (const resolve of waiting) resolve();
  }
}
