/**
 * Renders DEBIAN/control for a binary package (deb-control(5)). Fields come in
 * dpkg's canonical order for binary packages (Dpkg::Control::FieldsCore,
 * CTRL_PKG_DEB): Package, Version, Architecture, Maintainer, Installed-Size,
 * Pre-Depends, Depends, Recommends, Suggests, Conflicts, Breaks, Replaces,
 * Provides, Section, Priority, Homepage, Description. There is no License
 * field (not a Debian control field; nFPM #1033): licensing lives in
 * /usr/share/doc/<name>/copyright.
 */
import type { PackageMeta, Relation } from '../plan.js';

/** [epoch:]upstream[-revision]; epoch 0 is omitted (dpkg treats 0:v and v as equal). */
export function debVersion(meta: Pick<PackageMeta, 'version' | 'release' | 'epoch'>): string {
  const epoch = meta.epoch !== undefined && meta.epoch > 0 ? `${meta.epoch}:` : '';
  const revision = meta.release ? `-${meta.release}` : '';
  return `${epoch}${meta.version}${revision}`;
}

function formatOne(r: Relation): string {
  return r.op !== undefined && r.version !== undefined ? `${r.name} (${r.op} ${r.version})` : r.name;
}

/** 'a (>= 1), b | c': a relation and its `or` alternatives are joined with ' | '. */
export function formatRelations(list: readonly Relation[]): string {
  return list.map((r) => [r, ...(r.or ?? [])].map(formatOne).join(' | ')).join(', ');
}

/** Width of a continuation line, leading space included (lintian: extended-description-line-too-long above 80). */
const WIDTH = 80;

function wrap(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of line.split(/ +/).filter((w) => w !== '')) {
    if (cur === '') cur = word;
    else if (1 + cur.length + 1 + word.length <= WIDTH) cur += ` ${word}`;
    else {
      out.push(cur);
      cur = word;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

/**
 * The Description value: the synopsis, then the extended description as
 * continuation lines starting with one space. Blank lines become " .";
 * lines that start with whitespace are kept verbatim (displayed verbatim by
 * frontends); other lines are word-wrapped to 80 columns, which frontends
 * reflow anyway. Leading and trailing blank lines are dropped.
 */
export function renderDescription(summary: string, description: string): string {
  const lines = description.replace(/\t/g, '        ').split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out = [summary.trim()];
  for (const line of lines) {
    if (line === '') out.push(' .');
    else if (/^\s/.test(line)) out.push(` ${line}`);
    else for (const w of wrap(line)) out.push(` ${w}`);
  }
  return out.join('\n');
}

/** The control file text (validated meta; Installed-Size in KiB). Ends with a newline. */
export function renderControl(meta: PackageMeta, installedSize: number): string {
  const r = meta.relations ?? {};
  const fields: [string, string | readonly Relation[] | undefined][] = [
    ['Package', meta.name],
    ['Version', debVersion(meta)],
    ['Architecture', meta.arch],
    ['Maintainer', meta.maintainer],
    ['Installed-Size', String(installedSize)],
    ['Pre-Depends', r.preDepends],
    ['Depends', r.depends],
    ['Recommends', r.recommends],
    ['Suggests', r.suggests],
    ['Conflicts', r.conflicts],
    ['Breaks', r.breaks],
    ['Replaces', r.replaces],
    ['Provides', r.provides],
    ['Section', meta.section],
    ['Priority', meta.priority],
    ['Homepage', meta.homepage],
    ['Description', renderDescription(meta.summary, meta.description)],
  ];
  return fields
    .map(([k, v]): [string, string | undefined] => [k, typeof v === 'string' || v === undefined ? v : v.length > 0 ? formatRelations(v) : undefined])
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
}
