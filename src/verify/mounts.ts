/**
 * Mount points of this mount namespace (/proc/self/mountinfo), shared by the
 * rootfs cache (is a generation still an overlay's lower dir?) and container
 * teardown (unmount, and check that nothing is left).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../core/exec.js';

/** /proc/self/mountinfo's text, or undefined when it cannot be read. */
function mountInfo(): string | undefined {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/** A mount point as mountinfo writes it, with its octal escapes (\040 for a space) decoded. */
export function decodeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The mount points listed in a mountinfo text (field 5 of each line). */
export function parseMountPoints(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (mp) out.add(decodeMountPath(mp));
  }
  return out;
}

/** Mount points currently in this mount namespace (from /proc/self/mountinfo). */
export function mountPoints(): Set<string> {
  return parseMountPoints(mountInfo() ?? '');
}

/** True when some overlay mount (a running container) uses `tree` as a lower dir; true too when that cannot be told. */
export function usedByMount(tree: string): boolean {
  const text = mountInfo();
  if (text === undefined) return true;
  return text.split('\n').some((l) => l.includes(`lowerdir=${tree}`) || l.includes(`lowerdir=${tree}:`));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Unmounts `dir` if mounted (retrying, then lazily). Returns false if it is still mounted. */
export async function unmountIfMounted(dir: string): Promise<boolean> {
  const abs = path.resolve(dir);
  for (let i = 0; i < 5 && mountPoints().has(abs); i++) {
    await run('umount', [abs], { allowFailure: true });
    if (mountPoints().has(abs)) await sleep(200);
  }
  if (mountPoints().has(abs)) await run('umount', ['--lazy', abs], { allowFailure: true });
  return !mountPoints().has(abs);
}
