/**
 * The rpm-md metadata of a yum/dnf repository (createrepo_c's layout, byte
 * for byte): primary.xml (what each package is, needs and provides, and
 * its primary files), filelists.xml (every file) and other.xml (the
 * changelogs), in the given package order.
 */
import { DEP_KINDS, isPrimaryFile, type RpmDep, type RpmFileEntry, type RpmPackage } from './rpm-package.js';
import { attrs, xmlText } from './xml.js';

/** A package as the repository lists it. */
export interface RpmEntry {
  readonly pkg: RpmPackage;
  /** Path from the repository root: Packages/e/echo-1.0.0-1.noarch.rpm. */
  readonly location: string;
  readonly sha256: string;
  readonly size: number;
  /** The file's modification time, seconds (createrepo's time file). */
  readonly fileTime: number;
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const el = (indent: string, name: string, text: string): string => `${indent}<${name}>${xmlText(text)}</${name}>\n`;
const version = (p: RpmPackage): string => `  <version${attrs([['epoch', p.epoch], ['ver', p.version], ['rel', p.release]])}/>\n`;

function depEntry(d: RpmDep): string {
  return `      <rpm:entry${attrs([['name', d.name], ['flags', d.flags], ['epoch', d.epoch], ['ver', d.ver], ['rel', d.rel], ['pre', d.pre ? '1' : undefined]])}/>\n`;
}

function depLists(p: RpmPackage): string {
  return DEP_KINDS.filter((k) => p.deps[k].length > 0).map((k) => `    <rpm:${k}>\n${p.deps[k].map(depEntry).join('')}    </rpm:${k}>\n`).join('');
}

const fileLine = (indent: string, f: RpmFileEntry): string => `${indent}<file${attrs([['type', f.type]])}>${xmlText(f.path)}</file>\n`;

function primaryPackage(e: RpmEntry): string {
  const p = e.pkg;
  return '<package type="rpm">\n' + el('  ', 'name', p.name) + el('  ', 'arch', p.arch) + version(p) +
    `  <checksum type="sha256" pkgid="YES">${e.sha256}</checksum>\n` + el('  ', 'summary', p.summary) + el('  ', 'description', p.description) +
    el('  ', 'packager', p.packager) + el('  ', 'url', p.url) + `  <time${attrs([['file', e.fileTime], ['build', p.buildTime]])}/>\n` +
    `  <size${attrs([['package', e.size], ['installed', p.installedSize], ['archive', p.archiveSize]])}/>\n` + `  <location${attrs([['href', e.location]])}/>\n` +
    '  <format>\n' + el('    ', 'rpm:license', p.license) + el('    ', 'rpm:vendor', p.vendor) + el('    ', 'rpm:group', p.group) +
    el('    ', 'rpm:buildhost', p.buildhost) + el('    ', 'rpm:sourcerpm', p.sourcerpm) + `    <rpm:header-range${attrs([['start', p.headerStart], ['end', p.headerEnd]])}/>\n` +
    depLists(p) + p.files.filter((f) => isPrimaryFile(f.path)).map((f) => fileLine('    ', f)).join('') + '  </format>\n</package>\n';
}

const pkgHead = (e: RpmEntry): string => `<package${attrs([['pkgid', e.sha256], ['name', e.pkg.name], ['arch', e.pkg.arch]])}>\n${version(e.pkg)}`;

/** primary.xml */
export function primaryXml(entries: readonly RpmEntry[]): string {
  return `${HEAD}<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${entries.length}">\n${entries.map(primaryPackage).join('')}</metadata>`;
}

/** filelists.xml */
export function filelistsXml(entries: readonly RpmEntry[]): string {
  const body = entries.map((e) => `${pkgHead(e)}${e.pkg.files.map((f) => fileLine('  ', f)).join('')}</package>\n`).join('');
  return `${HEAD}<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${entries.length}">\n${body}</filelists>`;
}

/** other.xml */
export function otherXml(entries: readonly RpmEntry[]): string {
  const change = (c: RpmPackage['changelog'][number]): string => `  <changelog${attrs([['author', c.author], ['date', c.date]])}>${xmlText(c.text)}</changelog>\n`;
  const body = entries.map((e) => `${pkgHead(e)}${e.pkg.changelog.map(change).join('')}</package>\n`).join('');
  return `${HEAD}<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="${entries.length}">\n${body}</otherdata>`;
}
