/**
 * One update of a repository, whatever its format: lock it, read what the
 * current generation holds, let the format plan the next one (everything
 * that can fail on bad input or a bad key fails here, before a file is
 * written), build it in a fresh folder, then switch DIR to it atomically
 * (generations.ts). On any failure the folder is removed and DIR is left
 * as it was; a repository that did not exist leaves nothing behind.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import type { RepoFile } from '../formats/repo/apt-repo.js';
import { openGenerations, pruneGenerations, publishGeneration, startGeneration, type Generations } from './generations.js';
import { lockRepository } from './lock.js';
import { linkAt, writeAt } from './tree.js';

/** What the current generation holds, as the format left it. */
export interface Previous<S> {
  readonly state: S | undefined;
  /** The current generation's folder, to link package files from. */
  readonly path: string | undefined;
}

/** The next generation, as the format planned it. */
export interface Planned<S> {
  readonly files: readonly RepoFile[];
  /** Files taken over from the current generation: path in the new one, path in the old one (both relative). */
  readonly links: readonly { readonly path: string; readonly from: string }[];
  readonly state: S;
}

async function readState<S>(g: Generations, kind: string): Promise<S | undefined> {
  if (!g.current) return undefined;
  const file = `${g.current.path}.json`;
  const raw = JSON.parse(await fs.readFile(file, 'utf8')) as { kind?: string; state?: S };
  if (raw.kind !== kind) throw new DataError('repo.kind', `${g.dir}: holds a ${raw.kind ?? 'unknown'} repository, not ${kind} (${file})`, { field: 'DIR' });
  return raw.state;
}

async function build<S>(g: Generations, kind: string, planned: Planned<S>): Promise<number> {
  const gen = await startGeneration(g);
  try {
    for (const l of planned.links) await linkAt(gen.path, l.path, path.join(g.current!.path, l.from));
    for (const f of planned.files) await writeAt(gen.path, f.path, f.data);
    await fs.chmod(gen.path, 0o755);
    const n = await nextNumber(g);
    await fs.writeFile(path.join(g.root, `${n}.json`), JSON.stringify({ kind, state: planned.state }));
    await publishGeneration(g, gen.path, n);
    return n;
  } finally {
    gen.done();
    await fs.rm(gen.path, { recursive: true, force: true });
  }
}

async function nextNumber(g: Generations): Promise<number> {
  const names = await fs.readdir(g.root);
  return Math.max(g.current?.n ?? 0, ...names.filter((n) => /^\d+$/.test(n)).map(Number)) + 1;
}

/** Runs one update of the `kind` repository at `dir`; resolves with the new generation's number. */
export async function updateRepository<S>(dir: string, kind: string, plan: (prev: Previous<S>) => Promise<Planned<S>>): Promise<number> {
  const g = await openGenerations(path.resolve(dir));
  const fresh = !g.current && !(await fs.stat(g.root).catch(() => undefined));
  await fs.mkdir(g.root, { recursive: true });
  let unlock: (() => Promise<void>) | undefined;
  try {
    unlock = await lockRepository(g.root, dir);
    const planned = await plan({ state: await readState<S>(g, kind), path: g.current?.path });
    const n = await build(g, kind, planned);
    await pruneGenerations(g.root, [n, ...(g.current ? [g.current.n] : [])]);
    return n;
  } catch (e) {
    if (fresh) await fs.rm(g.root, { recursive: true, force: true });
    throw e;
  } finally {
    await unlock?.();
  }
}
