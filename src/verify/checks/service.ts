/**
 * The service checks, on the installed package's unit: enabled, active,
 * settled (no restarts), answering its probe, reloadable, restartable.
 */
import { listeningSockets, probeUntil, type Listener, type Probe } from '../probe.js';
import { journalReason, props, settledState, unitStateDetail } from '../unit-state.js';
import { ended, fail, sleep, type CheckContext } from './check.js';

/** enabled: systemctl is-enabled says enabled. */
export async function checkEnabled(x: CheckContext): Promise<string> {
  const r = await x.c.exec(['systemctl', 'is-enabled', x.unit]);
  const state = r.stdout.trim() || r.stderr.trim();
  if (state !== 'enabled') fail(`systemctl is-enabled ${x.unit}: ${state}`);
  return `${x.unit} enabled`;
}

/** active: the unit reaches active. */
export async function checkActive(x: CheckContext): Promise<string> {
  const { c, unit } = x;
  const state = await settledState(c, unit);
  if (state !== 'active') fail(`${unit} is ${state}: ${await unitStateDetail(c, unit)}${await journalReason(c, unit)}`);
  const p = await props(c, unit, ['MainPID', 'User']);
  return `${unit} active, MainPID ${p['MainPID']}${p['User'] ? `, User=${p['User']}` : ''}`;
}

/** settle: after settleMs still active, same MainPID, NRestarts=0. */
export async function checkSettle(x: CheckContext): Promise<string> {
  const { c, unit, settleMs } = x;
  const before = await props(c, unit, ['MainPID']);
  await sleep(settleMs);
  const p = await props(c, unit, ['ActiveState', 'MainPID', 'NRestarts']);
  if (p['ActiveState'] !== 'active') fail(`${unit} is ${p['ActiveState']} ${settleMs} ms after starting: ${await unitStateDetail(c, unit)}${await journalReason(c, unit)}`);
  if (p['NRestarts'] !== '0') fail(`${unit} restarted ${p['NRestarts']} times within ${settleMs} ms (NRestarts=${p['NRestarts']})${await journalReason(c, unit)}`);
  if (p['MainPID'] !== before['MainPID']) fail(`${unit}'s MainPID changed from ${before['MainPID']} to ${p['MainPID']} within ${settleMs} ms`);
  return `still active after ${(settleMs / 1000).toFixed(1)} s, NRestarts=0`;
}

/** The tcp probe for a socket found with ss, and the note saying so. */
export function foundProbe(l: Listener): { probe: Probe; note: string } {
  const probe: Probe = { kind: 'tcp', port: l.port, ...(l.host !== undefined ? { host: l.host } : {}), text: `tcp:${l.port}` };
  const at = l.host !== undefined ? ` at ${l.host.includes(':') ? `[${l.host}]` : l.host}:${l.port}` : '';
  return { probe, note: ` (found with ss${at}; give --probe to choose)` };
}

/** probe: --probe answers (default: the first TCP port the service listens on; none: nothing to probe). */
export async function checkProbe(x: CheckContext): Promise<string> {
  if (!x.probe) {
    const first = (await listeningSockets(x.c, x.unit))[0];
    if (first === undefined) return 'no --probe given and the service listens on no TCP port: nothing to probe';
    const found = foundProbe(first);
    x.probe = found.probe;
    x.probeNote = found.note;
  }
  const why = await probeUntil(x.c, x.probe, x.probeTimeoutMs);
  if (why !== undefined) fail(`${x.probe.text}: ${why}`);
  return `${x.probe.text} answers${x.probeNote}`;
}

/** reload: systemctl reload works and keeps MainPID (not checked without ExecReload). */
export async function checkReload(x: CheckContext): Promise<string> {
  const { c, unit } = x;
  const p = await props(c, unit, ['CanReload', 'MainPID']);
  if (p['CanReload'] !== 'yes') return `${unit} has no ExecReload: not checked`;
  const r = await c.exec(['systemctl', 'reload', unit], { timeoutMs: 60_000 });
  if (r.exitCode !== 0) fail(`systemctl reload ${unit} ${ended(r, 60_000)}: ${r.stderr.trim().split('\n').pop() ?? ''}${await journalReason(c, unit)}`);
  const state = await settledState(c, unit, 10_000);
  if (state !== 'active') fail(`${unit} is ${state} after reload${await journalReason(c, unit)}`);
  const after = await props(c, unit, ['MainPID']);
  if (after['MainPID'] !== p['MainPID']) fail(`reload replaced the main process (MainPID ${p['MainPID']} -> ${after['MainPID']})`);
  return `MainPID ${p['MainPID']} kept`;
}

/** restart: systemctl restart gives a new MainPID, active, and the probe answers again. */
export async function checkRestart(x: CheckContext): Promise<string> {
  const { c, unit, probe } = x;
  const p = await props(c, unit, ['MainPID']);
  const r = await c.exec(['systemctl', 'restart', unit], { timeoutMs: 120_000 });
  if (r.exitCode !== 0) fail(`systemctl restart ${unit} ${ended(r, 120_000)}${await journalReason(c, unit)}`);
  const state = await settledState(c, unit);
  if (state !== 'active') fail(`${unit} is ${state} after restart${await journalReason(c, unit)}`);
  const after = await props(c, unit, ['MainPID']);
  if (after['MainPID'] === p['MainPID']) fail(`restart kept MainPID ${p['MainPID']}`);
  if (probe) {
    const why = await probeUntil(c, probe, x.probeTimeoutMs);
    if (why !== undefined) fail(`after restart, ${probe.text}: ${why}`);
  }
  return `MainPID ${p['MainPID']} -> ${after['MainPID']}${probe ? `, ${probe.text} answers` : ''}`;
}
