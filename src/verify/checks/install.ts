/**
 * The package and install checks: read the package (name, unit), install it
 * (dpkg -i / rpm -ivh --nodeps), and with --upgrade-from: the old version
 * installed, running, its conffile edited and its state marked first, then
 * the upgrade checked (the edit and the state kept, exactly one restart,
 * never stopped).
 */
import path from 'node:path';
import { packageInfo } from '../package-info.js';
import { journalCursor, journalReason, settledState, unitEventsSince, unitStateDetail, type JournalEntry } from '../unit-state.js';
import type { PackageFormat } from '../verify.js';
import type { Container } from '../container.js';
import { markState, stateProblem } from './state.js';
import { fail, packageOf, problemLines, scriptletFailure, sleep, type CheckContext } from './check.js';

const INSTALL_TIMEOUT_MS = 300_000;
const EDIT = '# local edit by tacd verify: must survive the upgrade';

/** dpkg -i (rpm -ivh/-Uvh --nodeps) of `inside`; fail() naming the tool's reason; resolves with what ran. */
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
  const scriptlet = scriptletFailure(out);
  if (scriptlet) fail(`${tool}: ${scriptlet}`);
  return `${tool} ${path.basename(inside)}`;
}

/** package: the package names a systemd .service unit. */
export async function readPackage(x: CheckContext): Promise<string> {
  const info = await packageInfo(x.c, x.format, x.inside);
  x.info = info;
  x.result.name = info.name;
  x.result.version = info.version;
  if (!info.name) fail('the package has no name');
  if (!info.unit) fail(`${info.name} ships no systemd service unit (no /lib/systemd/system/*.service or /usr/lib/systemd/system/*.service)`);
  x.unit = info.unit!;
  x.result.unit = x.unit;
  return `${info.name} ${info.version}, ${x.unit}${info.conffiles.length ? `, conffiles ${info.conffiles.join(' ')}` : ''}`;
}

/** Appends the EDIT line to `file` in the container. */
async function editConffile(c: Container, file: string): Promise<void> {
  const r = await c.exec(['sh', '-c', 'printf "%s\\n" "$1" >> "$0"', file, EDIT]);
  if (r.exitCode !== 0) fail(`cannot edit ${file}: ${r.stderr.trim()}`);
}

/** install old: the --upgrade-from package (same name) installed and active, its first conffile edited, its state marked. */
export async function installOld(x: CheckContext): Promise<string> {
  const pkg = packageOf(x);
  const oldInfo = await packageInfo(x.c, x.format, x.oldInside!);
  if (oldInfo.name !== pkg.name) fail(`--upgrade-from is package '${oldInfo.name}', not '${pkg.name}'`);
  x.installed = true;
  const what = await install(x.c, x.format, x.oldInside!, false);
  const state = await settledState(x.c, x.unit);
  if (state !== 'active') fail(`the old version's ${x.unit} is not active: ${await unitStateDetail(x.c, x.unit)}${await journalReason(x.c, x.unit)}`);
  x.edited = oldInfo.conffiles[0];
  if (x.edited !== undefined) await editConffile(x.c, x.edited);
  x.state = await markState(x.c, x.unit);
  x.cursor = await journalCursor(x.c);
  const marked = x.state ? `, state marked in ${path.dirname(x.state.file)}` : ', no StateDirectory= to mark';
  return `${what} (${oldInfo.version}), ${x.unit} active${x.edited ? `, ${x.edited} edited` : ', no conffile to edit'}${marked}`;
}

/** install: this package (over the old version with --upgrade-from). */
export async function installNew(x: CheckContext): Promise<string> {
  x.installed = true;
  const upgrade = x.oldInside !== undefined;
  const what = await install(x.c, x.format, x.inside, upgrade);
  return upgrade ? `${what} over the old version` : what;
}

/** What the journal says went wrong with the service during an upgrade. */
export function upgradeEventProblems(events: readonly JournalEntry[], unit: string): string[] {
  const problems: string[] = [];
  const starts = events.filter((e) => e.MESSAGE?.startsWith('Started ')).length;
  // a restart job logs 'Stopped' with JOB_TYPE=restart; a stop job with JOB_TYPE=stop
  const stops = events.filter((e) => e.MESSAGE?.startsWith('Stopped ') && e.JOB_TYPE === 'stop').length;
  if (stops > 0) problems.push(`${unit} was stopped during the upgrade (a stop and a start, not one restart)`);
  if (starts !== 1) problems.push(`${unit} was started ${starts} times during the upgrade (expected exactly one restart)`);
  return problems;
}

/** upgrade: the conffile edit and the state kept, restarted exactly once, never stopped, active. */
export async function checkUpgrade(x: CheckContext): Promise<string> {
  // our units restart with RestartSec=2s; give a late restart time to show
  await settledState(x.c, x.unit);
  await sleep(500);
  const problems: string[] = [];
  if (x.edited !== undefined) {
    const text = (await x.c.readFile(x.edited).catch(() => Buffer.from(''))).toString();
    if (!text.includes(EDIT)) problems.push(`the admin's edit of ${x.edited} was lost`);
  }
  const lost = x.state && (await stateProblem(x.c, x.state));
  if (lost) problems.push(lost);
  problems.push(...upgradeEventProblems(await unitEventsSince(x.c, x.cursor, x.unit), x.unit));
  const state = (await x.c.exec(['systemctl', 'is-active', x.unit])).stdout.trim();
  if (state !== 'active') problems.push(`${x.unit} is ${state} after the upgrade`);
  if (problems.length) fail(problems.join('; '));
  const kept = [x.edited && `${x.edited} edit`, x.state && path.dirname(x.state.file)].filter(Boolean);
  return `${kept.length ? `${kept.join(' and ')} kept, ` : ''}restarted once, never stopped`;
}
