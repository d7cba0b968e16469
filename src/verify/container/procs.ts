/**
 * Host processes by pid, read from /proc: is a recorded process still the
 * same one (pid and start time), its children, its name; signalling it only
 * while it is.
 */
import { readFileSync, readdirSync } from 'node:fs';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, first). */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), to tell a live pid from a reused one. */
export function processStart(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** True while `pid` is the process that started at `start` and has not exited (a zombie counts as gone). */
export function alive(pid: number | undefined, start: string | undefined): boolean {
  if (pid === undefined || start === undefined || processStart(pid) !== start) return false;
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

/** The pids whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => Number(statFields(name)?.[1]) === pid)
    .map(Number);
}

/** The command name of `pid` ('' when it is gone). */
export function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Signals a recorded process only while it is still the same process. */
export function signalIfAlive(pid: number | undefined, start: string | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined || !alive(pid, start)) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Waits up to `ms` for the recorded process to be gone; false when it still runs. */
export async function waitGone(pid: number | undefined, start: string | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid, start)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}
