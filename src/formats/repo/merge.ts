/**
 * What a repository holds after an update: the packages it had plus the
 * ones added, at most `keep` versions per package name and architecture
 * (the newest). Adding a version that is already there with the same bytes
 * changes nothing; with other bytes it is refused, as every archive does (a
 * client that cached the old file would fail its checksum).
 */
import { DataError } from '../../core/errors.js';

/** One package file as the merge sees it. */
export interface Versioned {
  /** Package name and architecture (and whatever else scopes the count): the unit `keep` counts. */
  readonly key: string;
  readonly version: string;
  readonly sha256: string;
  /** For messages: 'echo 1.0.0-1 (all)'. */
  readonly label: string;
  /** Where it came from, for messages: the input file, or the repository. */
  readonly origin: string;
}

export interface MergeResult<T> {
  /** What the repository holds now, each key's versions newest first. */
  readonly kept: T[];
  /** Older versions pushed out by `keep`, and additions that were already there. */
  readonly dropped: T[];
}

function conflict(a: Versioned, b: Versioned): DataError {
  return new DataError(
    'repo.duplicate',
    `${b.origin}: ${b.label} is already in ${a.origin} with other contents (sha256 ${a.sha256.slice(0, 16)}…, this one ${b.sha256.slice(0, 16)}…); give the new build a new version`,
    { field: 'version' },
  );
}

/** Adds the unique versions of `items` to `byKey`, refusing a version seen with other bytes. */
function collect<T extends Versioned>(items: readonly T[], byKey: Map<string, T[]>, dropped: T[]): void {
  for (const item of items) {
    const list = byKey.get(item.key) ?? [];
    const same = list.find((x) => x.version === item.version);
    if (same && same.sha256 !== item.sha256) throw conflict(same, item);
    if (same) dropped.push(item);
    else list.push(item);
    byKey.set(item.key, list);
  }
}

/** Merges `added` into `existing`, newest `keep` versions per key; throws before anything is decided when a version conflicts. */
export function mergeVersions<T extends Versioned>(existing: readonly T[], added: readonly T[], keep: number, compare: (a: string, b: string) => number): MergeResult<T> {
  const byKey = new Map<string, T[]>();
  const dropped: T[] = [];
  collect(existing, byKey, dropped);
  collect(added, byKey, dropped);
  const kept: T[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const list = byKey.get(key)!.sort((a, b) => compare(b.version, a.version));
    kept.push(...list.slice(0, keep));
    dropped.push(...list.slice(keep));
  }
  return { kept, dropped };
}
