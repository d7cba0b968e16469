/**
 * The one module through which tacd runs external programs (xz, systemd-notify,
 * gpg, dpkg tools in verify, ...). Everything else calls these functions, so
 * side effects on the host stay in one visible place and tests can see them.
 */
import { execFile, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Options as ExecaOptions, ResultPromise } from 'execa';
import { TacError, TempFailError, UnavailableError } from './errors.js';

// execa (ESM only, ~120 modules) is loaded on first use, by the packagers and
// verify. The daemon never loads it: its two calls (systemd-notify, and
// re-executing itself to daemonize) use the light functions at the end of
// this file, on node:child_process alone, so it starts fast and a packaged
// app carries no execa (src/bundle/bundle.ts leaves it out).
let execaModule: Promise<typeof import('execa')> | undefined;
async function loadExeca(): Promise<typeof import('execa').execa> {
  return (await (execaModule ??= import('execa'))).execa;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Set (with exitCode 124, as timeout(1)) when run() killed the program at `timeoutMs` under `allowFailure`. */
  readonly timedOut?: true;
}

export interface RunOptions {
  readonly input?: string | Uint8Array;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replace the environment instead of extending it. */
  readonly extendEnv?: boolean;
  readonly timeoutMs?: number;
  /** Resolve even when the program exits non-zero (the caller inspects exitCode). */
  readonly allowFailure?: boolean;
}

/** True when `name` can be found on PATH (or is an executable path). */
export async function haveProgram(name: string): Promise<boolean> {
  const execa = await loadExeca();
  const r = await execa('sh', ['-c', 'command -v "$1" >/dev/null 2>&1', 'sh', name], { reject: false });
  return r.exitCode === 0;
}

// The errors of run() and runLight(), worded once.
function missingProgram(file: string, cause: unknown): TacError {
  return new UnavailableError('tacd.exec.missing', `required program '${file}' was not found on PATH`, { cause });
}
function timedOut(file: string, args: readonly string[], timeoutMs: number, cause: unknown): TacError {
  return new TempFailError('tacd.exec.timeout', `'${file} ${args.join(' ')}' did not finish within ${timeoutMs / 1000} s`, { cause });
}
function notRun(file: string, signal: string | null | undefined, message: string | undefined, cause: unknown): TacError {
  return new UnavailableError('tacd.exec.failed', `'${file}' ${signal ? `was killed by ${signal}` : `could not run: ${message}`}`, { cause });
}
function exitedWith(file: string, args: readonly string[], status: number, stderr: string, cause: unknown): TacError {
  const detail = stderr.trim().split('\n').slice(-3).join(' / ');
  return new UnavailableError('tacd.exec.status', `'${file} ${args.join(' ')}' exited ${status}: ${detail}`, { cause });
}

/**
 * Runs `file args` and collects its text output. A missing program becomes a
 * TacError (EX_UNAVAILABLE) that names it; a non-zero exit becomes a TacError
 * carrying the program's stderr, unless `allowFailure` is set. A program still
 * running after `timeoutMs` is killed and reported ("did not finish within N s"),
 * or with `allowFailure` returned as exit status 124 with `timedOut` (as
 * timeout(1) does); one killed by a signal is reported by the signal's name.
 */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const execa = await loadExeca();
  const r = await execa(file, args, {
    reject: false,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env as Record<string, string> } : {}),
    extendEnv: options.extendEnv ?? true,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    stripFinalNewline: false,
  });
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  // Checked first: a program that ignores the kill may still exit (even 0) after its time.
  if (r.timedOut) {
    if (options.allowFailure) return { exitCode: 124, stdout, stderr, timedOut: true };
    throw timedOut(file, args, options.timeoutMs ?? 0, r);
  }
  if (r.failed && r.exitCode === undefined) {
    if ((r as { code?: string }).code === 'ENOENT') throw missingProgram(file, r);
    throw notRun(file, r.signal, r.shortMessage ?? r.message, r);
  }
  const result = { exitCode: r.exitCode ?? 1, stdout, stderr };
  if (result.exitCode !== 0 && !options.allowFailure) throw exitedWith(file, args, result.exitCode, stderr, r);
  return result;
}

/**
 * Runs `file args` with binary stdin/stdout, for filters such as `xz -c`.
 * Returns the child's stdout bytes.
 */
export async function filter(
  file: string,
  args: readonly string[],
  input: Uint8Array | AsyncIterable<Uint8Array>,
  options: { readonly env?: Readonly<Record<string, string>> } = {},
): Promise<Buffer> {
  const execa = await loadExeca();
  const child = execa(file, args, {
    ...(options.env !== undefined ? { env: options.env as Record<string, string> } : {}),
    input: input instanceof Uint8Array ? input : undefined,
    encoding: 'buffer',
    stripFinalNewline: false,
    maxBuffer: Number.MAX_SAFE_INTEGER,
    reject: false,
    ...(input instanceof Uint8Array ? {} : { stdin: 'pipe' as const }),
  });
  if (!(input instanceof Uint8Array)) {
    void pump(input, child);
  }
  const r = await child;
  if (r.failed) {
    throw new UnavailableError('tacd.exec.filter', `'${file} ${args.join(' ')}' failed: ${r.shortMessage}`, { cause: r });
  }
  return Buffer.from(r.stdout as Uint8Array);
}

async function pump(input: AsyncIterable<Uint8Array>, child: ResultPromise): Promise<void> {
  const stdin = child.stdin!;
  try {
    for await (const chunk of input) {
      if (!stdin.write(chunk)) await new Promise<void>((res) => stdin.once('drain', () => res()));
    }
  } finally {
    stdin.end();
  }
}

/** A started program: execa's handle (a thenable, so it is wrapped: awaiting it waits for the end). */
export interface Spawned {
  readonly child: ResultPromise;
}

/**
 * Starts a long-running program (a daemon under test, systemd-nspawn) and
 * returns execa's handle. Callers own its lifetime.
 */
export async function spawnProgram(file: string, args: readonly string[], options: ExecaOptions = {}): Promise<Spawned> {
  const execa = await loadExeca();
  return { child: execa(file, args, { reject: false, ...options }) };
}

/**
 * Runs a short program to completion with node:child_process (no execa):
 * for the daemon's own calls (systemd-notify). Same contract as run() for a
 * missing program (TacError, EX_UNAVAILABLE) and a non-zero exit (TacError
 * with the program's last stderr lines); a program still running after
 * `timeoutMs` is killed and reported.
 */
export function runLight(file: string, args: readonly string[], options: { readonly timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 0, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve({ exitCode: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
      if (e.code === 'ENOENT') return reject(missingProgram(file, error));
      if (e.killed && options.timeoutMs) return reject(timedOut(file, args, options.timeoutMs, error));
      if (typeof e.code !== 'number') return reject(notRun(file, e.signal, e.message, error));
      reject(exitedWith(file, args, e.code, stderr, error));
    });
  });
}

export interface DetachedOptions {
  readonly cwd: string;
  /** The whole environment (nothing is inherited). */
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: StdioOptions;
}

/**
 * Starts a program in a new session (detached) with node:child_process (no
 * execa): for the runner re-executing itself as the daemon. The caller owns
 * the child (its pipes, unref()).
 */
export function spawnDetached(file: string, args: readonly string[], options: DetachedOptions): ChildProcess {
  return spawn(file, args, { cwd: options.cwd, env: options.env, stdio: options.stdio, detached: true });
}
