/**
 * Debian version order (deb-version(7), dpkg's verrevcmp): epoch, then the
 * upstream version, then the revision, each compared in alternating runs of
 * non-digits (letters before other characters, '~' before everything, even
 * the end) and numbers.
 */

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

function compareNonDigits(a: string, b: string, at: { i: number; j: number }): number {
  while ((at.i < a.length && !isDigit(a[at.i])) || (at.j < b.length && !isDigit(b[at.j]))) {
    const d = order(a[at.i]) - order(b[at.j]);
    if (d !== 0) return d;
    at.i++;
    at.j++;
  }
  return 0;
}

function compareDigits(a: string, b: string, at: { i: number; j: number }): number {
  while (a[at.i] === '0') at.i++;
  while (b[at.j] === '0') at.j++;
  let first = 0;
  while (isDigit(a[at.i]) && isDigit(b[at.j])) {
    if (first === 0) first = a.charCodeAt(at.i) - b.charCodeAt(at.j);
    at.i++;
    at.j++;
  }
  if (isDigit(a[at.i])) return 1;
  if (isDigit(b[at.j])) return -1;
  return first;
}

/** dpkg's verrevcmp of two version parts (upstream or revision). */
export function compareVersionPart(a: string, b: string): number {
  const at = { i: 0, j: 0 };
  while (at.i < a.length || at.j < b.length) {
    const d = compareNonDigits(a, b, at) || compareDigits(a, b, at);
    if (d !== 0) return d;
  }
  return 0;
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return { epoch, upstream: dash >= 0 ? rest.slice(0, dash) : rest, revision: dash >= 0 ? rest.slice(dash + 1) : '' };
}

/** Negative, zero or positive as Debian version `a` sorts before, with or after `b` (dpkg --compare-versions). */
export function compareDebVersions(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  return x.epoch - y.epoch || compareVersionPart(x.upstream, y.upstream) || compareVersionPart(x.revision, y.revision);
}
