/**
 * systemd-nspawn for a host without machined or a systemd PID 1:
 *   --register=no --keep-unit   no machined / host systemd to talk to
 *   -b --console=pipe           boot systemd; its console goes to console.log
 */
import { spawnProgram, type Spawned } from '../../core/exec.js';
import { OsError } from '../../core/errors.js';

/** What shapes the nspawn command line (a subset of ContainerOptions). */
export interface NspawnSpec {
  readonly privateNetwork?: boolean;
  readonly bindReadOnly?: readonly string[];
  readonly bind?: readonly string[];
  readonly nspawnArgs?: readonly string[];
}

/** systemd-nspawn's arguments to boot `merged` as machine `name`. */
export function nspawnArgs(merged: string, name: string, spec: NspawnSpec): string[] {
  return [
    ...['-D', merged, '-M', name, '-b', '--register=no', '--keep-unit', '--console=pipe'],
    ...(spec.privateNetwork ? ['--private-network'] : []),
    ...(spec.bindReadOnly ?? []).map((b) => `--bind-ro=${b}`),
    ...(spec.bind ?? []).map((b) => `--bind=${b}`),
    ...(spec.nspawnArgs ?? []),
  ];
}

export type Nspawn = Spawned['child'];

/**
 * Starts systemd-nspawn with `args`, its console appended to `consoleLog`.
 * detached = own session: a Ctrl-C to our process group does not hit nspawn;
 * shutdown() (or the exit hook) stops it. The console goes straight to the
 * file (sh redirects, then execs nspawn under the same pid), not through a
 * pipe that would break if this process died.
 */
export async function startNspawn(args: readonly string[], consoleLog: string): Promise<{ child: Nspawn; pid: number }> {
  const { child } = await spawnProgram('sh', ['-c', 'log=$1; shift; exec "$@" </dev/null >>"$log" 2>&1', 'sh', consoleLog, 'systemd-nspawn', ...args], {
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'ignore',
    buffer: false,
    env: { SYSTEMD_LOG_COLOR: '0' },
  });
  child.catch(() => undefined);
  if (child.pid === undefined) throw new OsError('tacd.verify.boot', 'systemd-nspawn could not be started');
  return { child, pid: child.pid };
}
