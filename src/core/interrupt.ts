/**
 * What an interrupted command undoes before it exits: the temporary files and
 * folders it made. Code that creates one registers its removal here and
 * unregisters it once the thing is renamed into place or removed; the CLI's
 * signal handler (src/cli/report.ts) runs whatever is still registered.
 */
import { rmSync } from 'node:fs';

const pending = new Set<() => void>();

/** Registers `cleanup` to run on an interrupt; returns the function that unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
  };
}

/** Registers the removal of `file` (a file or a folder tree) on an interrupt. */
export function removeOnInterrupt(file: string): () => void {
  return onInterrupt(() => rmSync(file, { recursive: true, force: true }));
}

/** Runs and unregisters every pending cleanup, newest first; returns how many ran. A failing one does not stop the others. */
export function runInterruptCleanups(): number {
  const all = [...pending].reverse();
  pending.clear();
  for (const cleanup of all) {
    try {
      cleanup();
    } catch {
      // best effort: the process is about to exit
    }
  }
  return all.length;
}
