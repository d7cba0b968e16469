/** Text rules of a package spec: versions, synopses, wrapped descriptions, values in messages. */

/** npm semver (1.2.3-rc.1+b5) to Debian/RPM upstream syntax (1.2.3~rc.1+b5): a pre-release sorts before the release. */
export function upstreamVersion(v: string): string {
  const m = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(v);
  if (!m) return v;
  return m[1]! + (m[2] ? `~${m[2].replace(/-/g, '.')}` : '') + (m[3] ? `+${m[3].replace(/-/g, '.')}` : '');
}

/**
 * Wraps each paragraph of `text` at `width` columns (lintian
 * extended-description-line-too-long, rpmlint description-line-too-long).
 * Lines starting with a space are kept verbatim (Debian's preformatted lines).
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const para of text.replace(/\r\n/g, '\n').replace(/^\s*\n|\s+$/g, '').split(/\n\s*\n/)) {
    if (out.length) out.push('');
    const lines = para.split('\n');
    if (lines.some((l) => l.startsWith(' '))) {
      out.push(...lines);
      continue;
    }
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    if (line !== '') out.push(line);
  }
  return out.join('\n');
}

/**
 * A Debian-style synopsis from a derived description (package.json or a
 * plugin's): no trailing period, no leading article (lintian
 * description-synopsis-starts-with-article), first letter kept as is.
 */
export function synopsis(text: string): string {
  const s = text.trim().replace(/\.$/, '').replace(/^(a|an|the)\s+/i, '');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A synopsis of at most 80 characters: `text` itself when it fits, else cut
 * at the last word boundary before 80 (a trailing comma, colon or dash
 * dropped), or at 79 characters plus '…' for one long word.
 */
export function cutSynopsis(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one.length <= 80) return one;
  const head = one.slice(0, 81);
  const space = head.lastIndexOf(' ');
  if (space < 20) return `${one.slice(0, 79)}…`;
  return head.slice(0, space).replace(/[\s,;:.-]+$/, '');
}

/** A value quoted for a one-line message: control characters (a newline) shown as escapes. */
export function shown(v: string): string {
  return `'${v.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}'`;
}
