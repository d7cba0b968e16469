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
  let cur: string[] = [];
  let len = 0;
  for (const word of line.split(/ +/).filter((w) => w !== '')) {
    // A line starting with '.' is written with one more leading space (see renderDescription).
    const limit = cur[0]?.startsWith('.') ? WIDTH - 1 : WIDTH;
    if (cur.length === 0 || 1 + len + 1 + word.length <= limit) {
      len += (cur.length === 0 ? 0 : 1) + word.length;
      cur.push(word);
      continue;
    }
    // Never start a wrapped line with a '.' word (a reserved " .x" line, see
    // renderDescription): carry the previous word over with it, or, when it is
    // the only one, let the line run long.
    if (word.startsWith('.') && cur.length === 1) {
      len += 1 + word.length;
      cur.push(word);
      continue;
    }
    const carry = word.startsWith('.') ? [cur.pop()!] : [];
    out.push(cur.join(' '));
    cur = [...carry, word];
    len = cur.join(' ').length;
  }
  if (cur.length > 0) out.push(cur.join(' '));
  return out;
}

/**
 * The Description value: the synopsis, then the extended description as
 * continuation lines starting with one space. Blank lines become " .";
 * lines that start with whitespace are kept verbatim (displayed verbatim by
 * frontends); other lines are word-wrapped to 80 columns, which frontends
 * reflow anyway. Leading and trailing blank lines are dropped.
 *
 * Debian policy 5.6.13 reserves continuation lines of a space, a full stop
 * and more text (" .NET service") for future use, and lintian reports them
 * (description-contains-invalid-control-statement). So no line of running
 * text starts with '.': the word before it moves to that line (the text after
 * a line break, or where this wraps), which frontends reflow anyway; a
 * paragraph's first line that starts with '.' gets one more leading space
 * ("  .NET service"), a verbatim line displayed with its text intact. A line
 * of a lone "." has no such spelling (" ." is the blank line, "  ." is
 * reported too); validateDebMeta refuses it.
 */
export function renderDescription(summary: string, description: string): string {
  const lines = description.replace(/\t/g, '        ').split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // A line of running text that starts with '.' (often a word wrapped there,
  // as in "built for\n.NET"): take the last word of the text line before it along.
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1]!;
    if (!lines[i]!.startsWith('.') || prev === '' || /^\s/.test(prev) || !prev.includes(' ')) continue;
    const cut = prev.lastIndexOf(' ');
    lines[i - 1] = prev.slice(0, cut).trimEnd();
    lines[i] = `${prev.slice(cut + 1)} ${lines[i]}`;
  }
  const out = [summary.trim()];
  for (const line of lines) {
    if (line === '') out.push(' .');
    else if (/^\s/.test(line)) out.push(` ${line}`);
    else for (const w of wrap(line)) out.push(w.startsWith('.') ? `  ${w}` : ` ${w}`);
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
