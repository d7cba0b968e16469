import { DataError } from './errors.js';

/**
 * Reads SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)
 * from the given environment. Returns seconds since the epoch, or `fallback()`
 * when the variable is unset or empty. A malformed value is an error, never ignored.
 */
export function sourceDateEpoch(env: Readonly<Record<string, string | undefined>>, fallback: () => number): number {
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return fallback();
  if (!/^\d{1,11}$/.test(raw)) {
    throw new DataError('tacd.sourceDateEpoch', `SOURCE_DATE_EPOCH must be a whole number of seconds, got '${raw}'`, {
      field: 'SOURCE_DATE_EPOCH',
    });
  }
  return Number(raw);
}
