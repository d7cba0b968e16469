/**
 * The data.tar entry list of a .deb: the plan's payload (ghosts dropped), every
 * implied parent directory added (mode 0755, root:root), the root './' first,
 * in a deterministic order with each directory before its children.
 *
 * Order: component-wise byte order of the UTF-8 path, i.e. a depth-first walk
 * with siblings sorted by name (what GNU tar --sort=name produces). It is
 * computed by comparing the UTF-8 bytes with '/' mapped to 0x00, so a directory
 * ('a') sorts before its children ('a/x') and before siblings like 'a-b'.
 *
 * Ownership: every entry is root:root, uid/gid 0 (writeDeb refuses other
 * owners: dpkg unpacks before postinst creates the service account, and would
 * fall back to the numeric id 0 for a name unknown on the target). The names
 * are still copied from the plan into uname/gname.
 */
import type { TarEntry } from '../archive/tar.js';
import type { FileData, PackagePlan } from '../plan.js';

export interface DebTreeEntry {
  /** '/' for the root, otherwise the absolute path without trailing slash. */
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly mode: number;
  readonly owner: string;
  readonly group: string;
  readonly target?: string;
  readonly data?: FileData;
  readonly size: number;
  readonly config: boolean;
  /** True for a parent directory the plan did not list. */
  readonly implied: boolean;
}

const enc = new TextEncoder();

function sortKey(path: string): Uint8Array {
  const b = enc.encode(path);
  for (let i = 0; i < b.length; i++) if (b[i] === 0x2f) b[i] = 0;
  return b;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The sorted entries of data.tar (the plan must have passed validateDebPlan). */
export function debTree(plan: PackagePlan): DebTreeEntry[] {
  const byPath = new Map<string, DebTreeEntry>();
  byPath.set('/', { path: '/', kind: 'dir', mode: 0o755, owner: 'root', group: 'root', size: 0, config: false, implied: true });
  for (const e of plan.payload) {
    if (e.kind === 'ghost') continue;
    const base = { path: e.path, mode: e.mode, owner: e.owner ?? 'root', group: e.group ?? 'root', implied: false };
    if (e.kind === 'file') {
      const size = e.data instanceof Uint8Array ? e.data.length : e.data.size;
      byPath.set(e.path, { ...base, kind: 'file', data: e.data, size, config: e.config === true });
    } else if (e.kind === 'symlink') {
      byPath.set(e.path, { ...base, kind: 'symlink', target: e.target, size: enc.encode(e.target).length, config: false });
    } else {
      byPath.set(e.path, { ...base, kind: 'dir', size: 0, config: false });
    }
  }
  for (const p of [...byPath.keys()]) {
    for (let parent = p.slice(0, p.lastIndexOf('/')); parent !== ''; parent = parent.slice(0, parent.lastIndexOf('/'))) {
      if (byPath.has(parent)) continue;
      byPath.set(parent, { path: parent, kind: 'dir', mode: 0o755, owner: 'root', group: 'root', size: 0, config: false, implied: true });
    }
  }
  const keyed = [...byPath.values()].map((e) => ({ e, k: sortKey(e.path === '/' ? '' : e.path) }));
  keyed.sort((a, b) => compareBytes(a.k, b.k));
  return keyed.map((x) => x.e);
}

/** The name stored in data.tar: './', './usr/', './usr/bin/tool'. */
export function tarName(e: Pick<DebTreeEntry, 'path' | 'kind'>): string {
  if (e.path === '/') return './';
  return e.kind === 'dir' ? `.${e.path}/` : `.${e.path}`;
}

export function toTarEntry(e: DebTreeEntry, mtime: number, data?: FileData): TarEntry {
  return {
    name: tarName(e),
    type: e.kind,
    mode: e.mode,
    uid: 0,
    gid: 0,
    uname: e.owner,
    gname: e.group,
    mtime,
    ...(e.kind === 'symlink' ? { linkname: e.target! } : {}),
    ...(e.kind === 'file' ? { data: data ?? e.data! } : {}),
  };
}
