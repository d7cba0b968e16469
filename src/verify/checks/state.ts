/**
 * The service's state across an upgrade: before it, a marker file is put in
 * the unit's first StateDirectory= (/var/lib/NAME), owned as that folder is;
 * after it, the marker must still be there with the same bytes. The purge
 * check later sees the folder, marker included, removed.
 */
import { randomBytes } from 'node:crypto';
import type { Container } from '../container.js';
import { fail } from './check.js';

const MARKER = '.tacd-verify-state';

/** Where the marker goes: /var/lib/FIRST/MARKER, or undefined for a unit without StateDirectory=. */
async function markerPath(c: Container, unit: string): Promise<string | undefined> {
  const { StateDirectory: dirs = '' } = await c.unitProperties(unit, ['StateDirectory']);
  const first = dirs.split(/\s+/).find((d) => d !== '');
  return first === undefined ? undefined : `/var/lib/${first.replace(/^\/+/, '')}/${MARKER}`;
}

/** A state a running service would keep across the upgrade. */
export interface StateMark {
  readonly file: string;
  readonly token: string;
}

/** Writes the marker (fail() when it cannot); undefined without a StateDirectory=. */
export async function markState(c: Container, unit: string): Promise<StateMark | undefined> {
  const file = await markerPath(c, unit);
  if (file === undefined) return undefined;
  const token = `${randomBytes(12).toString('hex')}\n`;
  const r = await c.exec(['sh', '-c', 'printf %s "$1" > "$0" && chown --reference="${0%/*}" "$0"', file, token]);
  if (r.exitCode !== 0) fail(`cannot write ${file}: ${r.stderr.trim()}`);
  return { file, token };
}

/** What happened to the marker: undefined when it is kept, else why not. */
export async function stateProblem(c: Container, mark: StateMark): Promise<string | undefined> {
  const now = await c.readFile(mark.file).catch(() => undefined);
  if (now === undefined) return `the service's state in ${mark.file.slice(0, -MARKER.length - 1)} was lost (${MARKER} is gone)`;
  return now.toString() === mark.token ? undefined : `the service's state file ${mark.file} was changed`;
}
