/**
 * Waiting for a container's systemd to finish booting: find the systemd that
 * nspawn started (the leader), then poll `systemctl is-system-running` until
 * it says running or degraded. A boot that ends otherwise fails with one line
 * and the console's last meaningful line.
 */
import { promises as fs } from 'node:fs';
import { run, type RunResult } from '../../core/exec.js';
import { TacError, UnavailableError } from '../../core/errors.js';
import { throwIfAborted } from '../interrupt.js';
import { CONTAINER_PATH } from './exec.js';
import { childrenOf, comm, sleep } from './procs.js';

/** What the wait watches. */
export interface BootWatch {
  readonly name: string;
  readonly consoleLog: string;
  readonly nspawnPid: number;
  /** True once systemd-nspawn has exited. */
  readonly exited: () => boolean;
  readonly t0: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** The booted system: its leader and `systemctl is-system-running`'s last word. */
export interface Booted {
  readonly leaderPid: number;
  readonly state: string;
}

/** The console line worth quoting: the last non-empty one that is not nspawn's or systemd's greeting. */
export function consoleReason(tail: string): string {
  const noise = /^(Spawning container|Press \^\]|Detected|Hostname set)/;
  return tail.split('\n').filter((l) => l.trim() && !noise.test(l)).at(-1)?.trim() ?? '';
}

/** The last 15 lines of the console log ('' when unreadable). */
async function consoleTail(consoleLog: string): Promise<string> {
  try {
    return (await fs.readFile(consoleLog, 'utf8')).trim().split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** The error of a failed boot: `why`, with the console's reason; the whole tail is its cause (--debug). */
export async function bootFailure(name: string, consoleLog: string, why: string): Promise<TacError> {
  const tail = await consoleTail(consoleLog);
  const last = consoleReason(tail);
  return new UnavailableError('tacd.verify.boot', `container ${name}: ${why}${last ? `; console: ${last}` : ''}`, {
    cause: new Error(`console of ${name}:\n${tail}`),
  });
}

/** The container's systemd: the child of nspawn named systemd. */
function findLeader(nspawnPid: number): number | undefined {
  return childrenOf(nspawnPid).find((c) => comm(c) === 'systemd');
}

/** `systemctl is-system-running` in the container, or undefined when it could not be asked. */
async function systemState(leader: number): Promise<string | undefined> {
  const argv = ['-t', String(leader), '-a', '--', '/usr/bin/env', '-i', `PATH=${CONTAINER_PATH}`, 'systemctl', 'is-system-running'];
  const r = await run('nsenter', argv, { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
  return r && !r.timedOut ? r.stdout.trim() : undefined;
}

interface Seen {
  leader?: number | undefined;
  state: string;
}

/** One poll: true when booted; throws when the boot failed, timed out or was aborted. */
async function booted(w: BootWatch, seen: Seen): Promise<boolean> {
  throwIfAborted(w.signal);
  if (w.exited()) throw await bootFailure(w.name, w.consoleLog, 'systemd-nspawn exited during boot');
  if (Date.now() - w.t0 > w.timeoutMs) {
    throw await bootFailure(w.name, w.consoleLog, `systemd did not reach running within ${w.timeoutMs / 1000}s (last state '${seen.state || 'no leader'}')`);
  }
  seen.leader ??= findLeader(w.nspawnPid);
  if (seen.leader === undefined) return false;
  seen.state = (await systemState(seen.leader)) ?? seen.state;
  if (seen.state === 'running' || seen.state === 'degraded') return true;
  if (seen.state === 'maintenance' || seen.state === 'stopping') throw await bootFailure(w.name, w.consoleLog, `systemd is in state '${seen.state}'`);
  return false;
}

/** Polls every 100 ms until systemd is running or degraded (bounded by w.timeoutMs). */
export async function waitForBoot(w: BootWatch): Promise<Booted> {
  const seen: Seen = { state: '' };
  while (!(await booted(w, seen))) await sleep(100);
  return { leaderPid: seen.leader!, state: seen.state };
}

/** The failed units of a degraded system. */
export async function failedUnitsOf(exec: (argv: readonly string[]) => Promise<RunResult>): Promise<string[]> {
  const r = await exec(['systemctl', 'list-units', '--failed', '--plain', '--no-legend', '--no-pager']);
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}
