/**
 * The load check run before a package is written: the staged files of
 * /usr/lib/NAME are copied to a scratch folder, where the app's source tree
 * and its node_modules cannot be reached, and the launcher is run there
 * with the packaged node and TACD_LOAD_CHECK=1: the bundle loads the app
 * (every module it imports at load time, native addons included) and builds
 * its service tree, starts nothing, and says so; the check ends the process
 * as soon as it has (an app that opens a handle at import would otherwise
 * keep running). A module that fails to load
 * refuses the build (65) with its error, so a missing addon or run-time
 * module is found at build time rather than on the server. Only for an arch
 * this host can run.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { spawnProgram } from '../core/exec.js';
import { LOAD_CHECK_ENV, LOAD_CHECK_OK, type BundledFile } from './bundle.js';
import { hostDebianArch } from './native.js';

/** What the load check did, for the build report. */
export interface LoadCheckResult {
  readonly ran: boolean;
  /** Why it did not run (skipped by option, or a foreign arch). */
  readonly reason?: string;
}

export interface LoadCheckInput {
  readonly name: string;
  /** The files of /usr/lib/NAME, relative to it (launcher.cjs among them). */
  readonly files: readonly BundledFile[];
  /** The package's Debian arch ('all' for none). */
  readonly arch: string;
  /** The node to load it with: the one packaged, or this host's for --runtime system. */
  readonly node: string;
  readonly timeoutMs?: number;
}

function stage(dir: string, files: readonly BundledFile[]): void {
  for (const f of files) {
    const p = path.join(dir, ...f.rel.split('/'));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.data);
    chmodSync(p, f.mode);
  }
}

// The line that says what failed: the bundle's own report, else node's error line, else the last line.
function failureLine(stderr: string, exitCode: number): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.find((l) => l.startsWith('tacd: the bundled application failed to load:'));
  if (own) return own.slice('tacd: the bundled application failed to load:'.length).trim();
  return lines.find((l) => /^\w*Error\b|^Error:/.test(l)) ?? lines.at(-1) ?? `exit status ${exitCode}, no output`;
}

/** True when this host can run code for the Debian `arch`. */
export function hostRuns(arch: string): boolean {
  return arch === 'all' || arch === hostDebianArch();
}

/** How the launcher's run ended: whether it said it loaded, and what else is known. */
interface LoadRun {
  readonly loaded: boolean;
  readonly timedOut: boolean;
  readonly exitCode: number;
  readonly stderr: string;
}

/** Runs the launcher until it says it loaded (then kills it: the tree is built), exits, or `timeoutMs` passes. */
async function runUntilLoaded(node: string, launcher: string, cwd: string, timeoutMs: number): Promise<LoadRun> {
  const env = { PATH: '/usr/bin:/bin', HOME: cwd, LANG: 'C.UTF-8', [LOAD_CHECK_ENV]: '1' };
  const { child } = await spawnProgram(node, ['--enable-source-maps', launcher], { cwd, env, extendEnv: false, timeout: timeoutMs, stdin: 'ignore' });
  let out = '';
  let loaded = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-4096);
    if (!loaded && out.includes(LOAD_CHECK_OK)) {
      loaded = true;
      child.kill('SIGKILL');
    }
  });
  const r = await child;
  return { loaded, timedOut: r.timedOut === true && !loaded, exitCode: r.exitCode ?? -1, stderr: String(r.stderr ?? '') };
}

/**
 * Runs the load check. @throws DataError (65) with the module's error when
 * the app does not load.
 */
export async function loadCheck(input: LoadCheckInput): Promise<LoadCheckResult> {
  if (!hostRuns(input.arch)) return { ran: false, reason: `the package is for ${input.arch} and this host runs ${hostDebianArch()}` };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tacd-load-check-'));
  try {
    const dir = path.join(scratch, input.name);
    stage(dir, input.files);
    const timeoutMs = input.timeoutMs ?? 30_000;
    const r = await runUntilLoaded(input.node, path.join(dir, 'launcher.cjs'), scratch, timeoutMs);
    if (r.loaded) return { ran: true };
    const why = r.timedOut ? `it did not finish loading within ${timeoutMs / 1000} s` : r.exitCode === 0 ? 'it exited without building its service tree' : failureLine(r.stderr, r.exitCode);
    throw new DataError('tacd.loadCheck.failed', `load check: the packaged app does not load from a copy outside the source tree: ${why} (--no-load-check skips this check)`, { field: 'load-check' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The load check as ts2deb/ts2rpm run it: skipped with --no-load-check (`enabled` false). */
export async function loadCheckPackage(input: LoadCheckInput & { readonly enabled: boolean }): Promise<LoadCheckResult> {
  if (!input.enabled) return { ran: false, reason: 'skipped with --no-load-check' };
  return loadCheck(input);
}
