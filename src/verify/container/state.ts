/**
 * A container's state on the host: <stateRoot>/<name>/{rw (tmpfs: upper,
 * work), merged, console.log, owner.json}. owner.json records which process
 * owns the container and which systemd-nspawn runs it, so a later run can
 * tell a crashed owner's leftovers from a live container.
 */
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TempFailError } from '../../core/errors.js';
import { processStart } from './procs.js';

/** owner.json. */
export interface OwnerRecord {
  readonly ownerPid: number;
  readonly ownerStart: string;
  nspawnPid?: number;
  nspawnStart?: string;
  readonly merged: string;
}

/** The paths of one container's state. */
export interface StatePaths {
  readonly stateDir: string;
  /** The tmpfs holding the overlay's upper and work dirs. */
  readonly rw: string;
  /** The overlay: the container's / as seen from the host. */
  readonly merged: string;
  readonly consoleLog: string;
  readonly ownerFile: string;
}

/** Where container state lives: the override, else env TACD_STATE_DIR, else /run/tacd/containers. */
export function containerStateRoot(override?: string): string {
  return path.resolve(override ?? process.env.TACD_STATE_DIR ?? '/run/tacd/containers');
}

/** The state paths of container `name` under `stateRoot`. */
export function statePaths(stateRoot: string, name: string): StatePaths {
  const stateDir = path.join(stateRoot, name);
  return {
    stateDir,
    rw: path.join(stateDir, 'rw'),
    merged: path.join(stateDir, 'merged'),
    consoleLog: path.join(stateDir, 'console.log'),
    ownerFile: path.join(stateDir, 'owner.json'),
  };
}

/** Writes owner.json (again, once nspawn's pid is known). */
export async function writeOwner(p: StatePaths, rec: OwnerRecord): Promise<void> {
  await fs.writeFile(p.ownerFile, `${JSON.stringify(rec)}\n`);
}

/** Creates the state dirs and owner.json of a new container owned by this process; refuses an existing one. */
export async function createState(p: StatePaths, name: string): Promise<OwnerRecord> {
  if (existsSync(p.stateDir)) {
    throw new TempFailError('tacd.verify.exists', `container state ${p.stateDir} already exists (is '${name}' running?)`);
  }
  await fs.mkdir(p.rw, { recursive: true, mode: 0o755 });
  await fs.mkdir(p.merged, { recursive: true, mode: 0o755 });
  const rec: OwnerRecord = { ownerPid: process.pid, ownerStart: processStart(process.pid) ?? '', merged: p.merged };
  await writeOwner(p, rec);
  return rec;
}

/** owner.json of a state dir, or undefined when it is missing or unreadable. */
export function readOwner(stateDir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, 'owner.json'), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}
