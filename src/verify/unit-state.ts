/**
 * What verify asks the container's systemd about the service: properties,
 * a settled state, the journal's reason for a failure, and systemd's own
 * journal entries about the unit since a cursor.
 */
import type { Container } from './container.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function props(c: Container, unit: string, names: readonly string[]): Promise<Record<string, string>> {
  return c.unitProperties(unit, names);
}

/** systemd's lines that say what it did, not why the service failed. */
const SYSTEMD_CHATTER = /^(Started|Starting|Stopped|Stopping|Scheduled restart|.*: (Main process exited|Failed with result|Consumed|Start request repeated)|Failed to start)/;

/** The journal line (of the unit's last lines) that looks like the reason for a failure, or undefined. */
export function reasonLine(lines: readonly string[]): string | undefined {
  const own = lines.filter((l) => !SYSTEMD_CHATTER.test(l));
  return own.filter((l) => /error|fail|cannot|denied|not found|exception|critical|boom/i.test(l)).at(-1) ?? own.at(-1) ?? lines.at(-1);
}

/** "; journal: <the reason line>" for `unit`, or ''. */
export async function journalReason(c: Container, unit: string): Promise<string> {
  await c.exec(['journalctl', '--sync']);
  const r = await c.exec(['journalctl', '-b', '-u', unit, '-o', 'cat', '--no-pager', '-n', '200']);
  const pick = reasonLine(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
  return pick ? `; journal: ${pick.length > 200 ? `${pick.slice(0, 200)}…` : pick}` : '';
}

export async function unitStateDetail(c: Container, unit: string): Promise<string> {
  const p = await props(c, unit, ['ActiveState', 'SubState', 'Result', 'ExecMainStatus', 'NRestarts']);
  return `ActiveState=${p['ActiveState']} SubState=${p['SubState']} Result=${p['Result']} ExecMainStatus=${p['ExecMainStatus']} NRestarts=${p['NRestarts']}`;
}

/** settledState()'s word for one reading, or undefined to keep waiting. */
export function settledWord(activeState: string, subState: string | undefined, elapsedMs: number, timeoutMs: number): string | undefined {
  if (activeState === 'active' || activeState === 'failed') return activeState;
  if (subState === 'auto-restart') return 'auto-restart';
  if (activeState === 'inactive' && elapsedMs > 2_000) return activeState;
  return elapsedMs > timeoutMs ? activeState : undefined;
}

/**
 * Waits until `unit` is active, failed, waiting to restart (it exited), or
 * inactive for 2 s; returns `systemctl is-active`'s word for it ("auto-restart"
 * for a unit that exited and waits to be restarted).
 */
export async function settledState(c: Container, unit: string, timeoutMs = 15_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const p = await props(c, unit, ['ActiveState', 'SubState']);
    const word = settledWord(p['ActiveState'] ?? '', p['SubState'], Date.now() - t0, timeoutMs);
    if (word !== undefined) return word;
    await sleep(100);
  }
}

export async function journalCursor(c: Container): Promise<string> {
  const r = await c.exec(['journalctl', '-n', '0', '--show-cursor', '-q']);
  return /cursor: (.*)/.exec(r.stdout)?.[1]?.trim() ?? '';
}

export interface JournalEntry {
  readonly MESSAGE?: string;
  readonly JOB_TYPE?: string;
}

/** journalctl -o json output: one entry per JSON line ({} for a line that does not parse). */
export function parseJournalJson(text: string): JournalEntry[] {
  return text
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

/** systemd's own entries about `unit` after `cursor`. */
export async function unitEventsSince(c: Container, cursor: string, unit: string): Promise<JournalEntry[]> {
  await c.exec(['journalctl', '--sync']);
  const r = await c.exec(['journalctl', `--after-cursor=${cursor}`, '-u', unit, '-o', 'json', '--no-pager', '_PID=1']);
  return parseJournalJson(r.stdout);
}
