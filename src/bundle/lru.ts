/**
 * The size cap of the on-disk build cache (cache.ts): an index of its entries
 * (file, size, last use), read from the folder at the first write of a
 * process and kept up to date in memory after that, so a build that stores a
 * hundred blocks scans the folder once, not a hundred times. Evicts the least
 * recently used entries (the oldest mtime: a hit touches its file) until the
 * total fits. Other processes may add or remove entries meanwhile: a missing
 * file is skipped, and the next process's scan sees the truth.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

interface Entry {
  size: number;
  used: number;
}

// Every entry under root/<namespace>/<key>, with its size and mtime.
function scan(root: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let spaces: string[];
  try {
    spaces = readdirSync(root);
  } catch {
    return entries;
  }
  for (const ns of spaces) {
    let names: string[];
    try {
      names = readdirSync(path.join(root, ns));
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        const st = statSync(path.join(root, ns, n));
        entries.set(path.join(root, ns, n), { size: st.size, used: st.mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
  }
  return entries;
}

export class LruIndex {
  private entries: Map<string, Entry> | undefined;
  private total = 0;
  private clock = 0;
  private readonly root: string;
  private readonly maxBytes: number;

  constructor(root: string, maxBytes: number) {
    this.root = root;
    this.maxBytes = maxBytes;
  }

  /** Bytes of all entries (scans the folder if not done yet). */
  size(): number {
    this.load();
    return this.total;
  }

  /** A hit: the entry is the most recently used. */
  used(file: string): void {
    const e = this.entries?.get(file);
    if (e !== undefined) e.used = this.now();
  }

  /** A new entry of `size` bytes; evicts what no longer fits. Returns how many entries went. */
  added(file: string, size: number): number {
    this.load();
    const old = this.entries!.get(file);
    this.total += size - (old?.size ?? 0);
    this.entries!.set(file, { size, used: this.now() });
    return this.evict(file);
  }

  private load(): void {
    if (this.entries !== undefined) return;
    this.entries = scan(this.root);
    for (const e of this.entries.values()) this.total += e.size;
  }

  // Strictly increasing, so entries used in this process order among themselves even within one millisecond.
  private now(): number {
    this.clock = Math.max(this.clock + 1e-3, Date.now());
    return this.clock;
  }

  private evict(keep: string): number {
    if (this.total <= this.maxBytes) return 0;
    const oldest = [...this.entries!].filter(([f]) => f !== keep).sort((a, b) => a[1].used - b[1].used);
    let n = 0;
    for (const [file, e] of oldest) {
      if (this.total <= this.maxBytes) break;
      rmSync(file, { force: true });
      this.entries!.delete(file);
      this.total -= e.size;
      n++;
    }
    return n;
  }
}
