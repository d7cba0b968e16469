/**
 * Picks the runtime version for a --node-version range (or package.json's
 * engines.node) from a registry package's versions: the newest that matches,
 * pre-releases excluded. 'lts' is the newest version of the newest even major
 * whose successor (the odd major released in October, when the even one
 * enters Active LTS) is in the registry too: the registry's node-linux-*
 * packages carry no 'lts' dist-tag.
 */
import semver from 'semver';
import { DataError } from '../core/errors.js';

/** The release versions, newest first. */
function releases(versions: readonly string[]): string[] {
  return versions.filter((v) => semver.valid(v) !== null && semver.prerelease(v) === null).sort(semver.rcompare);
}

/** The newest version of each major from 20 on (all of them when none is), for "what exists" in messages. */
export function existingSummary(versions: readonly string[]): string {
  const newest = new Map<number, string>();
  for (const v of releases(versions)) if (!newest.has(semver.major(v))) newest.set(semver.major(v), v);
  const all = [...newest.values()].reverse();
  const recent = all.filter((v) => semver.major(v) >= 20);
  return (recent.length > 0 ? recent : all).join(', ');
}

/** The LTS range ('24.x') of a version list, or undefined. */
export function ltsMajor(versions: readonly string[]): number | undefined {
  const majors = new Set(releases(versions).map((v) => semver.major(v)));
  return [...majors].filter((m) => m % 2 === 0 && majors.has(m + 1)).sort((a, b) => b - a)[0];
}

/** A range as semver reads it ('lts' turned into its major). @throws DataError for a range semver cannot read. */
export function normalizeRange(range: string, versions: readonly string[], field: string): string {
  const r = range.trim().replace(/^v(?=\d)/, '');
  if (r.toLowerCase() === 'lts') return String(ltsMajor(versions) ?? 'none');
  if (semver.validRange(r) === null) {
    throw new DataError('tacd.runtime.range', `${field} '${range}': not a version range (expected e.g. 22, 24.1, ^22.11, >=20 or lts)`, { field: 'node-version' });
  }
  return r;
}

/** True when `range` names one exact version (no lookup needed when it is cached). */
export function exactVersion(range: string): string | undefined {
  return semver.valid(range.trim().replace(/^v(?=\d)/, '')) ?? undefined;
}

/**
 * The newest release of `versions` matching `range`. @throws DataError (65)
 * naming the package and the versions it has.
 */
export function pickVersion(versions: readonly string[], range: string, pkg: string, field: string): string {
  const r = normalizeRange(range, versions, field);
  const v = semver.maxSatisfying(releases(versions), r);
  if (v !== null) return v;
  throw new DataError('tacd.runtime.version', `${field} '${range}': ${pkg} has no matching version; it has ${existingSummary(versions)}`, { field: 'node-version' });
}
