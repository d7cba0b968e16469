/**
 * The atomic switch. A repository folder DIR is a symbolic link to its
 * current generation, a complete repository in the hidden sibling folder
 * .DIR.generations/<n>/. An update builds generation n+1 beside it (package
 * files hard-linked from generation n, new indices written), then renames a
 * new link over DIR: one rename(2), so a reader (a web server, apt with a
 * file: URI, an upload) sees the old repository or the new one, never a
 * mix, and a crash at any point leaves the old one in place. The previous
 * generation is kept for readers that are still inside it; older ones, and
 * half-built ones left by a crash, are removed by the next update.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CantCreateError } from '../core/errors.js';
import { removeOnInterrupt } from '../core/interrupt.js';

export interface Generations {
  /** The repository path as given (the link). */
  readonly dir: string;
  /** .DIR.generations beside it. */
  readonly root: string;
  /** The current generation's number and folder, or undefined for a new repository. */
  readonly current: { readonly n: number; readonly path: string } | undefined;
}

/** .echo-repo.generations for /srv/echo-repo. */
export const generationsRoot = (dir: string): string => path.join(path.dirname(dir), `.${path.basename(dir)}.generations`);

async function lstatOrUndefined(p: string): Promise<import('node:fs').Stats | undefined> {
  return fs.lstat(p).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new CantCreateError(p, `${p}: cannot be read: ${e.message}`, { code: 'repo.dir.stat', cause: e });
  });
}

function foreign(dir: string, what: string): CantCreateError {
  return new CantCreateError(dir, `${dir}: ${what}, not a repository made by this command (its folder is a link to .${path.basename(dir)}.generations/N); give another path`, { code: 'repo.dir.foreign' });
}

/** Where DIR stands now; a DIR that is something else than our link is refused (73). */
export async function openGenerations(dir: string): Promise<Generations> {
  const root = generationsRoot(dir);
  const st = await lstatOrUndefined(dir);
  if (!st) return { dir, root, current: undefined };
  if (!st.isSymbolicLink()) throw foreign(dir, st.isDirectory() ? 'is a folder' : 'is a file');
  const target = await fs.readlink(dir);
  const m = /^\.[^/]+\.generations\/(\d+)$/.exec(target);
  if (!m || path.resolve(path.dirname(dir), target) !== path.join(root, m[1]!)) throw foreign(dir, `is a link to '${target}'`);
  return { dir, root, current: { n: Number(m[1]), path: path.join(root, m[1]!) } };
}

/** A new, empty folder to build the next generation in; removed on an interrupt until published. */
export async function startGeneration(g: Generations): Promise<{ readonly path: string; readonly done: () => void }> {
  await fs.mkdir(g.root, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new CantCreateError(g.root, `${g.root}: cannot create the repository's generations folder: ${e.message}`, { code: 'repo.dir.mkdir', cause: e });
  });
  const p = await fs.mkdtemp(path.join(g.root, `tmp-${process.pid}-`));
  return { path: p, done: removeOnInterrupt(p) };
}

/**
 * Makes the built folder generation `n` and switches DIR to it in one
 * rename. Nothing before the last rename changes what DIR shows.
 */
export async function publishGeneration(g: Generations, built: string, n: number): Promise<void> {
  await fs.rename(built, path.join(g.root, String(n)));
  const link = path.join(path.dirname(g.dir), `.${path.basename(g.dir)}.link-${process.pid}`);
  await fs.rm(link, { force: true });
  await fs.symlink(`${path.basename(g.root)}/${n}`, link);
  await fs.rename(link, g.dir);
}

/** Removes every generation but `keep` (the current and the previous), and half-built ones of dead processes. */
export async function pruneGenerations(root: string, keep: readonly number[]): Promise<void> {
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    const tmp = /^tmp-(\d+)-/.exec(name);
    const stale = tmp ? !alive(Number(tmp[1])) : /^\d+(\.json)?$/.test(name) && !keep.includes(parseInt(name, 10));
    if (stale) await fs.rm(path.join(root, name), { recursive: true, force: true });
  }
}

/** True when process `pid` exists. */
export function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
