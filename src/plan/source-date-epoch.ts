import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { run } from '../core/exec.js';
import { EARLIEST_MTIME, EARLIEST_MTIME_ISO } from '../formats/epoch.js';

/**
 * Reads SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)
 * from the given environment. Returns seconds since the epoch, or `fallback()`
 * when the variable is unset or empty. A malformed value (not a whole,
 * non-negative number of seconds) or one before EARLIEST_MTIME (1976-01-01,
 * lintian's package-contains-ancient-file cut-off) is an error, never ignored.
 */
export function sourceDateEpoch(env: Readonly<Record<string, string | undefined>>, fallback: () => number): number {
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return fallback();
  const expected = `expected whole seconds since 1970, at least ${EARLIEST_MTIME} (${EARLIEST_MTIME_ISO}; lintian rejects older files as package-contains-ancient-file)`;
  if (!/^\d{1,11}$/.test(raw)) {
    throw new DataError('tacd.sourceDateEpoch', `SOURCE_DATE_EPOCH=${JSON.stringify(raw)} is not a whole number of seconds: ${expected}`, {
      field: 'SOURCE_DATE_EPOCH',
    });
  }
  const seconds = Number(raw);
  if (seconds < EARLIEST_MTIME) {
    throw new DataError('tacd.sourceDateEpoch', `SOURCE_DATE_EPOCH=${raw} is ${new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')}, too old: ${expected}`, {
      field: 'SOURCE_DATE_EPOCH',
    });
  }
  return seconds;
}

/** Where the build's timestamp came from (the report says which). */
export type EpochSource = 'SOURCE_DATE_EPOCH' | 'git' | 'mtime' | 'clock';

export interface BuildEpoch {
  readonly seconds: number;
  readonly source: EpochSource;
  /** A line for the report: 'git commit time of /src/app (HEAD)'. */
  readonly detail: string;
}

export interface EpochOptions {
  /** The app's folder: its git HEAD's commit time, else its newest input's mtime. */
  readonly appDir?: string | undefined;
  /** Folders under appDir that are not inputs (the --output folder). */
  readonly exclude?: readonly string[] | undefined;
  /** Seconds since the epoch, the last resort (no folder, or an empty one). */
  readonly now: () => number;
}

const GIT_TIMEOUT_MS = 10_000;
const WALK_MAX_FILES = 20_000;
const WALK_MAX_DEPTH = 12;

// The committer time of HEAD of the repository holding `dir`, or undefined (no git, not a repository, no commit).
async function gitCommitTime(dir: string): Promise<number | undefined> {
  try {
    const r = await run('git', ['-C', dir, 'log', '-1', '--format=%ct', 'HEAD'], { allowFailure: true, timeoutMs: GIT_TIMEOUT_MS, env: { GIT_PAGER: 'cat', LC_ALL: 'C' } });
    const s = r.stdout.trim();
    return r.exitCode === 0 && /^\d+$/.test(s) ? Number(s) : undefined;
  } catch {
    return undefined;
  }
}

// node_modules (installed, so stamped at install time), VCS and other dot folders are not the app's inputs.
const SKIP = new Set(['node_modules']);

/**
 * Package files (ours, or dpkg-buildpackage's and rpmbuild's) are outputs,
 * not inputs: with --output in the app folder (the default is '.') the last
 * build's .deb would otherwise move the next build's timestamp.
 */
const OUTPUT = /\.(deb|ddeb|udeb|rpm|dsc|changes|buildinfo)$|\.(orig|debian)(-[a-z0-9-]+)?\.tar\.[a-z0-9]+$/;

/** Whether a file named `name` is a build output, never a build input. */
export const isBuildOutput = (name: string): boolean => OUTPUT.test(name);

/**
 * The newest mtime (whole seconds) of the regular files under `dir`, bounded
 * in depth and count; undefined when there are none. Left out: node_modules,
 * dot entries, package files (isBuildOutput) and the folders in `exclude`.
 */
export function newestMtime(dir: string, exclude: readonly string[] = []): number | undefined {
  const skipped = new Set(exclude.map((d) => path.resolve(d)));
  let newest: number | undefined;
  let seen = 0;
  const walk = (d: string, depth: number): void => {
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of names) {
      if (seen >= WALK_MAX_FILES || e.name.startsWith('.') || SKIP.has(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory() && depth < WALK_MAX_DEPTH && !skipped.has(p)) walk(p, depth + 1);
      if (!e.isFile() || isBuildOutput(e.name)) continue;
      seen++;
      newest = Math.max(newest ?? 0, Math.floor((statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0) / 1000));
    }
  };
  walk(dir, 0);
  return newest;
}

/**
 * The build's timestamp, reproducible by default: SOURCE_DATE_EPOCH when set
 * (validated as sourceDateEpoch does); else, with the app's folder, the commit
 * time of its git HEAD, or outside git the newest mtime of its files
 * (node_modules, dot folders, package files and `exclude` left out); else
 * the clock. Times before
 * EARLIEST_MTIME are raised to it (lintian's cut-off), never refused: the
 * user did not give them.
 */
export async function buildEpoch(env: Readonly<Record<string, string | undefined>>, options: EpochOptions): Promise<BuildEpoch> {
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw !== undefined && raw !== '') return { seconds: sourceDateEpoch(env, options.now), source: 'SOURCE_DATE_EPOCH', detail: `SOURCE_DATE_EPOCH=${raw}` };
  const dir = options.appDir === undefined ? undefined : path.resolve(options.appDir);
  const clamp = (s: number): number => Math.max(s, EARLIEST_MTIME);
  if (dir !== undefined) {
    const git = await gitCommitTime(dir);
    if (git !== undefined) return { seconds: clamp(git), source: 'git', detail: `git commit time of ${dir} (HEAD)` };
    const newest = newestMtime(dir, options.exclude);
    if (newest !== undefined) return { seconds: clamp(newest), source: 'mtime', detail: `newest mtime of the files in ${dir}` };
  }
  return { seconds: clamp(options.now()), source: 'clock', detail: 'the clock (no SOURCE_DATE_EPOCH, no app folder)' };
}
