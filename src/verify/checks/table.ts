/**
 * The checks of a verify run, in order, as a table: each row names a check
 * and the small function that does it (see check.ts for the signature).
 *
 *   package      the package names a systemd .service unit (else the run ends)
 *   install old  --upgrade-from: the old version installed, active, conffile edited,
 *                a marker put in its StateDirectory=
 *   install      dpkg -i (rpm -ivh --nodeps; rpm -Uvh over the old version)
 *   upgrade      --upgrade-from: edit and marker kept, restarted exactly once, never stopped
 *   enabled / active / settle / probe / reload / restart   the service
 *   remove, purge (deb) / erase (rpm)                      nothing left behind
 *
 * After a failed check the later ones are skipped (StepRunner); the removal
 * checks still run if dpkg/rpm ever ran on the package, and are skipped
 * with --keep.
 */
import type { Container } from '../container.js';
import { throwIfAborted } from '../interrupt.js';
import type { StepRunner } from '../step-runner.js';
import type { PackageFormat, VerifyResult } from '../verify.js';
import type { Check, CheckContext } from './check.js';
import { checkUpgrade, installNew, installOld, readPackage } from './install.js';
import { checkErase, checkPurge, checkRemove } from './removal.js';
import { checkActive, checkEnabled, checkProbe, checkReload, checkRestart, checkSettle } from './service.js';

export const CHECKS: readonly Check[] = [
  { name: 'package', run: readPackage, haltUnless: (x) => x.info !== undefined },
  { name: 'install old', run: installOld, only: 'upgrade' },
  { name: 'install', run: installNew },
  { name: 'upgrade', run: checkUpgrade, only: 'upgrade' },
  { name: 'enabled', run: checkEnabled },
  { name: 'active', run: checkActive },
  { name: 'settle', run: checkSettle },
  { name: 'probe', run: checkProbe },
  { name: 'reload', run: checkReload },
  { name: 'restart', run: checkRestart },
  { name: 'remove', run: checkRemove, formats: ['deb'], removal: true },
  { name: 'purge', run: checkPurge, formats: ['deb'], removal: true },
  { name: 'erase', run: checkErase, formats: ['rpm'], removal: true },
];

/** The rows of `table` that apply to a run of `format`, with or without an upgrade, in order. */
export function planChecks(format: PackageFormat, upgrade: boolean, table: readonly Check[] = CHECKS): Check[] {
  const applies = (c: Check): boolean => c.only === undefined || (c.only === 'upgrade') === upgrade;
  return table.filter((c) => applies(c) && (c.formats === undefined || c.formats.includes(format)));
}

/** How the run ends after the service checks (a subset of VerifyOptions). */
export interface RemovalPolicy {
  /** --keep: called with the container instead of the removal checks. */
  readonly keep?: (c: Container, result: VerifyResult) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** Why the removal checks are skipped (after running --keep's callback), or undefined to run them. */
async function removalSkipped(x: CheckContext, policy: RemovalPolicy): Promise<string | undefined> {
  if (policy.keep) {
    throwIfAborted(policy.signal);
    await policy.keep(x.c, x.result);
    return 'skipped: --keep';
  }
  return x.installed ? undefined : 'skipped: the package was not installed';
}

/** Runs `plan` in order into `steps` (see the module comment for the rules). */
export async function runChecks(x: CheckContext, steps: StepRunner, plan: readonly Check[], policy: RemovalPolicy = {}): Promise<void> {
  for (const check of plan.filter((c) => !c.removal)) {
    await steps.run(check.name, () => check.run(x));
    if (check.haltUnless && !check.haltUnless(x)) return;
  }
  const removal = plan.filter((c) => c.removal);
  const skipped = await removalSkipped(x, policy);
  for (const check of removal) {
    if (skipped !== undefined) steps.skip(check.name, skipped);
    else await steps.run(check.name, () => check.run(x), { always: true });
  }
}
