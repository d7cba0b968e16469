/**
 * Where a package file lives in a repository, by each archive's convention:
 * Debian's pool/<component>/<prefix>/<source>/<file> (prefix: the source's
 * first letter, or its first four for lib*), and Fedora's
 * Packages/<first letter>/<file>.
 */

/** The source package name of a .deb: its Source field without a version, else its Package. */
export function debSourceName(source: string | undefined, pkg: string): string {
  const s = source?.trim().split(/\s+/)[0];
  return s ? s : pkg;
}

/** pool/main/e/echo/echo_1.0.0-1_all.deb */
export function debPoolPath(component: string, source: string, file: string): string {
  const prefix = source.startsWith('lib') && source.length > 3 ? source.slice(0, 4) : source.slice(0, 1);
  return `pool/${component}/${prefix}/${source}/${file}`;
}

/** Packages/e/echo-1.0.0-1.noarch.rpm */
export function rpmPoolPath(name: string, file: string): string {
  return `Packages/${name.slice(0, 1).toLowerCase()}/${file}`;
}
