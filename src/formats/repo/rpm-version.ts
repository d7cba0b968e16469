/**
 * RPM version order (rpm's rpmvercmp): alternating runs of digits and
 * letters, other characters only separate; '~' sorts before everything
 * (even the end), '^' after the end but before anything else.
 */

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);

/** The separator step: undefined to go on with the segments, else the result. */
function separators(a: string, b: string, at: { i: number; j: number }): number | undefined {
  while (at.i < a.length && !isAlnum(a[at.i]) && a[at.i] !== '~' && a[at.i] !== '^') at.i++;
  while (at.j < b.length && !isAlnum(b[at.j]) && b[at.j] !== '~' && b[at.j] !== '^') at.j++;
  const [x, y] = [a[at.i], b[at.j]];
  if (x === '~' || y === '~') return x !== '~' ? 1 : y !== '~' ? -1 : (at.i++, at.j++, NaN);
  if (x === '^' || y === '^') return x === undefined ? -1 : y === undefined ? 1 : x !== '^' ? 1 : y !== '^' ? -1 : (at.i++, at.j++, NaN);
  return undefined;
}

function segment(s: string, from: number, numeric: boolean): string {
  let end = from;
  while (end < s.length && (numeric ? isDigit(s[end]) : isAlpha(s[end]))) end++;
  return s.slice(from, end);
}

function compareSegments(x: string, y: string, numeric: boolean): number {
  if (numeric) {
    const [p, q] = [x.replace(/^0+/, ''), y.replace(/^0+/, '')];
    if (p.length !== q.length) return p.length < q.length ? -1 : 1;
    return p < q ? -1 : p > q ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** rpmvercmp(a, b): -1, 0 or 1. */
export function rpmVerCmp(a: string, b: string): number {
  if (a === b) return 0;
  const at = { i: 0, j: 0 };
  while (at.i < a.length || at.j < b.length) {
    const sep = separators(a, b, at);
    if (sep !== undefined && !Number.isNaN(sep)) return sep;
    if (sep !== undefined) continue;
    if (at.i >= a.length || at.j >= b.length) break;
    const numeric = isDigit(a[at.i]);
    const x = segment(a, at.i, numeric);
    const y = segment(b, at.j, numeric);
    if (y === '') return numeric ? 1 : -1;
    const d = compareSegments(x, y, numeric);
    if (d !== 0) return d;
    at.i += x.length;
    at.j += y.length;
  }
  if (at.i >= a.length && at.j >= b.length) return 0;
  return at.i >= a.length ? -1 : 1;
}

/** Epoch, then version, then release, as rpm compares "E:V-R". */
export function compareRpmEvr(a: string, b: string): number {
  const split = (s: string): [number, string, string] => {
    const m = /^(?:(\d+):)?(.*?)(?:-([^-]*))?$/.exec(s)!;
    return [Number(m[1] ?? 0), m[2] ?? '', m[3] ?? ''];
  };
  const [x, y] = [split(a), split(b)];
  return Math.sign(x[0] - y[0]) || rpmVerCmp(x[1], y[1]) || rpmVerCmp(x[2], y[2]);
}
