/**
 * NAME_VERSION_source.changes (deb-changes(5)), as `dpkg-genchanges -S`
 * writes it for a source-only upload: Format 1.8, Date and Changed-By from
 * the newest changelog entry's trailer, Distribution and Urgency from its
 * header, Changes = that entry, then the checksums of the .dsc and the
 * tarballs (Files also carries the source Section and Priority, '-' when
 * unset). Unsigned; a caller that signs wraps the text in a clearsignature.
 */
import { DataError } from '../../core/errors.js';
import type { PackagePlan } from '../plan.js';
import { multiline, type SourceFileSums } from './dsc.js';
import { fullVersion } from './version.js';

interface NewestEntry {
  readonly distribution: string;
  readonly urgency: string;
  readonly lines: readonly string[];
  readonly changedBy: string;
  readonly date: string;
}

function newestEntry(changelog: string): NewestEntry {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => l.trim() !== '');
  const trailerAt = lines.findIndex((l, i) => i > start && l.startsWith(' -- '));
  const header = /^\S+ \([^)]+\) ([^;]+);(.*)$/.exec(lines[start] ?? '');
  const trailer = /^ -- (.+?)  (.+)$/.exec(lines[trailerAt] ?? '');
  if (start < 0 || header === null || trailer === null) {
    throw new DataError('tacd.srcdeb.changelog', 'debian/changelog has no complete newest entry (header and trailer) for the .changes file', { field: 'changelog' });
  }
  const body = lines.slice(start, trailerAt);
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  const urgency = /(?:^|[\s,])urgency=([^\s,]+)/i.exec(header[2]!)?.[1] ?? 'medium';
  return { distribution: header[1]!.trim(), urgency, lines: body, changedBy: trailer[1]!, date: trailer[2]! };
}

/**
 * The .changes text. `files`: the .dsc first, then the tarballs (as
 * dpkg-genchanges lists them); `changelog`: debian/changelog as shipped.
 */
export function renderSourceChanges(plan: PackagePlan, changelog: string, files: readonly SourceFileSums[]): string {
  const m = plan.meta;
  const e = newestEntry(changelog);
  const section = m.section ?? '-';
  const priority = m.priority ?? '-';
  const head: [string, string][] = [
    ['Format', '1.8'],
    ['Date', e.date],
    ['Source', m.name],
    ['Architecture', 'source'],
    ['Version', fullVersion(m)],
    ['Distribution', e.distribution],
    ['Urgency', e.urgency],
    ['Maintainer', m.maintainer],
    ['Changed-By', e.changedBy],
  ];
  return (
    head.map(([k, v]) => `${k}: ${v}\n`).join('') +
    multiline('Changes', e.lines.map((l) => (l.trim() === '' ? '.' : l))) +
    multiline('Checksums-Sha1', files.map((f) => `${f.sha1} ${f.size} ${f.name}`)) +
    multiline('Checksums-Sha256', files.map((f) => `${f.sha256} ${f.size} ${f.name}`)) +
    multiline('Files', files.map((f) => `${f.md5} ${f.size} ${section} ${priority} ${f.name}`))
  );
}
