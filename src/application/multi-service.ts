// MultiService (Twisted's service.MultiService), beside Service in service.ts.
import { Service, ServiceError, isPromiseLike, loggedIfIgnored, noop, noteFailure, settle, type IService, type IServiceCollection, type MaybePromise } from './service.js';

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
