import { DataError } from '../core/errors.js';
import { EARLIEST_MTIME, EARLIEST_MTIME_ISO } from '../formats/epoch.js';

/**
 * Reads SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)
 * from the given environment. Returns seconds since the epoch, or `fallback()`
 * when the variable is unset or empty. A malformed value (not a whole,
 * non-negative number of seconds) or one before EARLIEST_MTIME (1976-01-01,
 * lintian's package-contains-ancient-file cut-off) is an error, never ignored.
 */
export function sourceDateEpoch(env: Readonly<Record<string, string | undefined>>, fallback: () => number): number {
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return fallback();
  const expected = `expected whole seconds since 1970, at least ${EARLIEST_MTIME} (${EARLIEST_MTIME_ISO}; lintian rejects older files as package-contains-ancient-file)`;
  if (!/^\d{1,11}$/.test(raw)) {
    throw new DataError('tacd.sourceDateEpoch', `SOURCE_DATE_EPOCH=${JSON.stringify(raw)} is not a whole number of seconds: ${expected}`, {
      field: 'SOURCE_DATE_EPOCH',
    });
  }
  const seconds = Number(raw);
  if (seconds < EARLIEST_MTIME) {
    throw new DataError('tacd.sourceDateEpoch', `SOURCE_DATE_EPOCH=${raw} is ${new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')}, too old: ${expected}`, {
      field: 'SOURCE_DATE_EPOCH',
    });
  }
  return seconds;
}
