/**
 * The root of a service tree, after twisted.application.service.Application.
 * In Twisted the Application is a Componentized holding a MultiService and a
 * Process; here it *is* the MultiService and carries the process settings
 * and an optional log observer as plain properties.
 */
import { MultiService } from './service.js';
import type { LogObserver } from './logger/logger.js';

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

  constructor(name: string, options: ApplicationOptions = {}) {
    super();
    this.setName(name);
    this.process = new Process(options.uid ?? null, options.gid ?? null);
    this.logObserver = options.logObserver ?? null;
  }
}

/** True for an object that looks like an Application (also across module copies, e.g. an app bundled with its own tacd). */
export function isApplication(v: unknown): v is Application {
  if (v instanceof Application) return true;
  const o = v as { process?: unknown; startService?: unknown; addService?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.startService === 'function' && typeof o.addService === 'function' && typeof o.process === 'object';
}
