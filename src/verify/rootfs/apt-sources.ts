/**
 * The Debian mirror a test rootfs is built from, read from the host's own apt
 * configuration: one-line sources.list files and deb822 .sources files.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

/** One enabled "deb" source from apt's configuration. */
export interface AptSource {
  readonly uri: string;
  readonly suite: string;
  readonly components: readonly string[];
  readonly signedBy?: string;
  /** The file it came from. */
  readonly file: string;
}

/** The signed-by= value of a one-line entry's "[opt=... ...]" block. */
function signedByOption(options: string): string | undefined {
  let signedBy: string | undefined;
  for (const opt of options.trim().split(/\s+/)) {
    const m = /^signed-by=(.*)$/.exec(opt);
    if (m) signedBy = m[1];
  }
  return signedBy;
}

/** One "deb [options] URI SUITE COMPONENTS..." line (comment already stripped), or undefined. */
function parseDebLine(line: string, file: string): AptSource | undefined {
  if (!line.startsWith('deb ') && !line.startsWith('deb\t')) return undefined;
  let rest = line.slice(3).trim();
  let signedBy: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) return undefined;
    signedBy = signedByOption(rest.slice(1, end));
    rest = rest.slice(end + 1).trim();
  }
  const [uri, suite, ...components] = rest.split(/\s+/);
  if (!uri || !suite) return undefined;
  return { uri, suite, components, file, ...(signedBy ? { signedBy } : {}) };
}

/** The "deb" entries of a one-line sources.list text. */
export function parseOneLine(text: string, file: string): AptSource[] {
  return text
    .split('\n')
    .map((raw) => parseDebLine(raw.replace(/#.*$/, '').trim(), file))
    .filter((s): s is AptSource => s !== undefined);
}

/** A deb822 stanza's fields, names lower-cased, continuation lines folded in. */
function stanzaFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of stanza.split('\n')) {
    if (/^\s/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    fields.set(last, m[2]!.trim());
  }
  return fields;
}

const words = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean);

/** The sources of one stanza: every URI x suite, when enabled and of type deb. */
function stanzaSources(fields: Map<string, string>, file: string): AptSource[] {
  if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') return [];
  if (!words(fields.get('types')).includes('deb')) return [];
  const signed = fields.get('signed-by');
  // an inline key block is no keyring path
  const signedBy = signed && !signed.includes('BEGIN PGP') ? signed.split(/\s+/)[0] : undefined;
  const components = words(fields.get('components'));
  return words(fields.get('uris')).flatMap((uri) =>
    words(fields.get('suites')).map((suite) => ({ uri, suite, components, file, ...(signedBy ? { signedBy } : {}) })),
  );
}

/** The "deb" entries of a deb822 .sources text (stanzas separated by blank lines). */
export function parseDeb822(text: string, file: string): AptSource[] {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  return lines
    .join('\n')
    .split(/\n\s*\n/)
    .flatMap((stanza) => stanzaSources(stanzaFields(stanza), file));
}

/** The sources in one file of sources.list.d ([] for other names and unreadable files). */
function readSourcesFile(file: string): AptSource[] {
  try {
    if (file.endsWith('.list')) return parseOneLine(readFileSync(file, 'utf8'), file);
    if (file.endsWith('.sources')) return parseDeb822(readFileSync(file, 'utf8'), file);
  } catch {
    // unreadable: ignore, like apt would complain but we only need the Debian mirror
  }
  return [];
}

function sortedNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Every enabled "deb" line in /etc/apt/sources.list, sources.list.d/*.list and *.sources. */
export function readAptSources(etcApt = '/etc/apt'): AptSource[] {
  const main = path.join(etcApt, 'sources.list');
  const out = existsSync(main) ? parseOneLine(readFileSync(main, 'utf8'), main) : [];
  const dir = path.join(etcApt, 'sources.list.d');
  for (const name of sortedNames(dir)) out.push(...readSourcesFile(path.join(dir, name)));
  return out;
}

const DEBIAN_COMPONENTS = ['main', 'contrib', 'non-free', 'non-free-firmware'];

/** A source line kept for `suite` (see debianSourceLines), or undefined. */
function debianLine(src: AptSource, suite: string, mirrorOverride: string | undefined): string | undefined {
  const wanted = [suite, `${suite}-updates`, `${suite}-security`];
  if (!wanted.includes(src.suite) || !src.components.includes('main')) return undefined;
  if (src.signedBy && !/debian-archive/.test(path.basename(src.signedBy))) return undefined;
  if (mirrorOverride && src.suite !== `${suite}-security`) return undefined;
  // only keyrings that also exist inside the rootfs (debian-archive-keyring)
  const signedBy = src.signedBy?.startsWith('/usr/share/keyrings/') ? src.signedBy : undefined;
  return sourceLine(src.uri, src.suite, src.components.filter((c) => DEBIAN_COMPONENTS.includes(c)), signedBy);
}

function sourceLine(uri: string, suite: string, comps: readonly string[], signedBy?: string): string {
  const opt = signedBy ? `[signed-by=${signedBy}] ` : '';
  return `deb ${opt}${uri} ${suite} ${comps.join(' ')}`;
}

/**
 * The Debian sources for `suite` as one-line entries ("deb URI SUITE COMPONENTS"),
 * taken from apt's configuration: suite, suite-updates and suite-security with
 * component main, signed by the Debian archive keyring (or not pinned to any
 * keyring). Third-party repositories (own keyrings, other components) are left
 * out, since the rootfs has only Debian's keyring. Env TACD_DEBIAN_MIRROR=URI
 * replaces the mirror for suite and suite-updates.
 */
export function debianSourceLines(suite: string, sources: readonly AptSource[] = readAptSources()): string[] {
  const override = process.env.TACD_DEBIAN_MIRROR;
  const lines = override ? [sourceLine(override, suite, ['main']), sourceLine(override, `${suite}-updates`, ['main'])] : [];
  for (const src of sources) lines.push(debianLine(src, suite, override) ?? '');
  return [...new Set(lines.filter(Boolean))];
}
