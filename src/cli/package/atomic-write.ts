/**
 * Writes the outputs of a build as one: every file is staged as a hidden temp
 * file in the output folder (written in slices, so a signal is handled between
 * them, and removed by the interrupt handler), and only when all are staged
 * are they renamed over their final names, synchronously (a few ms, during
 * which no signal handler can run). A failure removes every temp file and the
 * files already renamed, so the folder gets all of them or none.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CantCreateError, TacError } from '../../core/errors.js';
import { removeOnInterrupt } from '../../core/interrupt.js';
import { isPackage, refuseForeign, replaceableOutput, type Replaceable } from './replace.js';

/** One output file: its name in --output and its bytes. */
export interface OutputFile {
  readonly name: string;
  readonly chunks: readonly Uint8Array[];
}

interface Staged {
  readonly tmp: string;
  readonly final: string;
  /** Unregisters the temp file's removal on an interrupt. */
  readonly release: () => void;
}

/** The largest slice written at once: between two, a pending signal is handled. */
const SLICE = 4 << 20;

/** Temp files older than this are left by a run that was killed (SIGKILL, power loss): a live run renames its own within seconds. */
const STALE_TEMP_MS = 10 * 60_000;

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function writeError(final: string, e: unknown): CantCreateError {
  return new CantCreateError(final, `cannot write ${final}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { code: 'tacd.output.write', cause: e });
}

async function writeChunks(fh: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  for (const c of chunks) {
    for (let off = 0; off < c.length; ) off += (await fh.write(c, off, Math.min(SLICE, c.length - off))).bytesWritten;
  }
  await fh.sync();
}

// Refuses a foreign file at dir/name, then writes a hidden temp file next to it (fsynced).
async function stage(dir: string, name: string, chunks: readonly Uint8Array[], replaceable: Replaceable): Promise<Staged> {
  const final = path.join(dir, name);
  refuseForeign(final, replaceable, chunks);
  const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const release = removeOnInterrupt(tmp);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
    await writeChunks(fh, chunks);
    return { tmp, final, release };
  } catch (e) {
    unlinkQuietly(tmp);
    release();
    throw writeError(final, e);
  } finally {
    await fh?.close();
  }
}

/** Removes stale temp files of ours (stage()'s `.NAME.<12 hex>.tmp`) for the names about to be written. */
function sweepStaleTemps(dir: string, names: ReadonlySet<string>): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = /^\.(.+)\.[0-9a-f]{12}\.tmp$/.exec(entry);
    if (m && names.has(m[1]!)) removeIfStale(path.join(dir, entry));
  }
}

function removeIfStale(file: string): void {
  try {
    const st = lstatSync(file);
    if (st.isFile() && Date.now() - st.mtimeMs > STALE_TEMP_MS) unlinkSync(file);
  } catch {
    // gone meanwhile, or not ours to remove
  }
}

function uniqueNames(files: readonly OutputFile[]): Set<string> {
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new TacError('tacd.output.duplicate', `two outputs are both named ${f.name}`);
    names.add(f.name);
  }
  return names;
}

// The renames, synchronously: all or (after a failure, rolled back) none.
function renameAll(staged: readonly Staged[]): string[] {
  const done: string[] = [];
  let current: string | undefined;
  try {
    for (const s of staged) {
      current = s.final;
      renameSync(s.tmp, s.final);
      done.push(s.final);
    }
    return done;
  } catch (e) {
    for (const d of done) unlinkQuietly(d);
    throw writeError(current!, e);
  }
}

/**
 * Writes several files as one (see the file comment). Temp files of the same
 * names that a killed run left (older than 10 minutes) are removed first.
 * Returns the paths.
 */
export async function writeAllAtomically(dir: string, files: readonly OutputFile[], replaceable: (name: string) => Replaceable = replaceableOutput): Promise<string[]> {
  sweepStaleTemps(dir, uniqueNames(files));
  const staged: Staged[] = [];
  try {
    for (const f of files) staged.push(await stage(dir, f.name, f.chunks, replaceable(f.name)));
    return renameAll(staged);
  } finally {
    for (const s of staged) {
      unlinkQuietly(s.tmp);
      s.release();
    }
  }
}

/** Writes `chunks` to `dir/name` atomically (temp file, fsync, rename). Returns the path. */
export async function writeAtomically(dir: string, name: string, chunks: readonly Uint8Array[], replaceable: Replaceable = isPackage): Promise<string> {
  return (await writeAllAtomically(dir, [{ name, chunks }], () => replaceable))[0]!;
}
