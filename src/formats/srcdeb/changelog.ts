/**
 * debian/changelog (deb-changelog(5)): rendering from the plan's entries and
 * checking a changelog the caller rendered (ts2deb's templates/changelog.ejs).
 *
 *   NAME (VERSION) DISTRIBUTION; urgency=URGENCY
 *   <blank>
 *     * change
 *   <blank>
 *    -- Full Name <email>  Day, DD Mon YYYY HH:MM:SS +0000
 *
 * The trailer has exactly one space before "--" and two spaces between the
 * address and the date (tap2deb #546 "badly formatted trailer line").
 * dpkg-source, dpkg-buildpackage and dh take the package version from the
 * newest (first) entry, so it must be the plan's version.
 */
import { DataError } from '../../core/errors.js';
import type { PackageMeta } from '../plan.js';
import { fullVersion } from './version.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 2822 date in UTC, as `date -R` prints it: 'Sun, 22 Nov 2026 00:12:41 +0000'. */
export function rfc2822(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new DataError('tacd.srcdeb.changelog', `a changelog time must be whole seconds since the epoch, got ${seconds}`, { field: 'meta.changelog' });
  }
  const d = new Date(seconds * 1000);
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** Wraps one change into '  * ' + continuation lines of at most 80 columns (lintian debian-changelog-line-too-long). */
function bullet(change: string): string[] {
  const words = change.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  let cur = '  *';
  for (const w of words) {
    if (cur.length + 1 + w.length > 80 && cur.trim() !== '*' && cur.trim() !== '') {
      out.push(cur);
      cur = '   ';
    }
    cur += ` ${w}`;
  }
  out.push(cur);
  return out;
}

export interface ChangelogOptions {
  /** Distribution of every entry; default 'unstable'. */
  readonly distribution?: string;
  /** Default 'medium'. */
  readonly urgency?: string;
}

function oneLine(value: string, field: string): string {
  if (/[\n\r\0]/.test(value) || value.trim() === '') {
    throw new DataError('tacd.srcdeb.changelog', `${field} must be one non-empty line, got ${JSON.stringify(value)}`, { field });
  }
  return value;
}

/**
 * Renders debian/changelog from `meta.changelog` (newest first by time; the
 * order of equal times is kept). Without entries, one entry is synthesized for
 * the plan's version, by the maintainer, dated meta.mtime.
 */
export function renderChangelog(meta: PackageMeta, options: ChangelogOptions = {}): string {
  const dist = oneLine(options.distribution ?? 'unstable', 'distribution');
  const urgency = oneLine(options.urgency ?? 'medium', 'urgency');
  const given = (meta.changelog ?? []).map((e, i) => ({ e, f: `meta.changelog[${i}]` }));
  const entries =
    given.length > 0
      ? [...given].sort((a, b) => b.e.time - a.e.time)
      : [{ e: { time: meta.mtime, author: meta.maintainer, version: fullVersion(meta), changes: ['Packaged with ts2deb (tacd).'] }, f: 'meta' }];
  const blocks = entries.map(({ e, f }) => {
    const changes = e.changes.length > 0 ? e.changes : ['No changes recorded.'];
    return [
      `${meta.name} (${oneLine(e.version, `${f}.version`)}) ${dist}; urgency=${urgency}`,
      '',
      ...changes.flatMap((c) => bullet(oneLine(c, `${f}.changes`))),
      '',
      ` -- ${oneLine(e.author, `${f}.author`)}  ${rfc2822(e.time)}`,
    ].join('\n');
  });
  const text = blocks.join('\n\n') + '\n';
  checkChangelog(text, meta);
  return text;
}

/** The header of the newest entry, as dpkg-parsechangelog reads it. */
export interface ChangelogHead {
  readonly source: string;
  readonly version: string;
  readonly distribution: string;
}

const HEADER = /^(\S+) \(([^ ()]+)\) ([^;]+);(.*)$/;
const TRAILER = /^ -- (.+ <[^<>\s]+@[^<>\s]+>)  (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ 0-3]?\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/;

/**
 * Checks a debian/changelog text against the plan: the newest entry must name
 * the package and carry exactly the plan's version, and must end with a
 * well-formed trailer. Returns its header.
 */
export function checkChangelog(text: string, meta: PackageMeta): ChangelogHead {
  const version = fullVersion(meta);
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const m = first < 0 ? null : HEADER.exec(lines[first]!);
  if (m === null) {
    throw new DataError(
      'tacd.srcdeb.changelog',
      `debian/changelog must start with 'NAME (VERSION) DISTRIBUTION; urgency=...' for version '${version}', got ${JSON.stringify(first < 0 ? '' : lines[first])}`,
      { field: 'changelog' },
    );
  }
  const [, source = '', entryVersion = '', distribution = ''] = m;
  if (entryVersion !== version) {
    throw new DataError(
      'tacd.srcdeb.changelog',
      `debian/changelog's newest entry is for version '${entryVersion}', expected the package version '${version}' (add an entry for it)`,
      { field: 'changelog' },
    );
  }
  if (source !== meta.name) {
    throw new DataError('tacd.srcdeb.changelog', `debian/changelog's newest entry names '${source}', expected the package '${meta.name}'`, {
      field: 'changelog',
    });
  }
  const next = lines.findIndex((l, i) => i > first && HEADER.test(l));
  const entry = lines.slice(first + 1, next < 0 ? undefined : next);
  const trailer = entry.find((l) => l.startsWith(' --'));
  if (trailer === undefined || !TRAILER.test(trailer)) {
    throw new DataError(
      'tacd.srcdeb.changelog',
      `debian/changelog's entry for '${version}' needs the trailer ' -- Name <email>  Day, DD Mon YYYY HH:MM:SS +0000', got ${JSON.stringify(trailer ?? '')}`,
      { field: 'changelog' },
    );
  }
  return { source, version: entryVersion, distribution: distribution.trim() };
}

/** The date of the newest entry's trailer, as written. */
export function changelogDate(text: string): string | undefined {
  const t = text.split('\n').find((l) => TRAILER.test(l));
  return t?.replace(/^.*> {2}/, '');
}
