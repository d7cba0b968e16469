/**
 * A Packages index (Debian repository format): one stanza per .deb, its
 * control fields plus Filename, Size, MD5sum, SHA1, SHA256 and SHA512, in
 * the canonical field order apt-ftparchive writes (apt's
 * TFRewritePackageOrder; fields it does not know keep their order, last).
 */
import type { Field } from './deb822.js';
import { renderStanza } from './deb822.js';
import type { Digests } from './digests.js';

/** A .deb as the repository lists it. */
export interface AptPackage {
  /** The control fields, as read from the .deb. */
  readonly control: readonly Field[];
  /** Path from the repository root: pool/main/e/echo/echo_1.0.0-1_all.deb. */
  readonly filename: string;
  readonly digests: Digests;
}

const ORDER = [
  'Package', 'Package-Type', 'Architecture', 'Subarchitecture', 'Version', 'Revision', 'Package-Revision', 'Package_Revision',
  'Kernel-Version', 'Built-Using', 'Built-For-Profiles', 'Multi-Arch', 'Status', 'Priority', 'Class', 'Essential',
  'Installer-Menu-Item', 'Section', 'Source', 'Origin', 'Maintainer', 'Original-Maintainer', 'Bugs', 'Config-Version',
  'Conffiles', 'Triggers-Awaited', 'Triggers-Pending', 'Installed-Size', 'Provides', 'Pre-Depends', 'Depends',
  'Recommends', 'Recommended', 'Suggests', 'Optional', 'Conflicts', 'Breaks', 'Replaces', 'Enhances', 'Filename',
  'MSDOS-Filename', 'Size', 'MD5sum', 'SHA1', 'SHA256', 'SHA512', 'Homepage', 'Description', 'Tag', 'Task',
].map((n) => n.toLowerCase());

/** Fields the repository sets itself: a value of these in the .deb's control is replaced. */
const OWN = new Set(['filename', 'size', 'md5sum', 'sha1', 'sha256', 'sha512']);

function rank(name: string): number {
  const i = ORDER.indexOf(name.toLowerCase());
  return i >= 0 ? i : ORDER.length;
}

/** The stanza of `p` in a Packages file. */
export function packagesStanza(p: AptPackage): string {
  const d = p.digests;
  const fields: Field[] = [
    ...p.control.filter(([n]) => !OWN.has(n.toLowerCase())),
    ['Filename', p.filename], ['Size', String(d.size)], ['MD5sum', d.md5], ['SHA1', d.sha1], ['SHA256', d.sha256], ['SHA512', d.sha512],
  ];
  const sorted = fields.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f[0]) - rank(b.f[0]) || a.i - b.i);
  return renderStanza(sorted.map((x) => x.f));
}

/** A whole Packages file: the stanzas separated by blank lines (empty for no packages). */
export function packagesFile(packages: readonly AptPackage[]): string {
  return packages.map(packagesStanza).join('\n');
}
