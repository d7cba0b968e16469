/**
 * The Container object of a booted container: exec and files through its
 * leader, and the systemd helpers built on exec (journal, unit properties,
 * waiting for a unit state, installing a .deb).
 */
import path from 'node:path';
import type { RunResult } from '../../core/exec.js';
import { TacError } from '../../core/errors.js';
import type { Container, CopyInOptions, ExecOptions } from '../container.js';
import type { Rootfs } from '../rootfs.js';
import { execIn } from './exec.js';
import { copyInto, readFrom, writeInto } from './files.js';
import { sleep } from './procs.js';
import type { StatePaths } from './state.js';

/** What the handle is made of. */
export interface HandleParts {
  readonly name: string;
  readonly leaderPid: number;
  readonly nspawnPid: number;
  readonly paths: StatePaths;
  readonly rootfs: Rootfs | undefined;
  readonly bootState: string;
  readonly failedUnits: readonly string[];
  readonly bootMs: number;
  /** True once shutdown() was called. */
  readonly isDown: () => boolean;
  readonly shutdown: () => Promise<number>;
}

type Exec = (argv: readonly string[], o?: ExecOptions) => Promise<RunResult>;

/**
 * Once shut down, the leader's pid may be reused by a host process: nsenter
 * (or /proc/<pid>/root) would then reach the host, so nothing runs any more.
 */
export function upGuard(name: string, isDown: () => boolean): () => void {
  return () => {
    if (isDown()) throw new TacError('tacd.verify.down', `container ${name} is shut down`);
  };
}

/** `key=value` lines of systemctl show as a record. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** journalctl's arguments for Container.journal(). */
export function journalArgs(unit?: string, lines?: number): string[] {
  return ['journalctl', '--no-pager', '-b', '-o', 'short-precise', ...(unit ? ['-u', unit] : []), ...(lines !== undefined ? ['-n', String(lines)] : [])];
}

async function waitForUnitState(exec: Exec, unit: string, states: readonly string[], timeout: number): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const last = (await exec(['systemctl', 'is-active', unit])).stdout.trim();
    if (states.includes(last) || Date.now() > deadline) return last;
    await sleep(100);
  }
}

/** The systemd helpers of a Container, on top of its exec. */
function systemdHelpers(exec: Exec): Pick<Container, 'journal' | 'unitProperties' | 'waitForUnitState'> {
  return {
    async journal(unit, lines) {
      const r = await exec(journalArgs(unit, lines));
      return r.stdout + r.stderr;
    },
    async unitProperties(unit, props) {
      const r = await exec(['systemctl', 'show', unit, ...props.map((p) => `--property=${p}`)], { check: true });
      return parseProperties(r.stdout);
    },
    waitForUnitState: (unit, states, timeout = 15_000) => waitForUnitState(exec, unit, states, timeout),
  };
}

/** Wraps `fn` so that it rejects once the container is shut down. */
function whileUp<A extends unknown[], R>(requireUp: () => void, fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a) => {
    requireUp();
    return fn(...a);
  };
}

/** The Container for a booted system. */
export function containerHandle(p: HandleParts): Container {
  const requireUp = upGuard(p.name, p.isDown);
  const rootDir = `/proc/${p.leaderPid}/root`;
  const exec: Exec = (argv, o) => execIn(p.name, p.leaderPid, requireUp, argv, o);
  const container: Container = {
    name: p.name,
    leaderPid: p.leaderPid,
    nspawnPid: p.nspawnPid,
    stateDir: p.paths.stateDir,
    rootDir: p.paths.merged,
    rootfs: p.rootfs,
    bootState: p.bootState,
    failedUnits: p.failedUnits,
    bootMs: p.bootMs,
    exec,
    sh: (script, o) => exec(['/bin/sh', '-c', script], o),
    copyIn: whileUp(requireUp, (hostPath: string, containerPath: string, o: CopyInOptions = {}) => copyInto(rootDir, hostPath, containerPath, o)),
    writeFile: whileUp(requireUp, (containerPath: string, data: string | Uint8Array, mode?: number) => writeInto(rootDir, containerPath, data, mode)),
    readFile: whileUp(requireUp, (containerPath: string) => readFrom(rootDir, containerPath)),
    ...systemdHelpers(exec),
    installDeb: (hostDebPath) => installDeb(container, hostDebPath),
    shutdown: p.shutdown,
  };
  return container;
}

/** Copies a host .deb in and runs `dpkg -i` on it; returns dpkg's result. */
async function installDeb(c: Container, hostDebPath: string): Promise<RunResult> {
  const inside = `/var/tmp/tacd-install/${path.basename(hostDebPath)}`;
  await c.copyIn(hostDebPath, inside);
  const r = await c.exec(['dpkg', '-i', inside]);
  await c.exec(['rm', '-rf', '/var/tmp/tacd-install']);
  return r;
}
