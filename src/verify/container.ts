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
import { promises as fs, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { haveProgram, run, spawnProgram, type RunResult, type Spawned } from '../core/exec.js';
import { TacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import { ensureRootfs, mountPoints, requireRoot, unmountIfMounted, type Rootfs, type RootfsOptions } from './rootfs.js';

const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

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

interface OwnerRecord {
  readonly ownerPid: number;
  readonly ownerStart: string;
  nspawnPid?: number;
  nspawnStart?: string;
  readonly merged: string;
}

export function containerStateRoot(override?: string): string {
  return path.resolve(override ?? process.env.TACD_STATE_DIR ?? '/run/tacd/containers');
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), to tell a live pid from a reused one. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return after[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number | undefined, start: string | undefined): boolean {
  if (pid === undefined || start === undefined || processStart(pid) !== start) return false;
  try {
    // a zombie (exited, not yet reaped) counts as gone
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Signals a recorded process only while it is still the same process. */
function signal(pid: number | undefined, start: string | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined || !alive(pid, start)) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitGone(pid: number | undefined, start: string | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid, start)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Stops nspawn (graceful poweroff, then harder), unmounts and removes one state dir. */
async function teardownState(stateDir: string, rec: OwnerRecord | undefined, keepState: boolean): Promise<string[]> {
  const problems: string[] = [];
  if (rec?.nspawnPid !== undefined && alive(rec.nspawnPid, rec.nspawnStart)) {
    // SIGTERM: nspawn asks the container's systemd to power off.
    signal(rec.nspawnPid, rec.nspawnStart, 'SIGTERM');
    if (!(await waitGone(rec.nspawnPid, rec.nspawnStart, 20_000))) {
      // a second SIGTERM makes nspawn terminate the container at once
      signal(rec.nspawnPid, rec.nspawnStart, 'SIGTERM');
      if (!(await waitGone(rec.nspawnPid, rec.nspawnStart, 3_000))) {
        signal(rec.nspawnPid, rec.nspawnStart, 'SIGKILL');
        if (!(await waitGone(rec.nspawnPid, rec.nspawnStart, 5_000))) problems.push(`systemd-nspawn pid ${rec.nspawnPid} did not exit`);
      }
    }
  }
  for (const m of [path.join(stateDir, 'merged'), path.join(stateDir, 'rw')]) {
    if (!(await unmountIfMounted(m))) problems.push(`${m} is still mounted`);
  }
  const stillMounted = [...mountPoints()].some((m) => m === stateDir || m.startsWith(`${stateDir}/`));
  if (stillMounted) problems.push(`mounts remain under ${stateDir}`);
  else if (!keepState) await fs.rm(stateDir, { recursive: true, force: true }).catch((e: Error) => problems.push(e.message));
  return problems;
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
    let rec: OwnerRecord | undefined;
    try {
      rec = JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')) as OwnerRecord;
    } catch {
      rec = undefined;
    }
    if (rec && alive(rec.ownerPid, rec.ownerStart)) continue;
    if (!rec) {
      // no record yet: maybe a boot in progress in another process; only clean when old
      const st = await fs.stat(dir).catch(() => undefined);
      if (!st || Date.now() - st.mtimeMs < 120_000) continue;
    }
    await teardownState(dir, rec, false);
    cleaned.push(name);
  }
  return cleaned;
}

// Containers of this process. On exit their systemd-nspawn gets SIGTERM
// (graceful poweroff), so none keeps running after a crash; the mounts left
// then are removed by the next cleanupStaleContainers(). Signals are the
// business of whoever owns the process: this module installs no handler (the
// verify CLI turns SIGINT/SIGTERM/SIGHUP into an abort and shuts its
// container down; others may call stopLiveContainers()). A process ended by a
// signal or SIGKILL leaves its containers to the next cleanupStaleContainers().
const live = new Set<OwnerRecord>();
let exitHookInstalled = false;

/** Sends SIGTERM (graceful poweroff) to the systemd-nspawn of every container of this process not yet shut down. */
export function stopLiveContainers(): void {
  for (const rec of live) signal(rec.nspawnPid, rec.nspawnStart, 'SIGTERM');
}

function addLive(rec: OwnerRecord): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', stopLiveContainers);
  }
  live.add(rec);
}

function deleteLive(rec: OwnerRecord): void {
  live.delete(rec);
}

/** The error an aborted boot (or verify) ends with: "interrupted by SIGINT" when the abort's reason is the signal's name. */
export function interruptedError(signal: AbortSignal): TacError {
  const why = typeof signal.reason === 'string' ? signal.reason : 'an abort';
  return new TacError('tacd.verify.interrupted', `interrupted by ${why}`, { cause: signal.reason });
}

/** Resolves `containerPath` under /proc/<leader>/root the way the container would (absolute symlinks stay inside). */
async function resolveInside(rootDir: string, containerPath: string, createParents: boolean): Promise<string> {
  const parts = containerPath.split('/').filter((p) => p && p !== '.');
  const resolved: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(rootDir, ...resolved, part);
    const st = await fs.lstat(candidate).catch(() => undefined);
    // Every symlink is followed here, the last component's too: fs would otherwise
    // follow an absolute target on the host.
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new TacError('tacd.verify.path', `too many symlinks resolving ${containerPath} in the container`);
      const target = await fs.readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      parts.unshift(...target.split('/').filter((p) => p && p !== '.'));
      continue;
    }
    if (!st && parts.length > 0 && createParents) await fs.mkdir(candidate, { mode: 0o755 });
    resolved.push(part);
  }
  return path.join(rootDir, ...resolved);
}

/** Boots a container and waits until its systemd is running (or degraded). */
export async function bootContainer(options: ContainerOptions = {}): Promise<Container> {
  requireRoot('booting a systemd container');
  for (const [prog, pkg] of [
    ['systemd-nspawn', 'systemd-container'],
    ['nsenter', 'util-linux'],
    ['mount', 'mount'],
  ] as const) {
    if (!(await haveProgram(prog))) {
      throw new TacError('tacd.verify.missing', `booting a systemd container needs '${prog}' (Debian package ${pkg}); install it with apt-get install ${pkg}`, {
        exitCode: ExitCode.UNAVAILABLE,
      });
    }
  }
  const rootfs = options.rootfsPath ? undefined : await ensureRootfs({ ...options.rootfs, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const lower = options.rootfsPath ? path.resolve(options.rootfsPath) : rootfs!.path;
  const name = options.name ?? `tacd-${randomBytes(4).toString('hex')}`;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/.test(name)) {
    throw new TacError('tacd.verify.name', `container name '${name}' must be letters, digits and '-', at most 63 characters`, { exitCode: ExitCode.USAGE });
  }
  if (options.signal?.aborted) throw interruptedError(options.signal);
  const stateRoot = containerStateRoot(options.stateRoot);
  const stateDir = path.join(stateRoot, name);
  if (existsSync(stateDir)) {
    throw new TacError('tacd.verify.exists', `container state ${stateDir} already exists (is '${name}' running?)`, { exitCode: ExitCode.TEMPFAIL });
  }
  const rw = path.join(stateDir, 'rw');
  const merged = path.join(stateDir, 'merged');
  const consoleLog = path.join(stateDir, 'console.log');
  await fs.mkdir(rw, { recursive: true, mode: 0o755 });
  await fs.mkdir(merged, { recursive: true, mode: 0o755 });
  const rec: OwnerRecord = { ownerPid: process.pid, ownerStart: processStart(process.pid) ?? '', merged };
  const writeRec = (): Promise<void> => fs.writeFile(path.join(stateDir, 'owner.json'), `${JSON.stringify(rec)}\n`);
  await writeRec();
  addLive(rec);

  let nspawn: Spawned['child'] | undefined;
  let shutdownDone: Promise<number> | undefined;
  const shutdown = (): Promise<number> => {
    shutdownDone ??= (async () => {
      const t0 = Date.now();
      const problems = await teardownState(stateDir, rec, options.keepState ?? false);
      if (nspawn) await nspawn.catch(() => undefined);
      deleteLive(rec);
      if (problems.length) {
        throw new TacError('tacd.verify.teardown', `tearing down container ${name}: ${problems.join('; ')}`, { exitCode: ExitCode.OSERR });
      }
      return Date.now() - t0;
    })();
    return shutdownDone;
  };

  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${options.overlaySize ?? '4G'},mode=0755`, 'tacd-overlay', rw]);
    await fs.mkdir(path.join(rw, 'upper'), { mode: 0o755 });
    await fs.mkdir(path.join(rw, 'work'), { mode: 0o755 });
    await run('mount', ['-t', 'overlay', 'tacd-overlay', '-o', `lowerdir=${lower},upperdir=${rw}/upper,workdir=${rw}/work`, merged]);
    await fs.chmod(merged, 0o755);
    // A policy-rc.d that exits 101 makes deb-systemd-invoke silently skip starts (overlay whiteout).
    await fs.rm(path.join(merged, 'usr/sbin/policy-rc.d'), { force: true });
    for (const u of options.maskUnits ?? []) {
      const p = path.join(merged, 'etc/systemd/system', u);
      await fs.rm(p, { force: true });
      await fs.symlink('/dev/null', p);
    }

    const args = ['-D', merged, '-M', name, '-b', '--register=no', '--keep-unit', '--console=pipe'];
    if (options.privateNetwork) args.push('--private-network');
    for (const b of options.bindReadOnly ?? []) args.push(`--bind-ro=${b}`);
    for (const b of options.bind ?? []) args.push(`--bind=${b}`);
    args.push(...(options.nspawnArgs ?? []));

    const t0 = Date.now();
    // detached = own session: a Ctrl-C to our process group does not hit nspawn;
    // shutdown() (or the exit hook) stops it. The console goes straight to the
    // file (sh redirects, then execs nspawn under the same pid), not through a
    // pipe that would break if this process died.
    ({ child: nspawn } = await spawnProgram(
      'sh',
      ['-c', 'log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1', 'sh', consoleLog, 'systemd-nspawn', ...args],
      { detached: true, cleanup: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', buffer: false, env: { SYSTEMD_LOG_COLOR: '0' } },
    ));
    nspawn.catch(() => undefined);
    const nspawnPid = nspawn.pid;
    if (nspawnPid === undefined) throw new TacError('tacd.verify.boot', 'systemd-nspawn could not be started', { exitCode: ExitCode.OSERR });
    rec.nspawnPid = nspawnPid;
    rec.nspawnStart = processStart(nspawnPid);
    await writeRec();

    let exited = false;
    void nspawn.then(() => {
      exited = true;
    });
    const timeoutMs = (options.bootTimeoutSec ?? 60) * 1000;
    let leader: number | undefined;
    let state = '';
    const fail = async (why: string): Promise<never> => {
      let tail = '';
      try {
        tail = (await fs.readFile(consoleLog, 'utf8')).trim().split('\n').slice(-15).join('\n');
      } catch {
        tail = '';
      }
      const last = tail.split('\n').filter((l) => l.trim() && !/^(Spawning container|Press \^\]|Detected|Hostname set)/.test(l)).at(-1) ?? '';
      throw new TacError('tacd.verify.boot', `container ${name}: ${why}${last ? `; console: ${last.trim()}` : ''}`, {
        exitCode: ExitCode.UNAVAILABLE,
        cause: new Error(`console of ${name}:\n${tail}`),
      });
    };
    for (;;) {
      if (options.signal?.aborted) throw interruptedError(options.signal);
      if (exited) await fail('systemd-nspawn exited during boot');
      if (Date.now() - t0 > timeoutMs) await fail(`systemd did not reach running within ${timeoutMs / 1000}s (last state '${state || 'no leader'}')`);
      if (leader === undefined) leader = childrenOf(nspawnPid).find((c) => comm(c) === 'systemd');
      if (leader !== undefined) {
        const r = await run('nsenter', ['-t', String(leader), '-a', '--', '/usr/bin/env', '-i', `PATH=${CONTAINER_PATH}`, 'systemctl', 'is-system-running'], {
          allowFailure: true,
          timeoutMs: 10_000,
        }).catch(() => undefined);
        if (r && !r.timedOut) state = r.stdout.trim();
        if (state === 'running' || state === 'degraded') break;
        if (state === 'maintenance' || state === 'stopping') await fail(`systemd is in state '${state}'`);
      }
      await sleep(100);
    }
    const bootMs = Date.now() - t0;
    const leaderPid = leader!;

    // Once shut down, the leader's pid may be reused by a host process: nsenter
    // (or /proc/<pid>/root) would then reach the host, so nothing runs any more.
    const requireUp = (): void => {
      if (shutdownDone !== undefined) throw new TacError('tacd.verify.down', `container ${name} is shut down`);
    };
    const exec = async (argv: readonly string[], o: ExecOptions = {}): Promise<RunResult> => {
      if (argv.length === 0) throw new TacError('tacd.verify.exec', 'exec needs a command', { exitCode: ExitCode.USAGE });
      requireUp();
      const env = {
        PATH: CONTAINER_PATH,
        HOME: '/root',
        LANG: 'C.UTF-8',
        TERM: 'dumb',
        SYSTEMD_PAGER: '',
        SYSTEMD_COLORS: '0',
        DEBIAN_FRONTEND: 'noninteractive',
        ...o.env,
      };
      const unitPrefix = o.asUnit
        ? ['systemd-run', '--quiet', '--wait', '--pipe', '--collect', '--service-type=exec', ...Object.entries(o.env ?? {}).map(([k, v]) => `--setenv=${k}=${v}`), '--']
        : [];
      const r = await run(
        'nsenter',
        ['-t', String(leaderPid), '-a', '--', '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...unitPrefix, ...argv],
        { allowFailure: true, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) },
      );
      if (o.check && r.timedOut) throw new TacError('tacd.verify.exec', `in container ${name}: '${argv.join(' ')}' did not finish within ${o.timeoutMs! / 1000} s`);
      if (o.check && r.exitCode !== 0) {
        const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ');
        throw new TacError('tacd.verify.exec', `in container ${name}: '${argv.join(' ')}' exited ${r.exitCode}: ${detail}`);
      }
      return r;
    };
    const rootDir = `/proc/${leaderPid}/root`;
    let failedUnits: string[] = [];
    if (state === 'degraded') {
      const r = await exec(['systemctl', 'list-units', '--failed', '--plain', '--no-legend', '--no-pager']);
      failedUnits = r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
      if (options.allowDegraded === false) await fail(`systemd is degraded (failed: ${failedUnits.join(', ')})`);
    }

    const container: Container = {
      name,
      leaderPid,
      nspawnPid,
      stateDir,
      rootDir: merged,
      rootfs,
      bootState: state,
      failedUnits,
      bootMs,
      exec,
      sh: (script, o) => exec(['/bin/sh', '-c', script], o),
      async copyIn(hostPath, containerPath, o = {}) {
        requireUp();
        const dest = await resolveInside(rootDir, containerPath, true);
        await fs.cp(hostPath, dest, { recursive: true, force: true, preserveTimestamps: true });
        if (o.mode !== undefined) await fs.chmod(dest, o.mode);
      },
      async writeFile(containerPath, data, mode) {
        requireUp();
        const dest = await resolveInside(rootDir, containerPath, true);
        await fs.writeFile(dest, data);
        if (mode !== undefined) await fs.chmod(dest, mode);
      },
      async readFile(containerPath) {
        requireUp();
        return fs.readFile(await resolveInside(rootDir, containerPath, false));
      },
      async journal(unit, lines) {
        const r = await exec([
          'journalctl',
          '--no-pager',
          '-b',
          '-o',
          'short-precise',
          ...(unit ? ['-u', unit] : []),
          ...(lines !== undefined ? ['-n', String(lines)] : []),
        ]);
        return r.stdout + r.stderr;
      },
      async unitProperties(unit, props) {
        const r = await exec(['systemctl', 'show', unit, ...props.map((p) => `--property=${p}`)], { check: true });
        const out: Record<string, string> = {};
        for (const line of r.stdout.split('\n')) {
          const i = line.indexOf('=');
          if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
        }
        return out;
      },
      async waitForUnitState(unit, states, timeout = 15_000) {
        const deadline = Date.now() + timeout;
        let last = '';
        for (;;) {
          last = (await exec(['systemctl', 'is-active', unit])).stdout.trim();
          if (states.includes(last) || Date.now() > deadline) return last;
          await sleep(100);
        }
      },
      async installDeb(hostDebPath) {
        const inside = `/var/tmp/tacd-install/${path.basename(hostDebPath)}`;
        await container.copyIn(hostDebPath, inside);
        const r = await exec(['dpkg', '-i', inside]);
        await exec(['rm', '-rf', '/var/tmp/tacd-install']);
        return r;
      },
      shutdown,
    };
    return container;
  } catch (e) {
    await shutdown().catch(() => undefined);
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
