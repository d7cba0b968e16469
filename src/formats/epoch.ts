/**
 * The earliest time a package may carry, 1976-01-01T00:00:00Z (189302400).
 * lintian (lib/Lintian/Check/Files/Date.pm, the cut-off of dak's
 * Dinstall::PastCutOffYear) reports every file dated 1975 or earlier as
 * package-contains-ancient-file, an error the Debian archive rejects. A
 * SOURCE_DATE_EPOCH of 0 would also date the changelog and the copyright 1970.
 */
export const EARLIEST_MTIME = 189302400;

/** EARLIEST_MTIME as an ISO 8601 date, for messages. */
export const EARLIEST_MTIME_ISO = '1976-01-01T00:00:00Z';
