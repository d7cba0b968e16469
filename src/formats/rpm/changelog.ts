/**
 * CHANGELOGTIME/NAME/TEXT (rpmlint reports a missing changelog as an error).
 * rpm keeps entries newest first; NAME is "Author <email> - [E:]V-R" as in a
 * spec's %changelog, TEXT is the bullet list ("- change").
 */
import type { ChangelogEntry, PackageMeta } from '../plan.js';
import type { HeaderBuilder } from './header.js';
import { RPMTAG_CHANGELOGNAME, RPMTAG_CHANGELOGTEXT, RPMTAG_CHANGELOGTIME } from './tags.js';

/** The entries to write: the plan's, or one synthesized from the package itself. */
export function changelogEntries(meta: PackageMeta): ChangelogEntry[] {
  const list = meta.changelog && meta.changelog.length > 0
    ? [...meta.changelog]
    : [{ time: meta.mtime, author: meta.maintainer, version: evrOf(meta), changes: [`Package ${meta.name} ${evrOf(meta)}.`] }];
  // Newest first, stable for equal times (rpm's own order after %changelog parsing).
  return list.map((e, i) => ({ e, i })).sort((a, b) => b.e.time - a.e.time || a.i - b.i).map((x) => x.e);
}

function evrOf(meta: PackageMeta): string {
  return `${meta.epoch !== undefined ? `${meta.epoch}:` : ''}${meta.version}-${meta.release}`;
}

export function putChangelog(h: HeaderBuilder, meta: PackageMeta): void {
  const entries = changelogEntries(meta);
  h.int32(RPMTAG_CHANGELOGTIME, entries.map((e) => e.time));
  h.strings(RPMTAG_CHANGELOGNAME, entries.map((e) => `${e.author} - ${e.version}`));
  h.strings(RPMTAG_CHANGELOGTEXT, entries.map((e) => e.changes.map((c) => `- ${c}`).join('\n')));
}
