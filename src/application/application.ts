/**
 * The root of a service tree, after twisted.application.service.Application.
 * In Twisted the Application is a Componentized holding a MultiService and a
 * Process; here it *is* the MultiService and carries the process settings
 * and an optional log observer as plain properties.
 */
import { type IService, type MaybePromise } from './service.js';
import { MultiService } from './multi-service.js';
import { Logger, type LogObserver } from './logger/logger.js';

/** Process settings the runner applies (Twisted's IProcess). */
export class Process {
  /** The user to switch to after privilegedStartService: a number or a user name. */
  uid: number | string | null;
  /** The group to switch to; defaults to the user's primary group when only uid is given. */
  gid: number | string | null;
  /** The process title (process.title), or null to keep the default. */
  processName: string | null = null;

  constructor(uid: number | string | null = null, gid: number | string | null = null) {
    this.uid = uid;
    this.gid = gid;
  }
}

export interface ApplicationOptions {
  readonly uid?: number | string | null;
  readonly gid?: number | string | null;
  /** An observer the runner uses instead of its built-in file/stdout/journald logging. */
  readonly logObserver?: LogObserver;
}

export class Application extends MultiService {
  readonly process: Process;
  logObserver: LogObserver | null;

  /**
   * `new Application(name, { uid, gid, logObserver })`, or Twisted's
   * positional form `new Application(name, uid, gid)`.
   */
  constructor(name: string, options?: ApplicationOptions | number | string | null, gid?: number | string | null) {
    super();
    this.setName(name);
    const opts: ApplicationOptions =
      typeof options === 'object' && options !== null ? options : { uid: options ?? null, gid: gid ?? null };
    this.process = new Process(opts.uid ?? null, opts.gid ?? null);
    this.logObserver = opts.logObserver ?? null;
  }
}

/** The phases of the shutdown event (Twisted's system event triggers). */
export type ShutdownPhase = 'before' | 'during' | 'after';

/** Where shutdown work is registered (the part of Twisted's IReactorCore the runner offers). */
export interface ShutdownTriggers {
  /** Registers `fn` to run in `phase` of the 'shutdown' event; a returned Promise is awaited before the next phase. */
  addSystemEventTrigger(phase: ShutdownPhase, event: 'shutdown', fn: () => MaybePromise<void>): void;
}

/**
 * A plain ShutdownTriggers: `fireShutdown()` runs every 'before' trigger
 * (all at once, awaiting all), then the 'during' ones, then the 'after' ones.
 * A trigger that throws or rejects is logged and does not stop the others.
 */
export class SystemEventTriggers implements ShutdownTriggers {
  private readonly triggers: Record<ShutdownPhase, Array<() => MaybePromise<void>>> = { before: [], during: [], after: [] };
  private readonly log = new Logger('tacd.shutdown');

  addSystemEventTrigger(phase: ShutdownPhase, _event: 'shutdown', fn: () => MaybePromise<void>): void {
    this.triggers[phase].push(fn);
  }

  /** Runs the three phases in order; resolves when the 'after' phase has settled. Never rejects. */
  async fireShutdown(): Promise<void> {
    for (const phase of ['before', 'during', 'after'] as const) {
      const fns = this.triggers[phase].splice(0);
      const results = await Promise.allSettled(fns.map((fn) => Promise.resolve().then(fn)));
      for (const r of results) {
        if (r.status === 'rejected') this.log.failure('Error in {phase}-shutdown trigger', r.reason, { phase });
      }
    }
  }
}

/**
 * Starts the tree and registers its stop for shutdown (Twisted's
 * app.startApplication): calls `startService()`, then registers
 * `stopService` as a 'before' shutdown trigger, then awaits the start.
 * `privilegedStartService` is not called here: the runner calls it before
 * dropping privileges.
 * Rejects when `startService` throws synchronously (nothing is registered
 * then, as in Twisted) or when its Promise rejects (the stop stays
 * registered, so the runner's shutdown still stops what did start).
 */
export async function startApplication(application: IService, triggers: ShutdownTriggers): Promise<void> {
  const started = application.startService();
  triggers.addSystemEventTrigger('before', 'shutdown', () => application.stopService());
  await started;
}

/** True for an object that looks like an Application (also across module copies, e.g. an app bundled with its own tacd). */
export function isApplication(v: unknown): v is Application {
  if (v instanceof Application) return true;
  const o = v as { process?: unknown; startService?: unknown; addService?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.startService === 'function' && typeof o.addService === 'function' && typeof o.process === 'object';
}
