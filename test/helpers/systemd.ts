// Test helper: a booted systemd container (src/verify/container.ts) or a loud
// reason why not. Tests that need a real systemd do
//
//   test('x', async (t) => {
//     await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS }, async (c) => { ... });
//   });
//
// and are skipped, visibly with the reason (`t.skip(reason)`), when not root,
// systemd-nspawn or a rootfs builder is missing, TACD_SKIP_SLOW=1, or the rootfs
// cannot be built (no mirror). With TACD_REQUIRE_SYSTEMD=1 (CI) those reasons
// fail the test instead of skipping it.
import type { TestContext } from 'node:test';
import { haveProgram } from '../../src/core/exec.js';
import { describeError } from '../../src/core/errors.js';
import { bootContainer, cleanupStaleContainers, stopLiveContainers, type Container, type ContainerOptions } from '../../src/verify/container.js';
import { ensureRootfs, LIFECYCLE_ROOTFS, type Rootfs, type RootfsOptions } from '../../src/verify/rootfs.js';

/** The rootfs variant for package lifecycle tests (defined in src/verify/rootfs.ts, shared with ts2deb verify). */
export { LIFECYCLE_ROOTFS };

/** Why the systemd tests cannot run here (cheap checks only), or undefined. */
export async function systemdSkipReason(): Promise<string | undefined> {
  if (process.env.TACD_SKIP_SLOW === '1') return 'TACD_SKIP_SLOW=1 is set: skipping tests that boot a real systemd';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'not root: booting systemd in systemd-nspawn needs root (mount, nspawn)';
  }
  if (!(await haveProgram('systemd-nspawn'))) return 'systemd-nspawn is missing (apt-get install systemd-container)';
  if (!(await haveProgram('nsenter'))) return 'nsenter is missing (apt-get install util-linux)';
  if (!(await haveProgram('mmdebstrap')) && !(await haveProgram('debootstrap'))) {
    return 'neither mmdebstrap nor debootstrap is installed (apt-get install mmdebstrap)';
  }
  return undefined;
}

let staleCleaned = false;
let signalHooks = false;

/**
 * src/verify/container.ts installs no signal handler (the process owner
 * decides what a signal means). A test process is ours: on Ctrl-C (SIGINT),
 * SIGTERM or SIGHUP its containers get a graceful poweroff, then the signal
 * takes its default action, unless someone else (an in-process verifyCommand)
 * handles it. The mounts left are removed by the next cleanupStaleContainers().
 */
function stopContainersOnSignals(): void {
  if (signalHooks) return;
  signalHooks = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      stopLiveContainers();
      if (process.listenerCount(sig) > 1) return;
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function skipOrFail(t: TestContext, reason: string): void {
  if (process.env.TACD_REQUIRE_SYSTEMD === '1') throw new Error(`TACD_REQUIRE_SYSTEMD=1 but: ${reason}`);
  process.stderr.write(`\n*** SKIP ${t.name}: ${reason}\n`);
  t.skip(reason);
}

/** True (after t.skip(reason)) when systemd tests cannot run here: `if (await skipUnlessSystemd(t)) return;` */
export async function skipUnlessSystemd(t: TestContext): Promise<boolean> {
  const reason = await systemdSkipReason();
  if (reason) skipOrFail(t, reason);
  return reason !== undefined;
}

/** The cached rootfs for `options`, or undefined after t.skip(reason). */
export async function rootfsOrSkip(t: TestContext, options: RootfsOptions = {}): Promise<Rootfs | undefined> {
  const reason = await systemdSkipReason();
  if (reason) {
    skipOrFail(t, reason);
    return undefined;
  }
  try {
    return await ensureRootfs({ ...options, onProgress: (l) => t.diagnostic(`rootfs: ${l}`) });
  } catch (e) {
    skipOrFail(t, `the test rootfs could not be built: ${describeError(e)}`);
    return undefined;
  }
}

/** A booted container, or undefined after t.skip(reason). The caller must shutdown() it. */
export async function bootOrSkip(t: TestContext, options: ContainerOptions = {}): Promise<Container | undefined> {
  stopContainersOnSignals();
  if (!staleCleaned) {
    staleCleaned = true;
    const reason = await systemdSkipReason();
    if (!reason) {
      const cleaned = await cleanupStaleContainers(options.stateRoot);
      if (cleaned.length) t.diagnostic(`cleaned stale containers of a crashed run: ${cleaned.join(', ')}`);
    }
  }
  if (!options.rootfsPath) {
    const rootfs = await rootfsOrSkip(t, options.rootfs);
    if (!rootfs) return undefined;
  }
  return bootContainer(options);
}

/** Boots, runs fn, always shuts down; skips the test (loudly) when systemd cannot run here. */
export async function withSystemd(t: TestContext, options: ContainerOptions, fn: (c: Container) => Promise<void>): Promise<void> {
  const c = await bootOrSkip(t, options);
  if (!c) return;
  try {
    await fn(c);
  } catch (e) {
    // the unit's journal is the first thing one wants when a lifecycle check fails
    const tail = await c.journal(undefined, 40).catch(() => '');
    t.diagnostic(`journal (last 40 lines) of ${c.name}:\n${tail}`);
    await c.shutdown().catch(() => undefined);
    throw e;
  }
  await c.shutdown();
}
