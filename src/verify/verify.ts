/**
 * `ts2deb verify` / `ts2rpm verify`: installs a package in a throwaway
 * container whose PID 1 is a real systemd (container.ts, on the shared
 * LIFECYCLE_ROOTFS image, private network) and checks what a release needs:
 *
 *   package    the package names a systemd .service unit
 *   install    dpkg -i (rpm -ivh --nodeps) succeeds, no maintainer script fails
 *   [upgrade]  with upgradeFrom: the old version installed and running, its
 *              conffile edited, then this package installed over it: the edit
 *              is kept, the service restarted exactly once and never stopped
 *   enabled    systemctl is-enabled says enabled
 *   active     the unit reaches active
 *   settle     after settleMs it is still active, same MainPID, NRestarts=0
 *   probe      --probe answers (default: the first TCP port the service listens on)
 *   reload     systemctl reload works and keeps MainPID (skipped without ExecReload)
 *   restart    systemctl restart gives a new MainPID, active, the probe answers
 *   remove     dpkg -r: stopped, no process of the service user left (deb)
 *   purge      dpkg -P / rpm -e: no unit, enablement link, helper state,
 *              /etc/default|sysconfig/NAME, /var/lib/NAME, /var/log/NAME, no
 *              file of the package left. The system user is kept (Debian
 *              policy: an account is never reused for someone else's files);
 *              the detail says whether it exists.
 *
 * After a failed service check the later service checks are skipped; the
 * removal checks still run if the package was installed. Problems of the host
 * (not root, no nspawn, no rootfs) are thrown as TacErrors; problems of the
 * package are failed steps. The container is always shut down; when that
 * fails after the checks, a failed `teardown` step is added to their table.
 * Containers of earlier runs that were killed are removed first.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { haveProgram, type RunResult } from '../core/exec.js';
import { NoInputError, TacError, describeError, isTacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import { bootContainer, cleanupStaleContainers, interruptedError, type Container, type ContainerOptions } from './container.js';
import { ensureRootfs, LIFECYCLE_ROOTFS, requireRoot, type RootfsOptions } from './rootfs.js';
import { listeningSockets, probeUntil, type Probe } from './probe.js';

export type PackageFormat = 'deb' | 'rpm';

export interface VerifyOptions {
  /** The package file to verify. */
  readonly pkg: string;
  readonly format: PackageFormat;
  /** Parsed --probe (parseProbe); default: the first TCP port the service listens on. */
  readonly probe?: Probe;
  /** An older package of the same name: install it first, then upgrade to `pkg`. */
  readonly upgradeFrom?: string;
  /**
   * Called with the container before the removal checks (after the first
   * failed check, or once all passed); the removal checks are then skipped and
   * the container is torn down when it resolves (the CLI's --keep waits for Ctrl-C).
   */
  readonly keep?: (c: Container, result: VerifyResult) => Promise<void>;
  /** How long the probe is retried before it fails; default 15000 ms. */
  readonly probeTimeoutMs?: number;
  /** How long the service must stay up without a restart; default 3000 ms (RestartSec of our units is 2 s). */
  readonly settleMs?: number;
  /** Progress lines (rootfs build, each step). */
  readonly onProgress?: (line: string) => void;
  /** Rootfs options on top of LIFECYCLE_ROOTFS (tests: cacheDir). */
  readonly rootfs?: Omit<RootfsOptions, 'hostNode' | 'extraPackages' | 'onProgress'>;
  /** Container options (tests: stateRoot); privateNetwork is always on. */
  readonly container?: Pick<ContainerOptions, 'stateRoot' | 'bootTimeoutSec'>;
  /**
   * Stops the run when aborted (the verify CLI aborts on SIGINT/SIGTERM/SIGHUP
   * with the signal's name as the reason): the check under way is abandoned,
   * the container is shut down, and the promise rejects with
   * interruptedError() ("interrupted by SIGINT"). A rootfs build under way is
   * finished first.
   */
  readonly signal?: AbortSignal;
}

export interface VerifyStep {
  readonly name: string;
  readonly ok: boolean;
  /** Not run, because an earlier check failed (or --keep). */
  readonly skipped?: boolean;
  readonly detail: string;
  readonly ms: number;
}

export interface VerifyResult {
  ok: boolean;
  readonly pkg: string;
  readonly format: PackageFormat;
  /** Package name and unit, once read from the package. */
  name?: string;
  version?: string;
  unit?: string;
  readonly steps: VerifyStep[];
  /** The unit's journal (last 100 lines) when a check failed. */
  journal?: string;
  /** Wall time of the whole run. */
  totalMs: number;
}

/** A check that did not pass; its message is the step's detail. */
class CheckFailed extends Error {}
const fail = (why: string): never => {
  throw new CheckFailed(why);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Host requirements in the order a person fixes them: root (77), then
 * systemd-nspawn / nsenter (69). A rootfs builder (mmdebstrap or debootstrap)
 * is needed only when the rootfs is not cached: ensureRootfs() asks for it then.
 */
export async function verifyPreflight(): Promise<void> {
  requireRoot('verify');
  for (const [prog, pkg] of [
    ['systemd-nspawn', 'systemd-container'],
    ['nsenter', 'util-linux'],
  ] as const) {
    if (!(await haveProgram(prog))) {
      throw new TacError('tacd.verify.missing', `verify needs '${prog}' (Debian package ${pkg}); install it with apt-get install ${pkg}`, { exitCode: ExitCode.UNAVAILABLE });
    }
  }
}

/** Fails with EX_NOINPUT (66) unless `file` is a readable regular file. */
export function requirePackageFile(file: string, what: string): string {
  const p = path.resolve(file);
  let ok = false;
  try {
    ok = statSync(p).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw new NoInputError(p, `${what} not found: ${p}`, { code: 'verify.package.missing' });
  return p;
}

// deb(5): an ar archive whose first member is debian-binary; RPM: the lead's magic ED AB EE DB.
const PACKAGE_MAGIC: Readonly<Record<PackageFormat, Buffer>> = {
  deb: Buffer.from('!<arch>\ndebian-binary'),
  rpm: Buffer.from([0xed, 0xab, 0xee, 0xdb]),
};

/** True when the file starts like a package of that format; checked before any container boots. */
function hasPackageMagic(file: string, format: PackageFormat): boolean {
  const want = PACKAGE_MAGIC[format];
  const got = Buffer.alloc(want.length);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, got, 0, want.length, 0) === want.length && got.equals(want);
  } finally {
    closeSync(fd);
  }
}

interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly unit: string | undefined;
  readonly conffiles: readonly string[];
  /** Non-directory paths of the payload. */
  readonly files: readonly string[];
  /** Directories of the payload that belong to it alone (their name contains the package name). */
  readonly ownDirs: readonly string[];
}

async function packageInfo(c: Container, format: PackageFormat, inside: string): Promise<PackageInfo> {
  if (format === 'deb') {
    const f = await c.exec(['dpkg-deb', '-f', inside, 'Package', 'Version']);
    if (f.exitCode !== 0) fail(`not a readable .deb: ${f.stderr.trim().split('\n').pop() ?? ''}`);
    const name = /^Package: (.*)$/m.exec(f.stdout)?.[1]?.trim() ?? '';
    const version = /^Version: (.*)$/m.exec(f.stdout)?.[1]?.trim() ?? '';
    const list = (await c.exec(['sh', '-c', 'dpkg-deb --fsys-tarfile "$1" | tar -tvf -', 'sh', inside])).stdout;
    const files: string[] = [];
    const dirs: string[] = [];
    for (const line of list.split('\n')) {
      const m = /^(\S)\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> .*)?$/.exec(line);
      if (!m || m[2] === '/') continue;
      const p = m[2]!.replace(/\/$/, '');
      (m[1] === 'd' ? dirs : files).push(p);
    }
    const conf = await c.exec(['dpkg-deb', '-I', inside, 'conffiles']);
    const conffiles = conf.exitCode === 0 ? conf.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')) : [];
    return { name, version, unit: findUnit(files), conffiles, files, ownDirs: dirs.filter((d) => path.basename(d).includes(name)) };
  }
  const q = await c.exec(['rpm', '-qp', '--qf', '%{NAME}\\n%{VERSION}-%{RELEASE}\\n', inside]);
  if (q.exitCode !== 0) fail(`not a readable .rpm: ${q.stderr.trim().split('\n').pop() ?? ''}`);
  const [name = '', version = ''] = q.stdout.trim().split('\n');
  const list = await c.exec(['rpm', '-qp', '--qf', '[%{FILEMODES:perms} %{FILENAMES}\\n]', inside]);
  const files: string[] = [];
  const dirs: string[] = [];
  for (const line of list.stdout.split('\n')) {
    const m = /^(\S)\S* (\/.*)$/.exec(line);
    if (m) (m[1] === 'd' ? dirs : files).push(m[2]!);
  }
  const conf = await c.exec(['rpm', '-qcp', inside]);
  const conffiles = conf.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
  return { name, version, unit: findUnit(files), conffiles, files, ownDirs: dirs.filter((d) => path.basename(d).includes(name)) };
}

function findUnit(files: readonly string[]): string | undefined {
  for (const f of files) {
    const m = /^(?:\/usr)?\/lib\/systemd\/system\/([^/]+\.service)$/.exec(f);
    if (m && !m[1]!.includes('@')) return m[1];
  }
  return undefined;
}

/** Output lines worth showing from dpkg/rpm: errors and scriptlet failures. */
function problemLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = lines.filter((l) => /error|scriptlet failed|returned error exit status|failed/i.test(l));
  return (bad.length ? bad : lines).slice(-3).join(' / ');
}

const INSTALL_TIMEOUT_MS = 300_000;
const REMOVE_TIMEOUT_MS = 120_000;

/** "exited N", or "did not finish within S s" for a command killed at its timeout. */
function ended(r: RunResult, timeoutMs: number): string {
  return r.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exited ${r.exitCode}`;
}

async function install(c: Container, format: PackageFormat, inside: string, upgrade: boolean): Promise<string> {
  const r =
    format === 'deb'
      ? await c.exec(['dpkg', '--force-confdef', '--force-confold', '-i', inside], { timeoutMs: INSTALL_TIMEOUT_MS })
      : await c.exec(['rpm', upgrade ? '-Uvh' : '-ivh', '--nodeps', inside], { timeoutMs: INSTALL_TIMEOUT_MS });
  const out = `${r.stdout}\n${r.stderr}`;
  const tool = format === 'deb' ? 'dpkg -i' : `rpm ${upgrade ? '-U' : '-i'}`;
  if (r.timedOut) fail(`${tool} did not finish within ${INSTALL_TIMEOUT_MS / 1000} s: ${problemLines(out)}`);
  if (r.exitCode !== 0) fail(`${tool} exited ${r.exitCode}: ${problemLines(out)}`);
  // rpm exits 0 when a scriptlet fails; it only warns
  const scriptlet = /^.*scriptlet failed.*$/m.exec(out);
  if (scriptlet) fail(`${tool}: ${scriptlet[0].trim()}`);
  return `${tool} ${path.basename(inside)}`;
}

async function props(c: Container, unit: string, names: readonly string[]): Promise<Record<string, string>> {
  return c.unitProperties(unit, names);
}

/** The last journal line of `unit` that looks like the reason for a failure. */
async function journalReason(c: Container, unit: string): Promise<string> {
  await c.exec(['journalctl', '--sync']);
  const r = await c.exec(['journalctl', '-b', '-u', unit, '-o', 'cat', '--no-pager', '-n', '200']);
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => !/^(Started|Starting|Stopped|Stopping|Scheduled restart|.*: (Main process exited|Failed with result|Consumed|Start request repeated)|Failed to start)/.test(l));
  const pick = own.filter((l) => /error|fail|cannot|denied|not found|exception|critical|boom/i.test(l)).at(-1) ?? own.at(-1) ?? lines.at(-1);
  return pick ? `; journal: ${pick.length > 200 ? `${pick.slice(0, 200)}…` : pick}` : '';
}

async function unitStateDetail(c: Container, unit: string): Promise<string> {
  const p = await props(c, unit, ['ActiveState', 'SubState', 'Result', 'ExecMainStatus', 'NRestarts']);
  return `ActiveState=${p['ActiveState']} SubState=${p['SubState']} Result=${p['Result']} ExecMainStatus=${p['ExecMainStatus']} NRestarts=${p['NRestarts']}`;
}

/**
 * Waits until `unit` is active, failed, waiting to restart (it exited), or
 * inactive for 2 s; returns `systemctl is-active`'s word for it ("auto-restart"
 * for a unit that exited and waits to be restarted).
 */
async function settledState(c: Container, unit: string, timeoutMs = 15_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const p = await props(c, unit, ['ActiveState', 'SubState']);
    const state = p['ActiveState'] ?? '';
    if (state === 'active' || state === 'failed') return state;
    if (p['SubState'] === 'auto-restart') return 'auto-restart';
    if (state === 'inactive' && Date.now() - t0 > 2_000) return state;
    if (Date.now() - t0 > timeoutMs) return state;
    await sleep(100);
  }
}

async function journalCursor(c: Container): Promise<string> {
  const r = await c.exec(['journalctl', '-n', '0', '--show-cursor', '-q']);
  return /cursor: (.*)/.exec(r.stdout)?.[1]?.trim() ?? '';
}

interface JournalEntry {
  readonly MESSAGE?: string;
  readonly JOB_TYPE?: string;
}

/** systemd's own entries about `unit` after `cursor`. */
async function unitEventsSince(c: Container, cursor: string, unit: string): Promise<JournalEntry[]> {
  await c.exec(['journalctl', '--sync']);
  const r = await c.exec(['journalctl', `--after-cursor=${cursor}`, '-u', unit, '-o', 'json', '--no-pager', '_PID=1']);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as JournalEntry;
      } catch {
        return {};
      }
    });
}

/** Paths left after purge/erase (see the module comment). */
async function leftovers(c: Container, info: PackageInfo, unit: string, format: PackageFormat): Promise<string[]> {
  // an empty unit would make `find -name "$U"` match every file
  if (!unit || !info.name) throw new TacError('tacd.verify.internal', 'leftovers() needs the package name and its unit');
  const name = info.name;
  const fixed = [
    `/lib/systemd/system/${unit}`,
    `/usr/lib/systemd/system/${unit}`,
    `/etc/systemd/system/${unit}`,
    `/etc/default/${name}`,
    `/etc/sysconfig/${name}`,
    `/etc/init.d/${name}`,
    `/var/lib/${name}`,
    `/var/log/${name}`,
    `/run/${name}`,
    `/usr/lib/${name}`,
    `/etc/systemd/system/${unit}.d`,
  ];
  const candidates = [...new Set([...fixed, ...info.files, ...info.ownDirs])];
  const script = [
    'for p in "$@"; do if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi; done',
    // enablement symlinks, deb-systemd-helper state, SysV links
    'find /etc/systemd/system -name "$U" 2>/dev/null',
    'find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name "*$U*" 2>/dev/null',
    'find /etc/rc0.d /etc/rc1.d /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d /etc/rc6.d /etc/rcS.d -name "[SK][0-9][0-9]$N" 2>/dev/null',
  ].join('\n');
  const r = await c.exec(['env', `U=${unit}`, `N=${name}`, 'sh', '-c', script, 'sh', ...candidates]);
  let left = [...new Set(r.stdout.split('\n').filter(Boolean))];
  // rpm keeps an edited %config as .rpmsave on purpose; verify edits nothing before erase.
  if (format === 'rpm') left = left.filter((p) => !p.endsWith('.rpmsave'));
  return left.sort();
}

class StepRunner {
  failed = false;
  readonly result: VerifyResult;
  private readonly onProgress: (line: string) => void;
  private readonly signal: AbortSignal | undefined;
  constructor(result: VerifyResult, onProgress: (line: string) => void, signal: AbortSignal | undefined) {
    this.result = result;
    this.onProgress = onProgress;
    this.signal = signal;
  }

  /** Runs a check; returns false when it failed (or was skipped). Once aborted, throws interruptedError() instead. */
  async run(name: string, fn: () => Promise<string>, options: { always?: boolean } = {}): Promise<boolean> {
    if (this.signal?.aborted) throw interruptedError(this.signal);
    if (this.failed && !options.always) {
      this.skip(name, 'skipped: an earlier check failed');
      return false;
    }
    this.onProgress(`${name}...`);
    const t0 = Date.now();
    try {
      const detail = await fn();
      this.result.steps.push({ name, ok: true, detail, ms: Date.now() - t0 });
      return true;
    } catch (e) {
      // a command killed by the interrupt (Ctrl-C reaches our process group) is no failed check
      if (this.signal?.aborted) throw interruptedError(this.signal);
      const detail = e instanceof CheckFailed ? e.message : `error: ${describeError(e)}`;
      this.result.steps.push({ name, ok: false, detail, ms: Date.now() - t0 });
      this.failed = true;
      this.result.ok = false;
      return false;
    }
  }

  skip(name: string, detail: string): void {
    this.result.steps.push({ name, ok: true, skipped: true, detail, ms: 0 });
  }
}

/**
 * Verifies one package in a throwaway systemd container. Resolves with the
 * result (ok false when a check failed); throws a TacError when the host
 * cannot run the check (missing package file 66, not root 77, nspawn 69, ...).
 */
export async function verifyPackage(o: VerifyOptions): Promise<VerifyResult> {
  const t0 = Date.now();
  const pkg = requirePackageFile(o.pkg, 'package');
  const old = o.upgradeFrom === undefined ? undefined : requirePackageFile(o.upgradeFrom, '--upgrade-from package');
  const ext = o.format === 'deb' ? '.deb' : '.rpm';
  for (const p of [pkg, old]) {
    if (p !== undefined && !p.endsWith(ext)) throw new TacError('verify.package.format', `${p}: expected a ${ext} file`, { exitCode: ExitCode.DATAERR });
  }
  await verifyPreflight();
  // Read only as root (after the preflight), and before any container boots.
  for (const p of [pkg, old]) {
    if (p !== undefined && !hasPackageMagic(p, o.format)) {
      throw new TacError('verify.package.format', `${p}: not a ${ext} package (its first bytes are not a ${o.format === 'deb' ? 'Debian ar archive' : 'RPM lead'})`, { exitCode: ExitCode.DATAERR });
    }
  }
  const progress = o.onProgress ?? (() => undefined);
  const signal = o.signal;
  const stopIfAborted = (): void => {
    if (signal?.aborted) throw interruptedError(signal);
  };
  // Containers whose owner is gone (a run killed with SIGKILL, or before this
  // version tore down on Ctrl-C): unmount and remove them before adding one.
  stopIfAborted();
  const cleaned = await cleanupStaleContainers(o.container?.stateRoot);
  if (cleaned.length) progress(`removed containers left by runs that were killed: ${cleaned.join(', ')}`);
  const result: VerifyResult = { ok: true, pkg, format: o.format, steps: [], totalMs: 0 };
  const steps = new StepRunner(result, progress, signal);
  const settleMs = o.settleMs ?? 3000;

  // 1. the image (slow the first time: progress comes from ensureRootfs)
  stopIfAborted();
  let ts = Date.now();
  const rootfs = await ensureRootfs({ ...o.rootfs, ...LIFECYCLE_ROOTFS, onProgress: (l) => progress(`rootfs: ${l}`) });
  result.steps.push({ name: 'rootfs', ok: true, detail: `${rootfs.cached ? 'cached' : 'built'} ${path.basename(path.dirname(rootfs.path))}`, ms: Date.now() - ts });

  // 2. boot, on a tmpfs overlay, own network namespace (ports never collide)
  stopIfAborted();
  ts = Date.now();
  progress('booting the container...');
  const c = await bootContainer({
    ...o.container,
    rootfs: { ...o.rootfs, ...LIFECYCLE_ROOTFS, onProgress: progress },
    privateNetwork: true,
    ...(signal ? { signal } : {}),
  });
  result.steps.push({ name: 'boot', ok: true, detail: `${c.name}: systemd ${c.bootState} in ${(c.bootMs / 1000).toFixed(1)} s`, ms: Date.now() - ts });

  // 3.-5. the checks; an abort stops waiting for them at once (the command
  // under way dies with the container), and the container is always shut down
  let failure: { error: unknown } | undefined;
  const abort = whenAborted(signal);
  try {
    await Promise.race([checks(c, o, pkg, old, steps, settleMs), abort.promise]);
    if (!result.ok && result.unit) {
      await c.exec(['journalctl', '--sync']).catch(() => undefined);
      result.journal = await c.journal(result.unit, 100).catch(() => undefined);
    }
  } catch (e) {
    failure = { error: e };
  } finally {
    abort.dispose();
  }
  ts = Date.now();
  try {
    await c.shutdown();
    if (failure && isTacError(failure.error) && failure.error.code === 'tacd.verify.interrupted') {
      failure.error.message += `; container ${c.name} was shut down`;
    }
  } catch (e) {
    if (failure === undefined) {
      // the checks are done: their table stands, with the teardown as a failed step
      result.steps.push({ name: 'teardown', ok: false, detail: `error: ${describeError(e)}`, ms: Date.now() - ts });
      result.ok = false;
    } else if (failure.error instanceof Error) {
      failure.error.message += `; tearing down also failed: ${describeError(e)}`;
    }
  }
  if (failure) throw failure.error;
  result.totalMs = Date.now() - t0;
  return result;
}

/** A promise that rejects with interruptedError() when `signal` aborts (never without one); dispose() stops listening. */
function whenAborted(signal: AbortSignal | undefined): { readonly promise: Promise<never>; dispose(): void } {
  if (!signal) return { promise: new Promise<never>(() => undefined), dispose: () => undefined };
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(interruptedError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

async function checks(c: Container, o: VerifyOptions, pkg: string, old: string | undefined, steps: StepRunner, settleMs: number): Promise<void> {
  const result = steps.result;
  const inside = `/var/tmp/tacd-verify/new/${path.basename(pkg)}`;
  await c.copyIn(pkg, inside);
  const oldInside = old === undefined ? undefined : `/var/tmp/tacd-verify/old/${path.basename(old)}`;
  if (old !== undefined) await c.copyIn(old, oldInside!);

  let info: PackageInfo | undefined;
  let unit = '';
  await steps.run('package', async () => {
    info = await packageInfo(c, o.format, inside);
    result.name = info.name;
    result.version = info.version;
    if (!info.name) fail('the package has no name');
    if (!info.unit) fail(`${info.name} ships no systemd service unit (no /lib/systemd/system/*.service or /usr/lib/systemd/system/*.service)`);
    unit = info.unit!;
    result.unit = unit;
    return `${info.name} ${info.version}, ${unit}${info.conffiles.length ? `, conffiles ${info.conffiles.join(' ')}` : ''}`;
  });
  if (!info) return;
  const pkgInfo: PackageInfo = info;
  // Whether dpkg/rpm ever ran on it: the removal checks only make sense then.
  let installed = false;
  // 3. install (with --upgrade-from: the old version first, then this one over it)
  if (oldInside !== undefined) {
    let edited: string | undefined;
    let cursor = '';
    const EDIT = '# local edit by tacd verify: must survive the upgrade';
    await steps.run('install old', async () => {
      const oldInfo = await packageInfo(c, o.format, oldInside);
      if (oldInfo.name !== pkgInfo.name) fail(`--upgrade-from is package '${oldInfo.name}', not '${pkgInfo.name}'`);
      installed = true;
      const what = await install(c, o.format, oldInside, false);
      const state = await settledState(c, unit);
      if (state !== 'active') fail(`the old version's ${unit} is not active: ${await unitStateDetail(c, unit)}${await journalReason(c, unit)}`);
      edited = oldInfo.conffiles[0];
      if (edited !== undefined) {
        const r = await c.exec(['sh', '-c', 'printf "%s\\n" "$1" >> "$0"', edited, EDIT]);
        if (r.exitCode !== 0) fail(`cannot edit ${edited}: ${r.stderr.trim()}`);
      }
      cursor = await journalCursor(c);
      return `${what} (${oldInfo.version}), ${unit} active${edited ? `, ${edited} edited` : ', no conffile to edit'}`;
    });
    await steps.run('install', async () => {
      installed = true;
      const what = await install(c, o.format, inside, true);
      return `${what} over the old version`;
    });
    await steps.run('upgrade', async () => {
      // our units restart with RestartSec=2s; give a late restart time to show
      await settledState(c, unit);
      await sleep(500);
      const problems: string[] = [];
      if (edited !== undefined) {
        const text = (await c.readFile(edited).catch(() => Buffer.from(''))).toString();
        if (!text.includes(EDIT)) problems.push(`the admin's edit of ${edited} was lost`);
      }
      const events = await unitEventsSince(c, cursor, unit);
      const starts = events.filter((e) => e.MESSAGE?.startsWith('Started ')).length;
      // a restart job logs 'Stopped' with JOB_TYPE=restart; a stop job with JOB_TYPE=stop
      const stops = events.filter((e) => e.MESSAGE?.startsWith('Stopped ') && e.JOB_TYPE === 'stop').length;
      if (stops > 0) problems.push(`${unit} was stopped during the upgrade (a stop and a start, not one restart)`);
      if (starts !== 1) problems.push(`${unit} was started ${starts} times during the upgrade (expected exactly one restart)`);
      const state = (await c.exec(['systemctl', 'is-active', unit])).stdout.trim();
      if (state !== 'active') problems.push(`${unit} is ${state} after the upgrade`);
      if (problems.length) fail(problems.join('; '));
      return `${edited ? `${edited} edit kept, ` : ''}restarted once, never stopped`;
    });
  } else {
    await steps.run('install', () => {
      installed = true;
      return install(c, o.format, inside, false);
    });
  }

  // 4. the service
  await steps.run('enabled', async () => {
    const r = await c.exec(['systemctl', 'is-enabled', unit]);
    const state = r.stdout.trim() || r.stderr.trim();
    if (state !== 'enabled') fail(`systemctl is-enabled ${unit}: ${state}`);
    return `${unit} enabled`;
  });
  await steps.run('active', async () => {
    const state = await settledState(c, unit);
    if (state !== 'active') fail(`${unit} is ${state}: ${await unitStateDetail(c, unit)}${await journalReason(c, unit)}`);
    const p = await props(c, unit, ['MainPID', 'User']);
    return `${unit} active, MainPID ${p['MainPID']}${p['User'] ? `, User=${p['User']}` : ''}`;
  });
  await steps.run('settle', async () => {
    const before = await props(c, unit, ['MainPID']);
    await sleep(settleMs);
    const p = await props(c, unit, ['ActiveState', 'MainPID', 'NRestarts']);
    if (p['ActiveState'] !== 'active') fail(`${unit} is ${p['ActiveState']} ${settleMs} ms after starting: ${await unitStateDetail(c, unit)}${await journalReason(c, unit)}`);
    if (p['NRestarts'] !== '0') fail(`${unit} restarted ${p['NRestarts']} times within ${settleMs} ms (NRestarts=${p['NRestarts']})${await journalReason(c, unit)}`);
    if (p['MainPID'] !== before['MainPID']) fail(`${unit}'s MainPID changed from ${before['MainPID']} to ${p['MainPID']} within ${settleMs} ms`);
    return `still active after ${(settleMs / 1000).toFixed(1)} s, NRestarts=0`;
  });
  let probe: Probe | undefined = o.probe;
  let probeNote = '';
  await steps.run('probe', async () => {
    if (!probe) {
      const sockets = await listeningSockets(c, unit);
      const first = sockets[0];
      if (first === undefined) return 'no --probe given and the service listens on no TCP port: nothing to probe';
      probe = { kind: 'tcp', port: first.port, ...(first.host !== undefined ? { host: first.host } : {}), text: `tcp:${first.port}` };
      probeNote = ` (found with ss${first.host !== undefined ? ` at ${first.host.includes(':') ? `[${first.host}]` : first.host}:${first.port}` : ''}; give --probe to choose)`;
    }
    const why = await probeUntil(c, probe, o.probeTimeoutMs ?? 15_000);
    if (why !== undefined) fail(`${probe.text}: ${why}`);
    return `${probe.text} answers${probeNote}`;
  });
  await steps.run('reload', async () => {
    const p = await props(c, unit, ['CanReload', 'MainPID']);
    if (p['CanReload'] !== 'yes') return `${unit} has no ExecReload: not checked`;
    const r = await c.exec(['systemctl', 'reload', unit], { timeoutMs: 60_000 });
    if (r.exitCode !== 0) fail(`systemctl reload ${unit} ${ended(r, 60_000)}: ${r.stderr.trim().split('\n').pop() ?? ''}${await journalReason(c, unit)}`);
    const state = await settledState(c, unit, 10_000);
    if (state !== 'active') fail(`${unit} is ${state} after reload${await journalReason(c, unit)}`);
    const after = await props(c, unit, ['MainPID']);
    if (after['MainPID'] !== p['MainPID']) fail(`reload replaced the main process (MainPID ${p['MainPID']} -> ${after['MainPID']})`);
    return `MainPID ${p['MainPID']} kept`;
  });
  await steps.run('restart', async () => {
    const p = await props(c, unit, ['MainPID']);
    const r = await c.exec(['systemctl', 'restart', unit], { timeoutMs: 120_000 });
    if (r.exitCode !== 0) fail(`systemctl restart ${unit} ${ended(r, 120_000)}${await journalReason(c, unit)}`);
    const state = await settledState(c, unit);
    if (state !== 'active') fail(`${unit} is ${state} after restart${await journalReason(c, unit)}`);
    const after = await props(c, unit, ['MainPID']);
    if (after['MainPID'] === p['MainPID']) fail(`restart kept MainPID ${p['MainPID']}`);
    if (probe) {
      const why = await probeUntil(c, probe, o.probeTimeoutMs ?? 15_000);
      if (why !== undefined) fail(`after restart, ${probe.text}: ${why}`);
    }
    return `MainPID ${p['MainPID']} -> ${after['MainPID']}${probe ? `, ${probe.text} answers` : ''}`;
  });

  const removal = o.format === 'deb' ? ['remove', 'purge'] : ['erase'];
  if (o.keep) {
    if (o.signal?.aborted) throw interruptedError(o.signal);
    await o.keep(c, result);
    for (const n of removal) steps.skip(n, 'skipped: --keep');
    return;
  }
  if (!installed) {
    for (const n of removal) steps.skip(n, 'skipped: the package was not installed');
    return;
  }

  // 5. removal: nothing left behind
  const user = (await props(c, unit, ['User']).catch(() => ({}) as Record<string, string>))['User'] ?? '';
  const stoppedAndGone = async (tool: string, r: RunResult): Promise<string[]> => {
    const out = `${r.stdout}\n${r.stderr}`;
    const problems: string[] = [];
    if (r.exitCode !== 0) problems.push(`${tool} ${ended(r, REMOVE_TIMEOUT_MS)}: ${problemLines(out)}`);
    const scriptlet = /^.*scriptlet failed.*$/m.exec(out);
    if (scriptlet) problems.push(`${tool}: ${scriptlet[0].trim()}`);
    const state = (await c.exec(['systemctl', 'is-active', unit])).stdout.trim();
    if (state === 'active' || state === 'activating' || state === 'reloading') problems.push(`${unit} is still ${state}`);
    if (user && user !== 'root') {
      const ps = await c.exec(['pgrep', '-u', user, '-a']);
      if (ps.exitCode === 0 && ps.stdout.trim()) problems.push(`processes of ${user} still run: ${ps.stdout.trim().split('\n').join(', ')}`);
    }
    return problems;
  };
  const userNote = async (): Promise<string> => {
    if (!user || user === 'root') return '';
    const exists = (await c.exec(['getent', 'passwd', user])).exitCode === 0;
    return exists ? `; system user ${user} kept (accounts are never removed: Debian policy, Fedora guidelines)` : `; system user ${user} not present`;
  };
  if (o.format === 'deb') {
    await steps.run(
      'remove',
      async () => {
        const r = await c.exec(['dpkg', '-r', pkgInfo.name], { timeoutMs: REMOVE_TIMEOUT_MS });
        const problems = await stoppedAndGone('dpkg -r', r);
        if (problems.length) fail(problems.join('; '));
        return `dpkg -r ${pkgInfo.name}: ${unit} stopped`;
      },
      { always: true },
    );
    await steps.run(
      'purge',
      async () => {
        const r = await c.exec(['dpkg', '-P', pkgInfo.name], { timeoutMs: REMOVE_TIMEOUT_MS });
        const problems = await stoppedAndGone('dpkg -P', r);
        const left = await leftovers(c, pkgInfo, unit, 'deb');
        if (left.length) problems.push(`left behind: ${left.join(' ')}`);
        const known = await c.exec(['dpkg-query', '-W', '-f', '${Status}', pkgInfo.name]);
        if (known.exitCode === 0 && !/not-installed/.test(known.stdout)) problems.push(`dpkg still knows ${pkgInfo.name} (${known.stdout.trim()})`);
        if (problems.length) fail(problems.join('; '));
        return `dpkg -P ${pkgInfo.name}: nothing left${await userNote()}`;
      },
      { always: true },
    );
  } else {
    await steps.run(
      'erase',
      async () => {
        const r = await c.exec(['rpm', '-e', '--nodeps', pkgInfo.name], { timeoutMs: REMOVE_TIMEOUT_MS });
        const problems = await stoppedAndGone('rpm -e', r);
        const left = await leftovers(c, pkgInfo, unit, 'rpm');
        if (left.length) problems.push(`left behind: ${left.join(' ')}`);
        if ((await c.exec(['rpm', '-q', pkgInfo.name])).exitCode === 0) problems.push(`rpm still knows ${pkgInfo.name}`);
        if (problems.length) fail(problems.join('; '));
        return `rpm -e ${pkgInfo.name}: nothing left${await userNote()}`;
      },
      { always: true },
    );
  }
}
