/**
 * sd_notify(3) for the runner: READY=1, STATUS=, STOPPING=1, RELOADING=1
 * (+ MONOTONIC_USEC) and WATCHDOG=1 sent to $NOTIFY_SOCKET.
 *
 * Mechanism: the `systemd-notify` binary, run through src/core/exec.ts
 * (runLight: node:child_process, no execa).
 * Why: Node has no AF_UNIX datagram sockets, the addons that add them
 * (unix-dgram, node-unix-socket, sd-notify) need node-gyp or per-platform
 * prebuilt binaries that a .deb/.rpm built here would have to carry for
 * every architecture, and systemd-notify ships with systemd itself, so it is
 * present wherever NOTIFY_SOCKET can be set. The cost:
 * - as a non-root sender the datagram carries systemd-notify's own pid, so
 *   a unit must say `NotifyAccess=all` (our generated units do);
 * - one short process per message: fine for READY/STATUS/STOPPING/RELOADING,
 *   and for WATCHDOG at WatchdogSec/2 (seconds apart);
 * - systemd ≥ 246's systemd-notify waits on a barrier, so a message is not
 *   lost when the sender exits before systemd reads it.
 * We never pass --pid (it would send MAINPID= and change the main pid).
 */
import type { Logger } from '../application/logger/logger.js';

export interface Notifier {
  /** True when $NOTIFY_SOCKET is set and messages are really sent. */
  readonly enabled: boolean;
  /** Sends KEY=VALUE assignments in one message; never throws (a failure is logged). */
  notify(fields: Readonly<Record<string, string>>): Promise<void>;
  ready(status?: string): Promise<void>;
  stopping(): Promise<void>;
  reloading(): Promise<void>;
  status(text: string): Promise<void>;
  /** Starts WATCHDOG=1 pings at WATCHDOG_USEC/2 when WATCHDOG_PID is unset or ours. */
  startWatchdog(): void;
  stopWatchdog(): void;
}

/** Runs systemd-notify with `args` (injected for tests). */
export type NotifySender = (args: readonly string[]) => Promise<void>;

export const systemdNotifyBinary: NotifySender = async (args) => {
  // node:child_process, not execa (see runLight): READY=1 is on the start-up path.
  const { runLight } = await import('../core/exec.js');
  await runLight('systemd-notify', args, { timeoutMs: 10_000 });
};

/** CLOCK_MONOTONIC in microseconds (process.hrtime is CLOCK_MONOTONIC on Linux). */
export function monotonicUsec(): string {
  return (process.hrtime.bigint() / 1000n).toString();
}

/** The watchdog interval in ms (half of WATCHDOG_USEC), or null when no watchdog applies to this process. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isInteger(usec) || usec <= 0) return null;
  const wpid = env['WATCHDOG_PID'];
  if (wpid !== undefined && wpid !== '' && Number(wpid) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

export function createNotifier(env: NodeJS.ProcessEnv, log: Logger, send: NotifySender = systemdNotifyBinary, pid = process.pid): Notifier {
  const enabled = typeof env['NOTIFY_SOCKET'] === 'string' && env['NOTIFY_SOCKET'] !== '';
  let timer: NodeJS.Timeout | null = null;
  const notify = async (fields: Readonly<Record<string, string>>): Promise<void> => {
    if (!enabled) return;
    const args = Object.entries(fields).map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}`);
    try {
      await send(args);
    } catch (e) {
      log.failure('sd_notify {message} failed', e, { message: args.join(' ') });
    }
  };
  return {
    enabled,
    notify,
    ready: (status) => notify(status === undefined ? { READY: '1' } : { READY: '1', STATUS: status }),
    stopping: () => notify({ STOPPING: '1', STATUS: 'Stopping' }),
    reloading: () => notify({ RELOADING: '1', MONOTONIC_USEC: monotonicUsec() }),
    status: (text) => notify({ STATUS: text }),
    startWatchdog() {
      if (!enabled || timer) return;
      const ms = watchdogIntervalMs(env, pid);
      if (ms === null) return;
      log.debug('watchdog: pinging every {ms} ms', { ms });
      timer = setInterval(() => void notify({ WATCHDOG: '1' }), ms);
      timer.unref();
    },
    stopWatchdog() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
