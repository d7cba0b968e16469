/**
 * `verify --distro all`: the same package verified on each Debian suite in
 * turn (each root built once and cached, rootfs.ts), and one table with a
 * column per suite: a row per check, PASS/FAIL/SKIP (or '-' where a suite
 * did not get that far), the verdict last.
 */
import { UsageError } from '../core/errors.js';
import type { VerifyOptions, VerifyResult } from './verify.js';

/** The suites `--distro` takes, oldest first; 'all' is every one. */
export const DISTROS: readonly string[] = ['bullseye', 'bookworm', 'trixie'];

/** The suites of a --distro value. @throws UsageError (64) naming what is accepted. */
export function distrosOf(value: string | undefined): string[] {
  if (value === undefined) return ['bookworm'];
  if (value === 'all') return [...DISTROS];
  const list = value.split(',').map((v) => v.trim());
  const bad = list.find((v) => !DISTROS.includes(v));
  if (bad !== undefined) throw new UsageError(`--distro '${bad}': expected ${DISTROS.join(', ')} or all (or a comma-separated list)`, { code: 'verify.distro' });
  return list;
}

/** Runs `verify` on each suite in turn; a run that throws (a host problem) ends the matrix. */
export async function verifyMatrix(o: VerifyOptions, suites: readonly string[], verify: (o: VerifyOptions) => Promise<VerifyResult>): Promise<VerifyResult[]> {
  const out: VerifyResult[] = [];
  for (const suite of suites) {
    if (suites.length > 1) o.onProgress?.(`--- ${suite} ---`);
    out.push(await verify({ ...o, suite }));
  }
  return out;
}

function cell(r: VerifyResult, name: string): string {
  const s = r.steps.find((x) => x.name === name);
  return s === undefined ? '-' : s.skipped ? 'SKIP' : s.ok ? 'PASS' : 'FAIL';
}

/** Every check name in the order first seen. */
function rowNames(results: readonly VerifyResult[]): string[] {
  return [...new Set(results.flatMap((r) => r.steps.map((s) => s.name)))];
}

/** The matrix for a person: a column per suite, then the verdict line. */
export function formatMatrix(results: readonly VerifyResult[], prog: string): string {
  const first = results[0]!;
  const names = rowNames(results);
  const width = Math.max(...names.map((n) => n.length), 'check'.length);
  const cols = results.map((r) => Math.max((r.suite ?? '').length, 4));
  const row = (label: string, cells: readonly string[]): string => `  ${label.padEnd(width)}  ${cells.map((c, i) => c.padEnd(cols[i]!)).join('  ')}`.trimEnd();
  const lines = [`${prog}: ${first.name ?? first.pkg} ${first.version ?? ''} (${first.pkg})`.replace(/ +\(/, ' ('), row('check', results.map((r) => r.suite ?? '?'))];
  for (const n of names) lines.push(row(n, results.map((r) => cell(r, n))));
  lines.push(row('time', results.map((r) => `${(r.totalMs / 1000).toFixed(0)} s`)));
  const failed = results.filter((r) => !r.ok).map((r) => r.suite);
  lines.push(failed.length === 0 ? `${prog}: PASS on ${results.map((r) => r.suite).join(', ')}` : `${prog}: FAIL on ${failed.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
