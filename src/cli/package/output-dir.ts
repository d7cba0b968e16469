/**
 * The --output folder: checked before the build (it exists and is writable, or
 * can be created), created with `mkdir -p` semantics only once the outputs are
 * built, and removed again when writing them fails or is interrupted.
 */
import { accessSync, constants, mkdirSync, rmdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { CantCreateError } from '../../core/errors.js';

/** `dir` and its ancestors, nearest first, up to the root (bounded by the path's depth). */
function selfAndAncestors(dir: string): string[] {
  const out = [path.resolve(dir)];
  for (let d = path.dirname(out[0]!); d !== out[out.length - 1]; d = path.dirname(d)) out.push(d);
  return out;
}

function statOrMissing(dir: string): Stats | 'missing' {
  try {
    return statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new CantCreateError(dir, `--output ${dir}: cannot use it (${code ?? 'error'})`, { code: 'tacd.output.missing', cause: e });
  }
}

/** The nearest existing folder at or above `dir`, and the missing ones below it (top first). */
function splitExisting(dir: string): { existing: string; missing: string[] } {
  const chain = selfAndAncestors(dir);
  const i = chain.findIndex((d) => statOrMissing(d) !== 'missing');
  return { existing: chain[i]!, missing: chain.slice(0, i).reverse() };
}

/**
 * Fails with EX_CANTCREAT (73) unless `dir` is a writable folder or can be
 * created (its nearest existing ancestor is a writable folder). Nothing
 * is left here: a missing folder is made and removed again at once, so a
 * folder that cannot be made (under /proc, say) fails before the build, and
 * a failed build leaves no empty folder behind.
 */
export function checkOutputDir(dir: string): void {
  const { existing } = splitExisting(dir);
  if (!(statSync(existing)).isDirectory()) {
    const why = existing === dir ? 'exists and is not a folder' : `cannot create the folder: ${existing} is not a folder`;
    throw new CantCreateError(dir, `--output ${dir}: ${why}`, { code: 'tacd.output.notDir' });
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    const why = existing === dir ? 'folder is not writable' : `cannot create the folder: ${existing} is not writable`;
    throw new CantCreateError(dir, `--output ${dir}: ${why}`, { code: 'tacd.output.readonly', cause: e });
  }
  removeCreatedDirs(createOutputDir(dir));
}

/**
 * Creates a missing --output folder and its parents, one level at a time (a
 * bounded `mkdir -p`: Node's recursive mkdirSync loops forever where a level
 * cannot be made, as under /proc). Returns the folders made, top first; on a
 * failure removes them again and throws 73 naming the folder that could not be made.
 */
export function createOutputDir(dir: string): string[] {
  const made: string[] = [];
  for (const d of splitExisting(dir).missing) {
    try {
      mkdirSync(d);
      made.push(d);
    } catch (e) {
      removeCreatedDirs(made);
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new CantCreateError(dir, `--output ${dir}: cannot create the folder ${d} (${code})`, { code: 'tacd.output.mkdir', cause: e });
    }
  }
  return made;
}

/** Removes the folders createOutputDir() made, deepest first, while they are empty. */
export function removeCreatedDirs(made: readonly string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
