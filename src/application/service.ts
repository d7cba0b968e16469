/**
 * The service tree, after twisted.application.service. A Service is anything
 * that can be started and stopped; a MultiService is a Service that holds
 * other services, starts them in insertion order and stops them in reverse
 * order. Lifecycle methods may return a Promise: Node binds asynchronously,
 * so the runner awaits `privilegedStartService` (bind) before it drops
 * privileges, and awaits `stopService` before it exits.
 *
 * Deviations from Twisted, deliberately:
 * - `addService` on a running parent returns the start Promise (Twisted
 *   returns nothing and hopes for the best).
 * - When `addService` refuses a duplicate name (before adding the child),
 *   `setServiceParent` resets `parent` to null (Twisted leaves `parent` set
 *   on a child its parent does not hold). A child whose start throws when
 *   added to a running parent stays listed and parented, as in Twisted, so
 *   `disownServiceParent` removes it.
 * - Stopping a service that was never started resolves at once.
 * - A stop ends a start in progress: once `MultiService.stopService` has
 *   begun, the start (or privileged start) that was going on starts no
 *   further children, and a child that was still starting is stopped again
 *   when its start finishes and leaves it running; the stop's Promise waits
 *   for that. So after `await m.stopService()` nothing in the tree runs
 *   and no port is open, whatever was still starting. The interrupted
 *   start resolves (or rejects with the failure of the child it waited on).
 *   In Twisted, starts are synchronous and the question does not arise.
 * - The Promises returned by the start methods (and by `setServiceParent`
 *   on a running parent) may be ignored, as Twisted code ignores Deferreds:
 *   a rejection nobody waited for is logged once (log.failure, naming the
 *   service that failed) and never becomes an unhandled rejection, which
 *   would end a Node process. Whoever awaits or chains the Promise gets the
 *   rejection and nothing is logged (the runner reports startup errors
 *   itself).
 * - `running` is an accessor whose state lives outside the instance, so any
 *   copy (spread, Object.assign, structuredClone, JSON) is not running; in
 *   Twisted only pickling/copy.copy drop it (__getstate__).
 *
 * Quirks kept from Twisted (tests pin them):
 * - `setServiceParent` on a parented service re-parents it (the IService
 *   docstring says it raises; the code does not).
 * - `MultiService.startService` sets `running` first; a child that throws
 *   stops the start, and a later `stopService` still calls `stopService` on
 *   the children that never started (#6206).
 * - `MultiService.stopService` never rejects: child failures are logged (#6790).
 * - `removeService` unregisters the name only when it is truthy, so a child
 *   named '' keeps its name registered after removal.
 *
 * Synchronous children are started and stopped before the MultiService call
 * returns (as in Twisted); a child returning a Promise is awaited before the
 * next child starts.
 */
import { TacError } from '../core/errors.js';
import { Logger } from './logger/logger.js';

/** A result that may be synchronous or a Promise. */
export type MaybePromise<T> = T | Promise<T>;

export interface IService {
  /** The name under which the parent knows this service, or null. */
  readonly name: string | null;
  /** True between startService and the end of stopService. */
  readonly running: boolean;
  /** The collection holding this service, or null. */
  readonly parent: IServiceCollection | null;
  /** Sets the name. @throws ServiceError ('tacd.service.nameAfterParent') if the service already has a parent. */
  setName(name: string): void;
  /**
   * Adds this service to `parent`, leaving its current parent first if it has one.
   * @throws ServiceError ('tacd.service.duplicateName') if `parent` already has a child of the same name.
   * @returns the start Promise when `parent` is running (the child is started at once).
   */
  setServiceParent(parent: IServiceCollection): MaybePromise<void>;
  /** Leaves the parent. @returns the child's stop result when the parent was running. */
  disownServiceParent(): MaybePromise<void>;
  /** Runs before privileges are dropped (bind port 80, open root-only files). */
  privilegedStartService(): MaybePromise<void>;
  startService(): MaybePromise<void>;
  /** Resolves when the service has completely stopped. */
  stopService(): MaybePromise<void>;
  /** Optional SIGHUP hook: re-read configuration, reopen files. */
  reload?(): MaybePromise<void>;
}

export interface IServiceCollection extends Iterable<IService> {
  /** @throws ServiceError ('tacd.service.notFound') when no child has that name. */
  getServiceNamed(name: string): IService;
  /** Adds a child (normally called by `child.setServiceParent`); starts it if the collection is running. */
  addService(service: IService): MaybePromise<void>;
  /** Removes a child; stops it if the collection is running and returns that stop result. */
  removeService(service: IService): MaybePromise<void>;
  /** The collection is itself a service (MultiService) when it can be started. */
  readonly running: boolean;
}

/** Errors raised by the service tree, with stable codes. */
export class ServiceError extends TacError {}
ServiceError.prototype.name = 'ServiceError';

/** Anything with a `then` method. */
export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

// The running flag of every service, off the instance so that copies do not inherit it.
const runningState = new WeakMap<Service, boolean>();

// Runs `fn` now and returns its outcome as a Promise (a synchronous throw becomes a rejection).
export function settle(fn: () => MaybePromise<void>): Promise<void> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

export function noop(): void {}

/** "TCPServer 'web'", or the class name alone for an unnamed service. */
export function serviceLabel(s: IService): string {
  return s.name ? `${s.constructor.name} '${s.name}'` : s.constructor.name;
}

// The service whose start failed with a given error: the innermost one, recorded first.
const failedService = new WeakMap<object, IService>();

export function noteFailure(error: unknown, service: IService): void {
  if ((typeof error === 'object' || typeof error === 'function') && error !== null && !failedService.has(error)) failedService.set(error, service);
}

/**
 * A Promise that knows whether anybody used it: `then` (and so `catch`,
 * `finally`, `await`, Promise.all/race/resolve) marks it observed. Derived
 * promises are plain Promises.
 */
class ObservedPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }
  observed = false;
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.observed = true;
    return super.then(onfulfilled, onrejected);
  }
}

/**
 * Makes the outcome of a start safe to ignore: returns a Promise with the
 * same outcome that is never an unhandled rejection. If it rejects and
 * nobody has used it by the next macrotask, the failure is logged once
 * through `log` (naming the service that failed); a caller that awaits it
 * gets the rejection and nothing is logged.
 */
export function loggedIfIgnored<T>(result: PromiseLike<T>, service: IService, log: Logger): Promise<T> {
  const out = new ObservedPromise<T>((resolve, reject) => {
    Promise.resolve(result).then(resolve, reject);
  });
  // Handled from the start, without counting as a use.
  Promise.prototype.then.call(out, noop, (error: unknown) => {
    noteFailure(error, service);
    setImmediate(() => {
      if (out.observed) return;
      const failed = (typeof error === 'object' && error !== null && failedService.get(error)) || service;
      log.failure('{service} failed to start', error, { service: serviceLabel(failed) });
    });
  });
  return out;
}

/**
 * The base service: keeps the `name`, `running` and `parent` bookkeeping.
 * Subclasses override the lifecycle methods and call `super`.
 */
export class Service implements IService {
  name: string | null = null;
  parent: IServiceCollection | null = null;

  /**
   * True between startService and the end of stopService. Kept outside the
   * instance (Twisted's __getstate__ drops it), so a copy of a running
   * service (spread, Object.assign, structuredClone, JSON) is not running.
   */
  get running(): boolean {
    return runningState.get(this) ?? false;
  }
  set running(value: boolean) {
    runningState.set(this, value);
  }
  /** A logger named after the class; usable without any global setup. */
  protected readonly log: Logger = new Logger(this.constructor.name);

  constructor() {
    // Not part of the service's state: keep it out of copies (spread, structuredClone, JSON).
    Object.defineProperty(this, 'log', { enumerable: false });
  }

  /**
   * For subclasses whose start methods return a Promise: returns it made
   * safe to ignore (see `loggedIfIgnored`: an unobserved rejection is logged
   * once instead of ending the process).
   */
  protected loggedIfIgnored<T>(result: PromiseLike<T>): Promise<T> {
    return loggedIfIgnored(result, this, this.log);
  }

  setName(name: string): void {
    if (this.parent !== null) {
      throw new ServiceError('tacd.service.nameAfterParent', `cannot change name when parent exists (service '${this.name ?? name}')`);
    }
    this.name = name;
  }

  setServiceParent(parent: IServiceCollection): MaybePromise<void> {
    if (this.parent !== null) void this.disownServiceParent();
    this.parent = parent;
    try {
      return parent.addService(this);
    } catch (e) {
      // Refused before being added (duplicate name): no parent. Added, then its start threw: it stays parented, as in Twisted.
      if (![...parent].includes(this)) this.parent = null;
      throw e;
    }
  }

  disownServiceParent(): MaybePromise<void> {
    const parent = this.parent;
    if (parent === null) return undefined;
    const stopped = parent.removeService(this);
    this.parent = null;
    return stopped;
  }

  privilegedStartService(): MaybePromise<void> {
    return undefined;
  }

  startService(): MaybePromise<void> {
    this.running = true;
    return undefined;
  }

  stopService(): MaybePromise<void> {
    this.running = false;
    return undefined;
  }

  /**
   * The persistable state of the service (Twisted's __getstate__): a copy is
   * never running and never holds a parent. Subclasses add their own fields
   * and leave runtime handles (ports, connections, timers) out.
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name };
  }
}
