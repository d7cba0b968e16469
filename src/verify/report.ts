/**
 * The pass/fail table of `ts2deb verify` and its JSON form.
 */
import type { VerifyResult } from './verify.js';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A table for a person: one line per check, then the verdict; the unit's journal follows on failure. */
export function formatTable(r: VerifyResult, prog: string): string {
  const what = r.name ? `${r.name} ${r.version ?? ''}`.trim() : r.pkg;
  const lines = [`${prog}: ${what} (${r.pkg})`];
  const width = Math.max(...r.steps.map((s) => s.name.length), 6);
  for (const s of r.steps) {
    const mark = s.skipped ? 'SKIP' : s.ok ? 'PASS' : 'FAIL';
    lines.push(`  ${mark}  ${s.name.padEnd(width)}  ${secs(s.ms).padStart(7)}  ${s.detail}`);
  }
  const failed = r.steps.filter((s) => !s.ok && !s.skipped);
  lines.push(
    r.ok
      ? `${prog}: PASS (${r.steps.filter((s) => !s.skipped).length} checks in ${secs(r.totalMs)})`
      : `${prog}: FAIL: ${failed.map((s) => s.name).join(', ')} (${secs(r.totalMs)})`,
  );
  if (!r.ok && r.journal) {
    lines.push(`--- journalctl -u ${r.unit} (last 100 lines) ---`, r.journal.trimEnd(), '---');
  }
  return `${lines.join('\n')}\n`;
}

/** The machine-readable report (--json). */
export function formatJson(r: VerifyResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
