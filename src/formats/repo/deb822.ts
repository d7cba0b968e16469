/**
 * Debian control data (deb822): one stanza parsed into ordered fields, and
 * rendered back. A value keeps its continuation lines verbatim (each starts
 * with a space or tab), so a Description survives a round trip byte for byte.
 */
import { DataError } from '../../core/errors.js';

/** One field: its name as written and its value (first line, then "\n" + continuation lines). */
export type Field = readonly [name: string, value: string];

function badLine(where: string, n: number, line: string): DataError {
  return new DataError('repo.control.syntax', `${where}: line ${n} of the control data is not 'Field: value' or a continuation: '${line.slice(0, 60)}'`, { field: 'control' });
}

/** Parses one stanza (blank lines around it are ignored); `where` names the file in errors. */
export function parseStanza(text: string, where: string): Field[] {
  const fields: [string, string][] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line)) {
      if (!last) throw badLine(where, i + 1, line);
      last[1] += `\n${line}`;
      return;
    }
    const m = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/.exec(line);
    if (!m) throw badLine(where, i + 1, line);
    fields.push([m[1]!, m[2]!.trimEnd()]);
  });
  return fields;
}

/** Splits control text into stanzas at blank lines and parses each. */
export function parseStanzas(text: string, where: string): Field[][] {
  return text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/).filter((s) => s.trim() !== '').map((s) => parseStanza(s, where));
}

/** The value of `name` (case-insensitive, as dpkg matches field names), or undefined. */
export function fieldValue(fields: readonly Field[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** One stanza as text, each field on its line(s), ending with "\n". */
export function renderStanza(fields: readonly Field[]): string {
  return fields.map(([n, v]) => (v.startsWith('\n') ? `${n}:${v}\n` : `${n}: ${v}\n`)).join('');
}
