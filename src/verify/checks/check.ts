/**
 * What every verify check is: a named async function of the run's context
 * that resolves with the step's detail, or fails with fail(why). The table
 * of checks is in table.ts.
 */
import type { RunResult } from '../../core/exec.js';
import { TacError } from '../../core/errors.js';
import type { Container } from '../container.js';
import type { PackageInfo } from '../package-info.js';
import type { Probe } from '../probe.js';
import type { StateMark } from './state.js';
import type { PackageFormat, VerifyResult } from '../verify.js';

/** The state a run's checks share; each check reads what earlier ones found. */
export interface CheckContext {
  readonly c: Container;
  readonly format: PackageFormat;
  readonly result: VerifyResult;
  /** The package inside the container. */
  readonly inside: string;
  /** The --upgrade-from package inside the container. */
  readonly oldInside: string | undefined;
  readonly settleMs: number;
  readonly probeTimeoutMs: number;
  /** --probe, or the port the probe check found. */
  probe: Probe | undefined;
  /** How the probe check found its probe (' (found with ss ...)'), or ''. */
  probeNote: string;
  /** Set by the package check. */
  info: PackageInfo | undefined;
  /** The service unit, once the package check found it. */
  unit: string;
  /** Whether dpkg/rpm ever ran on it: the removal checks only make sense then. */
  installed: boolean;
  /** upgrade: the old version's conffile that was edited, if any. */
  edited: string | undefined;
  /** upgrade: the marker put in the old version's state folder, if it has one. */
  state: StateMark | undefined;
  /** upgrade: the journal cursor before the new version was installed. */
  cursor: string;
  /** The service's User=, read once by the first removal check. */
  user: string | undefined;
}

/** What a run starts its context with; the rest is found by the checks. */
export type ContextBase = Pick<CheckContext, 'c' | 'format' | 'result' | 'inside' | 'oldInside' | 'settleMs' | 'probeTimeoutMs' | 'probe'>;

export function newContext(base: ContextBase): CheckContext {
  return { ...base, probeNote: '', info: undefined, unit: '', installed: false, edited: undefined, state: undefined, cursor: '', user: undefined };
}

/** One check: resolves with the step's detail; fail() for a check that does not pass. */
export type CheckFn = (x: CheckContext) => Promise<string>;

/** A row of the check table. */
export interface Check {
  readonly name: string;
  readonly run: CheckFn;
  /** 'upgrade': only with --upgrade-from; 'fresh': only without. Default: both. */
  readonly only?: 'upgrade' | 'fresh';
  /** The formats it applies to; default both. */
  readonly formats?: readonly PackageFormat[];
  /** A removal check: runs even after a failed check, skipped with --keep or when nothing was installed. */
  readonly removal?: boolean;
  /** The run ends after this check unless this holds. */
  readonly haltUnless?: (x: CheckContext) => boolean;
}

/** A check that did not pass; its message is the step's detail. */
export class CheckFailed extends Error {}

export const fail = (why: string): never => {
  throw new CheckFailed(why);
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The package the package check read (the later checks run only when there is one). */
export function packageOf(x: CheckContext): PackageInfo {
  if (!x.info || !x.unit) throw new TacError('tacd.verify.internal', 'a check ran before the package check found the package and its unit');
  return x.info;
}

/** Output lines worth showing from dpkg/rpm: errors and scriptlet failures. */
export function problemLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = lines.filter((l) => /error|scriptlet failed|returned error exit status|failed/i.test(l));
  return (bad.length ? bad : lines).slice(-3).join(' / ');
}

/** rpm's warning line about a failed scriptlet (rpm exits 0 then), or undefined. */
export function scriptletFailure(out: string): string | undefined {
  return /^.*scriptlet failed.*$/m.exec(out)?.[0].trim();
}

/** "exited N", or "did not finish within S s" for a command killed at its timeout. */
export function ended(r: RunResult, timeoutMs: number): string {
  return r.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exited ${r.exitCode}`;
}
