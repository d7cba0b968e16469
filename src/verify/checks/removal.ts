/**
 * The removal checks: dpkg -r stops the service and ends its user's
 * processes; dpkg -P (rpm -e) leaves no file, unit, link or state behind and
 * dpkg/rpm forget the package. The system user is kept (Debian policy: an
 * account is never reused for someone else's files); the detail says whether
 * it exists.
 */
import type { RunResult } from '../../core/exec.js';
import { leftovers } from '../leftovers.js';
import { props } from '../unit-state.js';
import { ended, fail, packageOf, problemLines, scriptletFailure, type CheckContext } from './check.js';

const REMOVE_TIMEOUT_MS = 120_000;

/** The service's User= ('' when unset or unreadable), read once, before the first removal. */
async function serviceUser(x: CheckContext): Promise<string> {
  x.user ??= (await props(x.c, x.unit, ['User']).catch(() => ({}) as Record<string, string>))['User'] ?? '';
  return x.user;
}

/** Problems of the tool's run itself: its exit status and rpm's scriptlet warning. */
export function toolProblems(tool: string, r: RunResult): string[] {
  const out = `${r.stdout}\n${r.stderr}`;
  const problems: string[] = [];
  if (r.exitCode !== 0) problems.push(`${tool} ${ended(r, REMOVE_TIMEOUT_MS)}: ${problemLines(out)}`);
  const scriptlet = scriptletFailure(out);
  if (scriptlet) problems.push(`${tool}: ${scriptlet}`);
  return problems;
}

/** After a removal: the tool's problems, the unit still running, processes of the service user left. */
async function stoppedAndGone(x: CheckContext, tool: string, r: RunResult): Promise<string[]> {
  const problems = toolProblems(tool, r);
  const state = (await x.c.exec(['systemctl', 'is-active', x.unit])).stdout.trim();
  if (state === 'active' || state === 'activating' || state === 'reloading') problems.push(`${x.unit} is still ${state}`);
  const user = await serviceUser(x);
  if (user && user !== 'root') {
    const ps = await x.c.exec(['pgrep', '-u', user, '-a']);
    if (ps.exitCode === 0 && ps.stdout.trim()) problems.push(`processes of ${user} still run: ${ps.stdout.trim().split('\n').join(', ')}`);
  }
  return problems;
}

/** "; system user U kept (...)" / "not present", or '' for a root service. */
async function userNote(x: CheckContext): Promise<string> {
  const user = await serviceUser(x);
  if (!user || user === 'root') return '';
  const exists = (await x.c.exec(['getent', 'passwd', user])).exitCode === 0;
  return exists ? `; system user ${user} kept (accounts are never removed: Debian policy, Fedora guidelines)` : `; system user ${user} not present`;
}

/** Runs a removal command, then collects stoppedAndGone() and (for purge/erase) the leftovers. */
async function removeWith(x: CheckContext, tool: string, argv: readonly string[], purge: boolean): Promise<string[]> {
  await serviceUser(x); // while the unit is still installed
  const r = await x.c.exec(argv, { timeoutMs: REMOVE_TIMEOUT_MS });
  const problems = await stoppedAndGone(x, tool, r);
  if (!purge) return problems;
  const left = await leftovers(x.c, packageOf(x), x.unit, x.format);
  if (left.length) problems.push(`left behind: ${left.join(' ')}`);
  return problems;
}

/** remove (deb): dpkg -r stops the service. */
export async function checkRemove(x: CheckContext): Promise<string> {
  const name = packageOf(x).name;
  const problems = await removeWith(x, 'dpkg -r', ['dpkg', '-r', name], false);
  if (problems.length) fail(problems.join('; '));
  return `dpkg -r ${name}: ${x.unit} stopped`;
}

/** purge (deb): dpkg -P leaves nothing, and dpkg forgets the package. */
export async function checkPurge(x: CheckContext): Promise<string> {
  const name = packageOf(x).name;
  const problems = await removeWith(x, 'dpkg -P', ['dpkg', '-P', name], true);
  const known = await x.c.exec(['dpkg-query', '-W', '-f', '${Status}', name]);
  if (known.exitCode === 0 && !/not-installed/.test(known.stdout)) problems.push(`dpkg still knows ${name} (${known.stdout.trim()})`);
  if (problems.length) fail(problems.join('; '));
  return `dpkg -P ${name}: nothing left${await userNote(x)}`;
}

/** erase (rpm): rpm -e leaves nothing, and rpm forgets the package. */
export async function checkErase(x: CheckContext): Promise<string> {
  const name = packageOf(x).name;
  const problems = await removeWith(x, 'rpm -e', ['rpm', '-e', '--nodeps', name], true);
  if ((await x.c.exec(['rpm', '-q', name])).exitCode === 0) problems.push(`rpm still knows ${name}`);
  if (problems.length) fail(problems.join('; '));
  return `rpm -e ${name}: nothing left${await userNote(x)}`;
}
