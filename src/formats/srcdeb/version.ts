/**
 * Source-format decisions for a Debian source package: which 3.0 format the
 * version allows, and the version strings used in file names.
 *
 * dpkg ties the format to the version (Dpkg/Source/Package/V3/Native.pm:78,
 * Quilt.pm:97):
 *  - `3.0 (native)` refuses a version with a Debian revision ("native package
 *    version may not have a revision");
 *  - `3.0 (quilt)` needs one (orig tarball + debian tarball, NAME_UP-REV).
 * A plan with an empty `meta.release` is native, otherwise quilt; a caller that
 * asks for the other format gets a DataError naming the version.
 */
import { DataError } from '../../core/errors.js';
import { debVersion } from '../deb/control.js';
import type { PackageMeta } from '../plan.js';

export type SourceFormatName = 'native' | 'quilt';

/** The value of debian/source/format and of the .dsc Format field. */
export type SourceFormat = '3.0 (native)' | '3.0 (quilt)';

type VersionMeta = Pick<PackageMeta, 'version' | 'release' | 'epoch'>;

/** The full version with epoch and revision, as in debian/changelog and the .dsc: '1:2.0-1'. */
export function fullVersion(meta: VersionMeta): string {
  return debVersion(meta);
}

/** The version in file names (no epoch, as dpkg-source writes them): '2.0-1' or '2.0'. */
export function fileVersion(meta: VersionMeta): string {
  return debVersion({ version: meta.version, release: meta.release });
}

/**
 * The source format for `meta`. `requested` (from the caller) must agree with
 * the version: quilt needs a revision, native must not have one.
 */
export function sourceFormat(meta: VersionMeta, requested?: SourceFormatName): SourceFormat {
  const hasRevision = meta.release !== '';
  const version = fullVersion(meta);
  if (requested === 'quilt' && !hasRevision) {
    throw new DataError(
      'tacd.srcdeb.format',
      `version '${version}' has no Debian revision, but format 3.0 (quilt) needs one: set meta.release (e.g. '1') or use format native`,
      { field: 'meta.release' },
    );
  }
  if (requested === 'native' && hasRevision) {
    throw new DataError(
      'tacd.srcdeb.format',
      `version '${version}' has a Debian revision, but format 3.0 (native) forbids one: empty meta.release or use format quilt`,
      { field: 'meta.release' },
    );
  }
  if (requested !== undefined && requested !== 'native' && requested !== 'quilt') {
    throw new DataError('tacd.srcdeb.format', `source format '${String(requested)}' is unknown; expected native or quilt`, { field: 'format' });
  }
  return hasRevision ? '3.0 (quilt)' : '3.0 (native)';
}
