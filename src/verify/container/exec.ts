/**
 * Running commands in a booted container from the host: nsenter into every
 * namespace of its systemd (no machinectl or systemd-run -M: no machined),
 * with a clean environment; optionally as a transient unit of the
 * container's systemd.
 */
import { run, type RunResult } from '../../core/exec.js';
import { TacError, TempFailError, UnavailableError } from '../../core/errors.js';
import type { ExecOptions } from '../container.js';

export const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment of a command in the container: a clean base plus `extra`. */
export function containerEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: CONTAINER_PATH,
    HOME: '/root',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    SYSTEMD_PAGER: '',
    SYSTEMD_COLORS: '0',
    DEBIAN_FRONTEND: 'noninteractive',
    ...extra,
  };
}

/** systemd-run's prefix for o.asUnit (the unit gets o.env too), else nothing. */
function unitPrefix(o: ExecOptions): string[] {
  if (!o.asUnit) return [];
  const setenv = Object.entries(o.env ?? {}).map(([k, v]) => `--setenv=${k}=${v}`);
  return ['systemd-run', '--quiet', '--wait', '--pipe', '--collect', '--service-type=exec', ...setenv, '--'];
}

/** nsenter's arguments to run `argv` inside the container whose systemd is `leaderPid`. */
export function nsenterArgs(leaderPid: number, argv: readonly string[], o: ExecOptions = {}): string[] {
  const env = Object.entries(containerEnv(o.env)).map(([k, v]) => `${k}=${v}`);
  return ['-t', String(leaderPid), '-a', '--', '/usr/bin/env', '-i', ...env, ...unitPrefix(o), ...argv];
}

/** The TacError of o.check for a command that timed out or exited non-zero, or undefined. */
export function checkFailure(name: string, argv: readonly string[], r: RunResult, o: ExecOptions): TacError | undefined {
  if (!o.check) return undefined;
  const what = `in container ${name}: '${argv.join(' ')}'`;
  if (r.timedOut) return new TempFailError('tacd.verify.exec', `${what} did not finish within ${o.timeoutMs! / 1000} s`);
  if (r.exitCode === 0) return undefined;
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ');
  return new UnavailableError('tacd.verify.exec', `${what} exited ${r.exitCode}: ${detail}`);
}

/** Runs `argv` in the container (see Container.exec); `requireUp` throws once it is shut down. */
export async function execIn(name: string, leaderPid: number, requireUp: () => void, argv: readonly string[], o: ExecOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new TacError('tacd.verify.exec', 'exec needs a command');
  requireUp();
  const r = await run('nsenter', nsenterArgs(leaderPid, argv, o), {
    allowFailure: true,
    ...(o.input !== undefined ? { input: o.input } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  const failure = checkFailure(name, argv, r, o);
  if (failure) throw failure;
  return r;
}
