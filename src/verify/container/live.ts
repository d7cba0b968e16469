/**
 * Containers of this process. On exit their systemd-nspawn gets SIGTERM
 * (graceful poweroff), so none keeps running after a crash; the mounts left
 * then are removed by the next cleanupStaleContainers(). Signals are the
 * business of whoever owns the process: this module installs no handler (the
 * verify CLI turns SIGINT/SIGTERM/SIGHUP into an abort and shuts its
 * container down; others may call stopLiveContainers()). A process ended by a
 * signal or SIGKILL leaves its containers to the next cleanupStaleContainers().
 */
import { signalIfAlive } from './procs.js';
import type { OwnerRecord } from './state.js';

const live = new Set<OwnerRecord>();
let exitHookInstalled = false;

/** Sends SIGTERM (graceful poweroff) to the systemd-nspawn of every container of this process not yet shut down. */
export function stopLiveContainers(): void {
  for (const rec of live) signalIfAlive(rec.nspawnPid, rec.nspawnStart, 'SIGTERM');
}

/** Registers a container of this process (installs the exit hook the first time). */
export function addLive(rec: OwnerRecord): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', stopLiveContainers);
  }
  live.add(rec);
}

/** Forgets a container that was shut down. */
export function deleteLive(rec: OwnerRecord): void {
  live.delete(rec);
}
