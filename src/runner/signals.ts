/**
 * Signals and shutdown.
 *
 * - SIGTERM / SIGINT: log "Received SIGTERM, shutting down.", STOPPING=1,
 *   stop the tree (awaited), close leftover connections, then the runner
 *   re-raises the same signal with the default action, as twistd does: the
 *   process dies *by* SIGTERM (shell status 143; systemd shows
 *   "status=15/TERM" and counts it as a clean stop, SuccessExitStatus
 *   includes SIGTERM/SIGINT/SIGHUP/SIGPIPE by default).
 * - A second SIGTERM/SIGINT while stopping, or the stop taking longer than
 *   --shutdown-timeout (default 30 s), forces the exit with status 1 (a
 *   failure for systemd) after logging which services never finished.
 * - SIGHUP: reopen the log file, send RELOADING=1 (+ MONOTONIC_USEC), call
 *   the tree's `reload()` hooks, then READY=1. (twistd has no SIGHUP
 *   handler; Node's default would kill the process without stopping.)
 * - SIGUSR1 (twistd's) and SIGUSR2: rotate the log file. Handling SIGUSR1
 *   also matters for safety: left to Node's default, it opens the V8
 *   inspector on 127.0.0.1:9229, where any local user could then run code
 *   as the daemon's user (a logrotate postrotate written for twistd sends
 *   exactly this signal). With a listener installed, Node no longer does.
 */
import type { IService } from '../application/service.js';
import { disconnectAll } from '../application/internet/tcp-transport.js';
import type { Logger } from '../application/logger/logger.js';
import type { LogSetup } from './log-setup.js';
import type { Notifier } from './sd-notify.js';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** How the daemon ended: by a signal to re-raise, or with a status. */
export type Outcome = { readonly signal: StopSignal } | { readonly status: number };

/** The process calls the handlers need (injected for tests). */
export interface SignalProcess {
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
}

function children(s: IService): IService[] {
  return Symbol.iterator in s ? [...(s as unknown as Iterable<IService>)] : [];
}

/** Visits every service of the tree, parents first. */
export function walkTree(root: IService, visit: (s: IService) => void): void {
  visit(root);
  for (const c of children(root)) walkTree(c, visit);
}

/** "application/web (TCPServer)": where a service sits in the tree. */
export function describeService(s: IService): string {
  const names: string[] = [];
  for (let cur: IService | null = s; cur; cur = (cur.parent as unknown as IService | null) ?? null) {
    names.unshift(cur.name ?? `<${cur.constructor.name}>`);
  }
  return `${names.join('/')} (${s.constructor.name})`;
}

/**
 * Wraps each service's stopService so the set of stops still in flight is
 * known; on a timeout, the innermost pending ones are the ones that hung.
 */
export function trackStops(root: IService): { pending(): IService[] } {
  const inFlight = new Set<IService>();
  walkTree(root, (s) => {
    const original = s.stopService.bind(s);
    (s as { stopService: () => Promise<void> }).stopService = () => {
      inFlight.add(s);
      return Promise.resolve()
        .then(original)
        .finally(() => inFlight.delete(s));
    };
  });
  return {
    // A parent is pending while any child is; report only services with no pending child.
    pending: () => [...inFlight].filter((s) => !children(s).some((c) => inFlight.has(c))),
  };
}

/**
 * Closes connections still open after the tree stopped (Twisted's "during
 * shutdown" disconnectAll): each service's `closeAllConnections()` (servers
 * built on node:http, such as the web plugin, have their own), then every
 * connection the framework's transports still hold, client side included.
 */
export function closeLeftoverConnections(root: IService): void {
  walkTree(root, (s) => {
    const o = s as unknown as Record<string, unknown>;
    for (const holder of [o, o['port'], o['_port'], o['listeningPort']]) {
      const h = holder as { closeAllConnections?: () => void } | null | undefined;
      if (h && typeof h.closeAllConnections === 'function') {
        try {
          h.closeAllConnections();
        } catch {
          // Best effort: the process is about to end anyway.
        }
      }
    }
  });
  disconnectAll();
}

export interface ShutdownOptions {
  readonly root: IService;
  readonly log: Logger;
  readonly notifier: Notifier;
  readonly logSetup: LogSetup | null;
  readonly timeoutMs: number;
  readonly proc: SignalProcess;
}

/** The installed handlers. */
export interface SignalHandlers {
  /** Resolves with the Outcome once the tree has stopped (or the stop was forced). */
  readonly done: Promise<Outcome>;
  /** Startup is over: act on stop signals (one that arrived during startup is acted on now). */
  arm(): void;
  /** Removes the handlers. */
  dispose(): void;
}

/** SIGHUP: reopen the log files and reload the tree (Twisted's reload hooks). */
function hupHandler(o: ShutdownOptions): () => void {
  return () => {
    o.log.info('Received SIGHUP, reopening log files and reloading.');
    o.logSetup?.reopen();
    void (async () => {
      await o.notifier.reloading();
      try {
        if (o.root.reload) await o.root.reload();
      } catch (e) {
        o.log.failure('Error while reloading', e);
      }
      await o.notifier.ready('Running');
    })();
  };
}

/** SIGUSR1 (twistd's) and SIGUSR2: rotate the log file. */
function rotateHandler(o: ShutdownOptions): (signal: NodeJS.Signals) => void {
  return (signal) => {
    try {
      const done = o.logSetup?.rotate() ?? null;
      if (done === true) o.log.info('Log rotated on {signal}.', { signal });
      else if (done === false) o.log.warn('Received {signal}, but cannot rotate {file}: it or its folder is not writable.', { signal, file: o.logSetup!.logFile!.path });
      else o.log.info('Received {signal}: there is no log file to rotate.', { signal });
    } catch (e) {
      o.log.failure('Log rotation failed', e);
    }
  };
}

/** Where a stop stands: before arm() a signal is only remembered. */
interface StopState {
  armed: boolean;
  deferred: NodeJS.Signals | null;
  stopping: boolean;
  timer: NodeJS.Timeout | null;
  tracker: { pending(): IService[] };
}

// The shutdown deadline: past it, the services still stopping are named and the process exits 1.
function armDeadline(o: ShutdownOptions, st: StopState, finish: (v: Outcome) => void): void {
  if (o.timeoutMs <= 0) return;
  st.timer = setTimeout(() => {
    const hung = st.tracker.pending().map(describeService);
    o.log.critical('Shutdown timed out after {seconds} s; still stopping: {services}. Forcing exit.', {
      seconds: o.timeoutMs / 1000,
      services: hung.length ? hung.join(', ') : '(none)',
    });
    finish({ status: 1 });
  }, o.timeoutMs);
}

// Stops the whole tree, then closes what connections are left.
function stopTree(o: ShutdownOptions, signal: NodeJS.Signals, finish: (v: Outcome) => void): void {
  Promise.resolve()
    .then(() => o.root.stopService())
    .then(
      () => {
        closeLeftoverConnections(o.root);
        finish({ signal: signal as StopSignal });
      },
      (e: unknown) => {
        o.log.failure('Error while stopping the service tree', e);
        closeLeftoverConnections(o.root);
        finish({ status: 1 });
      },
    );
}

/** SIGTERM/SIGINT: remembered while starting, a graceful stop once armed, a forced exit the second time. */
function stopHandler(o: ShutdownOptions, st: StopState, finish: (v: Outcome) => void): (signal: NodeJS.Signals) => void {
  return (signal) => {
    if (!st.armed && st.deferred === null) {
      o.log.info('Received {signal} while starting; stopping once started.', { signal });
      st.deferred = signal;
      return;
    }
    if (st.stopping || !st.armed) {
      o.log.error('Received second {signal} while stopping, forcing exit.', { signal });
      finish({ status: 1 });
      return;
    }
    st.stopping = true;
    o.log.info('Received {signal}, shutting down.', { signal });
    void o.notifier.stopping();
    armDeadline(o, st, finish);
    stopTree(o, signal, finish);
  };
}

/**
 * Installs the handlers before startup begins, so that a SIGTERM arriving
 * while services start (the port already answers) is not Node's default
 * "die at once": it is remembered and acted on when `arm()` is called.
 */
export function installSignalHandlers(o: ShutdownOptions): SignalHandlers {
  const st: StopState = { armed: false, deferred: null, stopping: false, timer: null, tracker: { pending: () => [] } };
  let resolve!: (v: Outcome) => void;
  const done = new Promise<Outcome>((r) => (resolve = r));
  const finish = (v: Outcome): void => {
    if (st.timer) clearTimeout(st.timer);
    resolve(v);
  };
  const onStop = stopHandler(o, st, finish);
  const rotate = rotateHandler(o);
  const handlers: [NodeJS.Signals, (signal: NodeJS.Signals) => void][] = [['SIGTERM', onStop], ['SIGINT', onStop], ['SIGHUP', hupHandler(o)], ['SIGUSR1', rotate], ['SIGUSR2', rotate]];
  for (const [signal, h] of handlers) o.proc.on(signal, h);
  return {
    done,
    arm() {
      if (st.armed) return;
      st.armed = true;
      st.tracker = trackStops(o.root);
      if (st.deferred !== null) onStop(st.deferred);
    },
    dispose() {
      for (const [signal, h] of handlers) o.proc.off(signal, h);
    },
  };
}
