/**
 * Tearing a container down: stop its systemd-nspawn (graceful poweroff, then
 * harder), unmount the overlay and its tmpfs, remove the state dir. The same
 * steps clean up what a crashed process left (cleanupStaleContainers).
 */
import { promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { mountPoints, unmountIfMounted } from '../mounts.js';
import { alive, signalIfAlive, waitGone } from './procs.js';
import { containerStateRoot, readOwner, type OwnerRecord } from './state.js';

/** How nspawn is stopped: each signal, then how long to wait for it to exit. */
export const STOP_STEPS: readonly (readonly [NodeJS.Signals, number])[] = [
  // SIGTERM: nspawn asks the container's systemd to power off.
  ['SIGTERM', 20_000],
  // a second SIGTERM makes nspawn terminate the container at once
  ['SIGTERM', 3_000],
  ['SIGKILL', 5_000],
];

/** Stops the recorded nspawn (STOP_STEPS); a problem line when it did not exit. */
async function stopNspawn(rec: OwnerRecord | undefined): Promise<string[]> {
  if (rec?.nspawnPid === undefined || !alive(rec.nspawnPid, rec.nspawnStart)) return [];
  for (const [sig, ms] of STOP_STEPS) {
    signalIfAlive(rec.nspawnPid, rec.nspawnStart, sig);
    if (await waitGone(rec.nspawnPid, rec.nspawnStart, ms)) return [];
  }
  return [`systemd-nspawn pid ${rec.nspawnPid} did not exit`];
}

/** Unmounts merged and rw, then removes the state dir unless a mount remains (or keepState). */
async function unmountAndRemove(stateDir: string, keepState: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const m of [path.join(stateDir, 'merged'), path.join(stateDir, 'rw')]) {
    if (!(await unmountIfMounted(m))) problems.push(`${m} is still mounted`);
  }
  const stillMounted = [...mountPoints()].some((m) => m === stateDir || m.startsWith(`${stateDir}/`));
  if (stillMounted) problems.push(`mounts remain under ${stateDir}`);
  else if (!keepState) await fs.rm(stateDir, { recursive: true, force: true }).catch((e: Error) => problems.push(e.message));
  return problems;
}

/** Stops nspawn (graceful poweroff, then harder), unmounts and removes one state dir; returns the problems. */
export async function teardownState(stateDir: string, rec: OwnerRecord | undefined, keepState: boolean): Promise<string[]> {
  const problems = await stopNspawn(rec);
  return [...problems, ...(await unmountAndRemove(stateDir, keepState))];
}

/** True when the state dir is a leftover: its owner is gone, or it has no record and is older than 2 minutes. */
async function isStale(dir: string, rec: OwnerRecord | undefined): Promise<boolean> {
  if (rec) return !alive(rec.ownerPid, rec.ownerStart);
  // no record yet: maybe a boot in progress in another process; only clean when old
  const st = await fs.stat(dir).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs >= 120_000;
}

/**
 * Tears down containers under `stateRoot` whose owning process is gone (a
 * crashed test run): stops their systemd-nspawn, unmounts, removes the state.
 * Containers of live processes are left alone. Returns the names cleaned.
 */
export async function cleanupStaleContainers(stateRoot?: string): Promise<string[]> {
  const root = containerStateRoot(stateRoot);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const cleaned: string[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    const rec = readOwner(dir);
    if (!(await isStale(dir, rec))) continue;
    await teardownState(dir, rec, false);
    cleaned.push(name);
  }
  return cleaned;
}
