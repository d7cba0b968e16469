/**
 * `ts2deb verify` / `ts2rpm verify`: installs a package in a throwaway
 * container whose PID 1 is a real systemd (container.ts, on the shared
 * LIFECYCLE_ROOTFS image, private network) and checks what a release needs:
 *
 *   package    the package names a systemd .service unit
 *   install    dpkg -i (rpm -ivh --nodeps) succeeds, no maintainer script fails
 *   [upgrade]  with upgradeFrom: the old version installed and running, its
 *              conffile edited and a marker put in its state folder, then this
 *              package installed over it: the edit and the marker are kept, the
 *              service restarted exactly once and never stopped
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
 * The checks are a table (checks/table.ts) of small functions
 * (checks/install.ts, service.ts, removal.ts). After a failed service check
 * the later service checks are skipped; the removal checks still run if the
 * package was installed. Problems of the host
 * (not root, no nspawn, no rootfs) are thrown as TacErrors; problems of the
 * package are failed steps. The container is always shut down; when that
 * fails after the checks, a failed `teardown` step is added to their table.
 * Containers of earlier runs that were killed are removed first.
 */
import path from 'node:path';
import { describeError, isTacError } from '../core/errors.js';
import { newContext } from './checks/check.js';
import { planChecks, runChecks } from './checks/table.js';
import { bootContainer, cleanupStaleContainers, type Container, type ContainerOptions } from './container.js';
import { throwIfAborted, whenAborted } from './interrupt.js';
import { checkPackageFiles, type PackageFiles } from './preflight.js';
import type { Probe } from './probe.js';
import { ensureRootfs, LIFECYCLE_ROOTFS, type RootfsOptions } from './rootfs.js';
import { StepRunner } from './step-runner.js';
import { isForeign, requireBinfmt } from './binfmt.js';
import { packageArch } from './package-arch.js';

export type PackageFormat = 'deb' | 'rpm';

export interface VerifyOptions {
  /** The package file to verify. */
  readonly pkg: string;
  readonly format: PackageFormat;
  /** Debian suite of the container (--distro); default bookworm. */
  readonly suite?: string;
  /** The package's architecture (read from it when absent); a foreign one runs under qemu (binfmt.ts). */
  readonly arch?: string;
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
  /** The Debian suite it ran on. */
  suite?: string;
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

type Progress = (line: string) => void;

/**
 * The image of a run: the shared lifecycle variant, on the suite asked for;
 * for a foreign-arch package a root of that arch (no rpm, no host nodejs: its runtime is bundled).
 */
function rootfsOf(o: VerifyOptions): RootfsOptions {
  const suite = o.suite !== undefined ? { suite: o.suite } : {};
  if (o.arch !== undefined && isForeign(o.arch)) return { ...o.rootfs, ...suite, arch: o.arch, extraPackages: o.format === 'rpm' ? ['rpm'] : [] };
  return { ...o.rootfs, ...LIFECYCLE_ROOTFS, ...suite };
}

/** 1. the image (slow the first time: progress comes from ensureRootfs) */
async function rootfsStep(o: VerifyOptions, result: VerifyResult, progress: Progress): Promise<void> {
  const ts = Date.now();
  const rootfs = await ensureRootfs({ ...rootfsOf(o), onProgress: (l) => progress(`rootfs: ${l}`) });
  result.steps.push({ name: 'rootfs', ok: true, detail: `${rootfs.cached ? 'cached' : 'built'} ${path.basename(path.dirname(rootfs.path))}`, ms: Date.now() - ts });
}

/** 2. boot, on a tmpfs overlay, own network namespace (ports never collide) */
async function bootStep(o: VerifyOptions, result: VerifyResult, progress: Progress): Promise<Container> {
  const ts = Date.now();
  progress('booting the container...');
  const c = await bootContainer({
    ...o.container,
    rootfs: { ...rootfsOf(o), onProgress: progress },
    privateNetwork: true,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  result.steps.push({ name: 'boot', ok: true, detail: `${c.name}: systemd ${c.bootState} in ${(c.bootMs / 1000).toFixed(1)} s`, ms: Date.now() - ts });
  return c;
}

/**
 * Under qemu-user a service cannot get a user namespace (unshare fails with
 * EINVAL), so PrivateUsers= is turned off for every unit by a drop-in in /run:
 * the package is unchanged and the drop-in is gone with the container.
 */
async function allowEmulation(c: Container, o: VerifyOptions): Promise<void> {
  if (o.arch === undefined || !isForeign(o.arch)) return;
  const dropIn = '/run/systemd/system/service.d/tacd-qemu.conf';
  await c.exec(['sh', '-c', `mkdir -p ${path.posix.dirname(dropIn)} && printf '[Service]\\nPrivateUsers=no\\n' > ${dropIn} && systemctl daemon-reload`]);
}

/** Copies the package files in and runs the check table. */
async function checks(c: Container, o: VerifyOptions, files: PackageFiles, steps: StepRunner): Promise<void> {
  await allowEmulation(c, o);
  const inside = `/var/tmp/tacd-verify/new/${path.basename(files.pkg)}`;
  await c.copyIn(files.pkg, inside);
  const oldInside = files.old === undefined ? undefined : `/var/tmp/tacd-verify/old/${path.basename(files.old)}`;
  if (files.old !== undefined) await c.copyIn(files.old, oldInside!);
  const x = newContext({ c, format: o.format, result: steps.result, inside, oldInside, settleMs: o.settleMs ?? 3000, probeTimeoutMs: o.probeTimeoutMs ?? 15_000, probe: o.probe });
  const policy = { ...(o.keep ? { keep: o.keep } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  await runChecks(x, steps, planChecks(o.format, oldInside !== undefined), policy);
}

/**
 * 3.-5. the checks; an abort stops waiting for them at once (the command
 * under way dies with the container). Resolves with what they threw, if anything.
 */
async function checksIn(c: Container, o: VerifyOptions, files: PackageFiles, steps: StepRunner): Promise<{ error: unknown } | undefined> {
  const result = steps.result;
  const abort = whenAborted(o.signal);
  try {
    await Promise.race([checks(c, o, files, steps), abort.promise]);
    if (!result.ok && result.unit) {
      await c.exec(['journalctl', '--sync']).catch(() => undefined);
      result.journal = await c.journal(result.unit, 100).catch(() => undefined);
    }
    return undefined;
  } catch (e) {
    return { error: e };
  } finally {
    abort.dispose();
  }
}

/**
 * The container is always shut down. When that fails after the checks, their
 * table stands with a failed teardown step; after an error, the error says so too.
 */
async function shutdownAfter(c: Container, result: VerifyResult, failure: { error: unknown } | undefined): Promise<void> {
  const ts = Date.now();
  try {
    await c.shutdown();
    if (failure && isTacError(failure.error) && failure.error.code === 'tacd.verify.interrupted') {
      failure.error.message += `; container ${c.name} was shut down`;
    }
  } catch (e) {
    if (failure === undefined) {
      result.steps.push({ name: 'teardown', ok: false, detail: `error: ${describeError(e)}`, ms: Date.now() - ts });
      result.ok = false;
    } else if (failure.error instanceof Error) {
      failure.error.message += `; tearing down also failed: ${describeError(e)}`;
    }
  }
}

/**
 * Containers whose owner is gone (a run killed with SIGKILL, or before this
 * version tore down on Ctrl-C): unmount and remove them before adding one.
 */
async function removeStaleContainers(o: VerifyOptions, progress: Progress): Promise<void> {
  throwIfAborted(o.signal);
  const cleaned = await cleanupStaleContainers(o.container?.stateRoot);
  if (cleaned.length) progress(`removed containers left by runs that were killed: ${cleaned.join(', ')}`);
}

/**
 * Verifies one package in a throwaway systemd container. Resolves with the
 * result (ok false when a check failed); throws a TacError when the host
 * cannot run the check (missing package file 66, not root 77, nspawn 69, ...).
 */
export async function verifyPackage(o: VerifyOptions): Promise<VerifyResult> {
  const t0 = Date.now();
  const files = await checkPackageFiles(o);
  const progress = o.onProgress ?? (() => undefined);
  await removeStaleContainers(o, progress);
  const result: VerifyResult = { ok: true, pkg: files.pkg, format: o.format, suite: o.suite ?? 'bookworm', steps: [], totalMs: 0 };
  const arch = o.arch ?? (await packageArch(files.pkg, o.format));
  if (isForeign(arch)) await requireBinfmt(arch);
  const run = { ...o, arch };
  throwIfAborted(o.signal);
  await rootfsStep(run, result, progress);
  throwIfAborted(o.signal);
  const c = await bootStep(run, result, progress);
  const failure = await checksIn(c, run, files, new StepRunner(result, progress, o.signal));
  await shutdownAfter(c, result, failure);
  if (failure) throw failure.error;
  result.totalMs = Date.now() - t0;
  return result;
}
