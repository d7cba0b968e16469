/**
 * A throwaway container whose PID 1 is a real systemd, booted with
 * systemd-nspawn on a tmpfs overlay of the cached rootfs (rootfs.ts), and
 * driven from the host with nsenter. Works on hosts whose PID 1 is not systemd
 * and that run no D-Bus or systemd-machined:
 *   --register=no --keep-unit   no machined / host systemd to talk to
 *   nsenter -t <leader> -a      instead of machinectl shell / systemd-run -M
 *   own overlay, tmpfs upper     every boot starts from the pristine rootfs
 *
 * State per container: <stateRoot>/<name>/{rw (tmpfs: upper, work), merged,
 * console.log, owner.json}. stateRoot defaults to env TACD_STATE_DIR or
 * /run/tacd/containers. cleanupStaleContainers() tears down what a crashed
 * process left there (its recorded owner process is gone).
 *
 *   container/state.ts      the state dir and owner.json
 *   container/overlay.ts    tmpfs + overlay of the rootfs
 *   container/nspawn.ts     the systemd-nspawn command line and process
 *   container/boot-wait.ts  waiting for running/degraded
 *   container/exec.ts       nsenter: running commands inside
 *   container/files.ts      files inside, symlinks resolved inside
 *   container/handle.ts     the Container object
 *   container/teardown.ts   shutdown and stale-container cleanup
 *   container/live.ts       this process's containers, stopped on exit
 *   container/procs.ts      host processes by pid (/proc)
 *
 * Usage:
 *   await withContainer({ rootfs: { hostNode: true, extraPackages: ['rpm'] } }, async (c) => {
 *     await c.installDeb('out/echo_1.0-1_all.deb');           // dpkg -i (copied in first)
 *     await c.waitForUnitState('echo.service', ['active']);
 *     (await c.exec(['curl', '-sf', 'http://127.0.0.1:8080/'])).stdout;
 *     await c.journal('echo.service');
 *   });
 * `hostNode: true` bakes the host's Node (>= 20) into the image as package
 * `nodejs` (rootfs.ts hostNodeDeb()), so `Depends: nodejs (>= 20)` installs
 * offline; Debian bookworm's own nodejs is 18. `extraPackages: ['rpm']` adds
 * Debian's rpm (database in /var/lib/rpm) for `rpm -ivh --nodeps` tests.
 * Without hostNode, c.installDeb((await hostNodeDeb()).path) installs it later.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { RunResult } from '../core/exec.js';
import { OsError, UsageError } from '../core/errors.js';
import { bootFailure, failedUnitsOf, waitForBoot, type Booted } from './container/boot-wait.js';
import { execIn } from './container/exec.js';
import { containerHandle } from './container/handle.js';
import { addLive, deleteLive } from './container/live.js';
import { nspawnArgs, startNspawn, type Nspawn } from './container/nspawn.js';
import { mountOverlay, prepareRoot } from './container/overlay.js';
import { processStart } from './container/procs.js';
import { containerStateRoot, createState, statePaths, writeOwner, type OwnerRecord, type StatePaths } from './container/state.js';
import { teardownState } from './container/teardown.js';
import { requirePrograms, requireRoot } from './host.js';
import { throwIfAborted } from './interrupt.js';
import { ensureRootfs, type Rootfs, type RootfsOptions } from './rootfs.js';

// The container API other modules use, from this one path.
export { cleanupStaleContainers } from './container/teardown.js';
export { stopLiveContainers } from './container/live.js';
export { containerStateRoot } from './container/state.js';

export interface ContainerOptions {
  /** Machine name (hostname inside); default tacd-<random>. */
  readonly name?: string;
  /** Which rootfs to boot; passed to ensureRootfs() unless `rootfsPath` is given. */
  readonly rootfs?: RootfsOptions;
  /** Boot this tree instead (lower dir, used read-only). */
  readonly rootfsPath?: string;
  /** Where per-container state lives; default env TACD_STATE_DIR or /run/tacd/containers. */
  readonly stateRoot?: string;
  /** Give the container its own network namespace (loopback only, no apt). Default false: share the host's. */
  readonly privateNetwork?: boolean;
  /** Host paths bind-mounted read-only at the same path (or "host:container"). */
  readonly bindReadOnly?: readonly string[];
  /** Host paths bind-mounted read-write at the same path (or "host:container"). */
  readonly bind?: readonly string[];
  /** Units masked before boot. */
  readonly maskUnits?: readonly string[];
  /** Seconds to wait for `running`/`degraded`; default 60. */
  readonly bootTimeoutSec?: number;
  /** Accept `degraded` as booted (default true); the failed units are in `bootState`. */
  readonly allowDegraded?: boolean;
  /** Size of the tmpfs holding the writable layer; default 4G. */
  readonly overlaySize?: string;
  /** Extra systemd-nspawn arguments. */
  readonly nspawnArgs?: readonly string[];
  /** Keep the state dir's console.log after shutdown, for debugging (the writable layer is a tmpfs and goes). */
  readonly keepState?: boolean;
  /** Progress lines (rootfs build); default stderr. */
  readonly onProgress?: (line: string) => void;
  /** Stops waiting for the boot when aborted: the container is torn down and interruptedError() thrown. */
  readonly signal?: AbortSignal;
}

export interface ExecOptions {
  /** Extra environment (the base is a clean PATH, HOME=/root, LANG=C.UTF-8, ...). */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Uint8Array;
  readonly timeoutMs?: number;
  /** Throw a TacError when the command exits non-zero (default false: inspect exitCode). */
  readonly check?: boolean;
  /**
   * Run it as a transient unit of the container's systemd (systemd-run --wait
   * --pipe): own cgroup, journal, the service environment instead of nsenter's.
   */
  readonly asUnit?: boolean;
}

export interface CopyInOptions {
  /** Mode for a copied file (default: the host file's). */
  readonly mode?: number;
}

/** A booted container. Always call shutdown() (or use withContainer()). */
export interface Container {
  readonly name: string;
  /** PID (host namespace) of the container's systemd. */
  readonly leaderPid: number;
  /** PID of systemd-nspawn. */
  readonly nspawnPid: number;
  readonly stateDir: string;
  /** The merged overlay (the container's / as seen from the host mount namespace). */
  readonly rootDir: string;
  readonly rootfs: Rootfs | undefined;
  /** `systemctl is-system-running` when boot finished: running or degraded. */
  readonly bootState: string;
  /** Failed units when boot finished (empty when running). */
  readonly failedUnits: readonly string[];
  /** ms from starting systemd-nspawn to running/degraded. */
  readonly bootMs: number;
  /** Runs argv inside every namespace of the container, with a clean environment. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<RunResult>;
  /** exec(['sh', '-c', script]). */
  sh(script: string, options?: ExecOptions): Promise<RunResult>;
  /** Copies a host file or directory to a path inside the container (parents created). */
  copyIn(hostPath: string, containerPath: string, options?: CopyInOptions): Promise<void>;
  /** Writes a file inside the container. */
  writeFile(containerPath: string, data: string | Uint8Array, mode?: number): Promise<void>;
  /** Reads a file inside the container. */
  readFile(containerPath: string): Promise<Buffer>;
  /** `journalctl -b -u unit` output (all units when omitted). */
  journal(unit?: string, lines?: number): Promise<string>;
  /** systemctl show -p ... as a record. */
  unitProperties(unit: string, props: readonly string[]): Promise<Record<string, string>>;
  /** Polls `systemctl is-active` until it prints one of `states`; returns the last state. */
  waitForUnitState(unit: string, states: readonly string[], timeoutMs?: number): Promise<string>;
  /** Copies a host .deb in and runs `dpkg -i` on it (e.g. hostNodeDeb().path); returns dpkg's result. */
  installDeb(hostDebPath: string): Promise<RunResult>;
  /** Powers the container off, unmounts, removes the state. Idempotent; returns ms taken. */
  shutdown(): Promise<number>;
}

/** One boot in progress: what shutdown() must undo. */
interface Session {
  readonly name: string;
  readonly paths: StatePaths;
  readonly rec: OwnerRecord;
  readonly keepState: boolean;
  nspawn?: Nspawn;
  shutdownDone?: Promise<number>;
}

/** Tears the session down once (later calls get the same promise); rejects naming what is left. */
function shutdownOf(s: Session): () => Promise<number> {
  return () => {
    s.shutdownDone ??= (async () => {
      const t0 = Date.now();
      const problems = await teardownState(s.paths.stateDir, s.rec, s.keepState);
      if (s.nspawn) await s.nspawn.catch(() => undefined);
      deleteLive(s.rec);
      if (problems.length) {
        throw new OsError('tacd.verify.teardown', `tearing down container ${s.name}: ${problems.join('; ')}`);
      }
      return Date.now() - t0;
    })();
    return s.shutdownDone;
  };
}

/** The machine name: the option or tacd-<random>; letters, digits and '-' only. */
export function containerName(name: string = `tacd-${randomBytes(4).toString('hex')}`): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/.test(name)) {
    throw new UsageError(`container name '${name}' must be letters, digits and '-', at most 63 characters`, { code: 'tacd.verify.name' });
  }
  return name;
}

/** The lower dir to boot: options.rootfsPath, else the cached rootfs (built when missing). */
async function lowerDir(options: ContainerOptions): Promise<{ lower: string; rootfs: Rootfs | undefined }> {
  if (options.rootfsPath) return { lower: path.resolve(options.rootfsPath), rootfs: undefined };
  const rootfs = await ensureRootfs({ ...options.rootfs, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  return { lower: rootfs.path, rootfs };
}

/** Starts nspawn on the prepared overlay, records its pid, and waits for the boot. */
async function startAndWait(s: Session, options: ContainerOptions): Promise<Booted & { nspawnPid: number; bootMs: number }> {
  const t0 = Date.now();
  const { child, pid } = await startNspawn(nspawnArgs(s.paths.merged, s.name, options), s.paths.consoleLog);
  s.nspawn = child;
  s.rec.nspawnPid = pid;
  s.rec.nspawnStart = processStart(pid);
  await writeOwner(s.paths, s.rec);
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  const timeoutMs = (options.bootTimeoutSec ?? 60) * 1000;
  const booted = await waitForBoot({ name: s.name, consoleLog: s.paths.consoleLog, nspawnPid: pid, exited: () => exited, t0, timeoutMs, signal: options.signal });
  return { ...booted, nspawnPid: pid, bootMs: Date.now() - t0 };
}

/** Mounts, boots and waits; the Container once systemd is running (or degraded, when allowed). */
async function boot(s: Session, options: ContainerOptions, lower: string, rootfs: Rootfs | undefined): Promise<Container> {
  await mountOverlay(s.paths, lower, options.overlaySize ?? '4G');
  await prepareRoot(s.paths.merged, options.maskUnits ?? []);
  const b = await startAndWait(s, options);
  const isDown = (): boolean => s.shutdownDone !== undefined;
  const exec = (argv: readonly string[]): Promise<RunResult> => execIn(s.name, b.leaderPid, () => undefined, argv);
  const failedUnits = b.state === 'degraded' ? await failedUnitsOf(exec) : [];
  if (b.state === 'degraded' && options.allowDegraded === false) {
    throw await bootFailure(s.name, s.paths.consoleLog, `systemd is degraded (failed: ${failedUnits.join(', ')})`);
  }
  const parts = { name: s.name, leaderPid: b.leaderPid, nspawnPid: b.nspawnPid, paths: s.paths, rootfs, bootState: b.state, failedUnits, bootMs: b.bootMs };
  return containerHandle({ ...parts, isDown, shutdown: shutdownOf(s) });
}

const BOOT_TOOLS = [
  ['systemd-nspawn', 'systemd-container'],
  ['nsenter', 'util-linux'],
  ['mount', 'mount'],
] as const;

/** Boots a container and waits until its systemd is running (or degraded). */
export async function bootContainer(options: ContainerOptions = {}): Promise<Container> {
  requireRoot('booting a systemd container');
  await requirePrograms(BOOT_TOOLS, 'booting a systemd container');
  const { lower, rootfs } = await lowerDir(options);
  const name = containerName(options.name);
  throwIfAborted(options.signal);
  const paths = statePaths(containerStateRoot(options.stateRoot), name);
  const rec = await createState(paths, name);
  addLive(rec);
  const s: Session = { name, paths, rec, keepState: options.keepState ?? false };
  try {
    return await boot(s, options, lower, rootfs);
  } catch (e) {
    await shutdownOf(s)().catch(() => undefined);
    throw e;
  }
}

/** Boots a container, runs `fn`, and always shuts it down (even when `fn` throws). */
export async function withContainer<T>(options: ContainerOptions, fn: (c: Container) => Promise<T>): Promise<T> {
  const c = await bootContainer(options);
  let result: T;
  try {
    result = await fn(c);
  } catch (e) {
    await c.shutdown().catch(() => undefined);
    throw e;
  }
  await c.shutdown();
  return result;
}
