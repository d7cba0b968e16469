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
function settle(fn: () => MaybePromise<void>): Promise<void> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

function noop(): void {}

/** "TCPServer 'web'", or the class name alone for an unnamed service. */
export function serviceLabel(s: IService): string {
  return s.name ? `${s.constructor.name} '${s.name}'` : s.constructor.name;
}

// The service whose start failed with a given error: the innermost one, recorded first.
const failedService = new WeakMap<object, IService>();

function noteFailure(error: unknown, service: IService): void {
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

/**
 * A service that holds other services: the branch of the tree.
 * Children start in insertion order and stop in reverse order.
 */
export class MultiService extends Service implements IServiceCollection {
  private readonly services: IService[] = [];
  private readonly namedServices = new Map<string, IService>();
  /** Bumped by every stopService: a start begun under an older generation starts no further child. */
  private generation = 0;
  /** Children whose (privileged) start is still pending, with a Promise that settles (never rejects) with it. */
  private readonly starting = new Map<IService, Promise<void>>();

  // Remembers a child's pending start so that a stop can wait for it.
  private track(child: IService, result: MaybePromise<void>): MaybePromise<void> {
    if (!isPromiseLike(result)) return result;
    const settled = Promise.resolve(result).then(noop, noop);
    this.starting.set(child, settled);
    void settled.then(() => {
      if (this.starting.get(child) === settled) this.starting.delete(child);
    });
    return result;
  }

  // Calls `fn` on each child in insertion order while no stop has begun since
  // `generation`; synchronously while results are synchronous, awaiting a
  // Promise before going on.
  private eachChild(generation: number, fn: (child: IService) => MaybePromise<void>): MaybePromise<void> {
    const children = [...this.services];
    const from = (i: number): MaybePromise<void> => {
      for (; i < children.length; i++) {
        if (this.generation !== generation) return undefined;
        const child = children[i]!;
        let r: MaybePromise<void>;
        try {
          r = this.track(child, fn(child));
        } catch (e) {
          noteFailure(e, child);
          throw e;
        }
        if (isPromiseLike(r)) {
          const next = i + 1;
          return Promise.resolve(r).then(
            () => from(next),
            (e: unknown) => {
              noteFailure(e, child);
              throw e;
            },
          );
        }
      }
      return undefined;
    };
    return from(0);
  }

  /**
   * Calls every child's privilegedStartService in insertion order. A child
   * returning a Promise is awaited before the next is called; synchronous
   * children are all called before this returns. A stopService meanwhile
   * ends it: later children are not called. The Promise is safe to ignore
   * (a failure nobody awaits is logged).
   */
  override privilegedStartService(): Promise<void> {
    const generation = this.generation;
    return this.loggedIfIgnored(
      settle(() => {
        super.privilegedStartService();
        return this.eachChild(generation, (s) => s.privilegedStartService());
      }),
    );
  }

  /**
   * Sets running, then starts the children in insertion order (synchronous
   * children at once, a Promise awaited before the next child). A child that
   * throws or rejects stops the start (later children are not started) and
   * the returned Promise rejects with its error, as in Twisted. A
   * stopService meanwhile ends the start: later children are not started.
   * The Promise is safe to ignore (a failure nobody awaits is logged).
   */
  override startService(): Promise<void> {
    const generation = this.generation;
    return this.loggedIfIgnored(
      settle(() => {
        super.startService();
        return this.eachChild(generation, (s) => s.startService());
      }),
    );
  }

  /**
   * Clears running, then calls every child's stopService in reverse order,
   * all before this returns (without waiting between them), and resolves
   * when all have settled. A failing child is logged; it neither rejects the
   * result nor keeps its siblings from stopping (Twisted's DeferredList).
   * A start in progress starts no further child; a child that was still
   * starting is waited for, and stopped again if it came up running.
   */
  override stopService(): Promise<void> {
    this.generation++;
    super.stopService();
    const children = [...this.services].reverse();
    const stops = children.map((s) => ({ service: s, done: settle(() => s.stopService()) }));
    const late = [...this.starting].map(([s, started]) => ({
      service: s,
      done: started.then(() => (!this.running && s.running && this.services.includes(s) ? s.stopService() : undefined)),
    }));
    const all = [...stops, ...late];
    return Promise.allSettled(all.map((x) => x.done)).then((results) => {
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          const child = all[i]!.service;
          this.log.failure('Error stopping service {service}', r.reason, { service: child.name ?? child.constructor.name });
        }
      });
    });
  }

  getServiceNamed(name: string): IService {
    const s = this.namedServices.get(name);
    if (s === undefined) throw new ServiceError('tacd.service.notFound', `no service named '${name}'`);
    return s;
  }

  [Symbol.iterator](): Iterator<IService> {
    return [...this.services][Symbol.iterator]();
  }

  /** The number of children. */
  get size(): number {
    return this.services.length;
  }

  addService(service: IService): MaybePromise<void> {
    if (service.name !== null) {
      if (this.namedServices.has(service.name)) {
        throw new ServiceError('tacd.service.duplicateName', `cannot have two services with same name '${service.name}'`);
      }
      this.namedServices.set(service.name, service);
    }
    this.services.push(service);
    if (this.running) {
      // "It may be too late for that, but we will do our best" (Twisted).
      // A synchronous throw propagates (the child stays added, as in Twisted); a Promise is safe to ignore.
      const generation = this.generation;
      const p = service.privilegedStartService();
      const r = this.track(service, isPromiseLike(p) ? Promise.resolve(p).then(() => (this.generation === generation ? service.startService() : undefined)) : service.startService());
      return isPromiseLike(r) ? loggedIfIgnored(r, service, this.log) : r;
    }
    return undefined;
  }

  removeService(service: IService): MaybePromise<void> {
    const i = this.services.indexOf(service);
    if (i < 0) throw new ServiceError('tacd.service.notChild', `service '${service.name ?? service.constructor.name}' is not a child of this collection`);
    if (service.name) this.namedServices.delete(service.name); // truthy, as in Twisted (see the header)
    this.services.splice(i, 1);
    return this.running ? service.stopService() : undefined;
  }

  /** Calls `reload` on every child that has one, in insertion order. */
  async reload(): Promise<void> {
    for (const s of [...this.services]) if (s.reload) await s.reload();
  }
}
