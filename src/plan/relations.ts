/**
 * Parses dependency lists as written on the command line or in package.json:
 * "foo (>= 1.0), bar | baz" (deb-control(5) syntax, also used for RPM).
 */
import { DataError } from '../core/errors.js';
import type { Relation } from '../formats/plan.js';

const ONE = /^([a-z0-9][a-z0-9+.\-_/()]*?)\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^\s()]+)\s*\))?$/i;

function parseOne(text: string, field: string): Relation {
  const m = ONE.exec(text.trim());
  if (!m) throw new DataError('tacd.spec.relation', `--${field}: expected 'name' or 'name (op version)', got '${text.trim()}'`, { field });
  const op = m[2] === '<' ? '<=' : m[2] === '>' ? '>=' : m[2];
  return op === undefined ? { name: m[1]! } : { name: m[1]!, op: op as Relation['op'] & string, version: m[3]! };
}

/** Parses a comma-separated relation list with `|` alternatives. Empty text gives []. @throws DataError naming `field`. */
export function parseRelations(text: string | readonly string[] | undefined, field: string): Relation[] {
  if (text === undefined) return [];
  const items = (typeof text === 'string' ? text.split(',') : text.flatMap((t) => t.split(','))).map((s) => s.trim()).filter((s) => s !== '');
  return items.map((item) => {
    const alts = item.split('|').map((a) => parseOne(a, field));
    return alts.length === 1 ? alts[0]! : { ...alts[0]!, or: alts.slice(1) };
  });
}
