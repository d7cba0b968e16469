/**
 * A DEP-5 (machine-readable, copyright-format 1.0) debian/copyright for plans
 * whose payload carries none. ts2deb's own payload has
 * /usr/share/doc/NAME/copyright rendered from templates/copyright.ejs; the
 * source package reuses those bytes, and this fallback is only for plans
 * built without it.
 *
 * Licenses Debian ships in /usr/share/common-licenses get a pointer there;
 * others (MIT/Expat included, which has no common-licenses file) get a
 * pointer to the upstream text, and the caller should pass the full text via
 * `licenseText` so lintian finds a complete stand-alone License paragraph.
 */
import type { PackageMeta } from '../plan.js';

const COMMON_LICENSES: Readonly<Record<string, string>> = {
  'Apache-2.0': 'Apache-2.0',
  'GPL-2': 'GPL-2',
  'GPL-2.0': 'GPL-2',
  'GPL-2.0-only': 'GPL-2',
  'GPL-2+': 'GPL-2',
  'GPL-2.0-or-later': 'GPL-2',
  'GPL-3': 'GPL-3',
  'GPL-3.0': 'GPL-3',
  'GPL-3.0-only': 'GPL-3',
  'GPL-3+': 'GPL-3',
  'GPL-3.0-or-later': 'GPL-3',
  'LGPL-2.1': 'LGPL-2.1',
  'LGPL-2.1-only': 'LGPL-2.1',
  'LGPL-2.1+': 'LGPL-2.1',
  'LGPL-3': 'LGPL-3',
  'LGPL-3.0': 'LGPL-3',
  'LGPL-3.0-only': 'LGPL-3',
  'MPL-2.0': 'MPL-2.0',
  'CC0-1.0': 'CC0-1.0',
  'Artistic-1.0': 'Artistic',
};

/** The Expat (MIT) text: short, and not in /usr/share/common-licenses. */
const EXPAT = [
  'Permission is hereby granted, free of charge, to any person obtaining a copy',
  'of this software and associated documentation files (the "Software"), to deal',
  'in the Software without restriction, including without limitation the rights',
  'to use, copy, modify, merge, publish, distribute, sublicense, and/or sell',
  'copies of the Software, and to permit persons to whom the Software is',
  'furnished to do so, subject to the following conditions:',
  '',
  'The above copyright notice and this permission notice shall be included in',
  'all copies or substantial portions of the Software.',
  '',
  'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR',
  'IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,',
  'FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE',
  'AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER',
  'LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,',
  'OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN',
  'THE SOFTWARE.',
].join('\n');

function continuation(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l}`))
    .join('\n');
}

function licenseBody(license: string, licenseText: string | undefined): string {
  if (licenseText !== undefined && licenseText.trim() !== '') return continuation(licenseText.replace(/\s+$/, ''));
  if (license === 'MIT' || license === 'Expat') return continuation(EXPAT);
  const common = COMMON_LICENSES[license];
  if (common !== undefined) return continuation(`On Debian systems, the complete text of this license can be found in\n/usr/share/common-licenses/${common}.`);
  return continuation('The complete text of this license is distributed with the upstream sources.');
}

/** A DEP-5 copyright for `meta`: upstream and debian/* both by the maintainer, in the year of meta.mtime. */
export function renderCopyright(meta: PackageMeta, licenseText?: string): string {
  const year = new Date(meta.mtime * 1000).getUTCFullYear();
  const holder = `${year} ${meta.vendor ?? meta.maintainer}`;
  const packager = `${year} ${meta.maintainer}`;
  const license = meta.license.trim() === '' ? 'UNKNOWN' : meta.license.replace(/\s+/g, ' ');
  return [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    `Upstream-Name: ${meta.name}`,
    ...(meta.homepage !== undefined ? [`Source: ${meta.homepage}`] : []),
    '',
    'Files: *',
    `Copyright: ${holder}`,
    `License: ${license}`,
    '',
    'Files: debian/*',
    `Copyright: ${packager}`,
    `License: ${license}`,
    '',
    `License: ${license}`,
    licenseBody(license, licenseText),
    '',
  ].join('\n');
}
