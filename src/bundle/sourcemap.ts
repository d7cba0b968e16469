/**
 * Shrinks the bundle's source map: segments that map into third-party code
 * (node_modules: execa, commander ...) are dropped, and so are the sources
 * and names only they used. Stack frames in the app and in tacd keep their
 * mapping; frames inside a dependency show main.cjs:line:column instead.
 * About 60% of the bundle is third-party code, so this removes most of the map.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

export interface RawSourceMap {
  version: number;
  file?: string;
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

function decodeSegment(s: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < s.length; i++) {
    const d = B64_VALUE[s.charCodeAt(i)] ?? -1;
    if (d < 0) throw new Error(`invalid source map VLQ character '${s[i]}'`);
    value += (d & 31) * 2 ** shift;
    if (d & 32) {
      shift += 5;
      continue;
    }
    out.push(value % 2 === 1 ? -Math.floor(value / 2) : value / 2);
    value = 0;
    shift = 0;
  }
  return out;
}

function encodeValue(n: number): string {
  let v = n < 0 ? -n * 2 + 1 : n * 2;
  let s = '';
  do {
    let d = v % 32;
    v = Math.floor(v / 32);
    if (v > 0) d |= 32;
    s += B64[d];
  } while (v > 0);
  return s;
}

/** A segment with absolute values: [column] (unmapped) or [column, source, line, column, name?]. */
export type Segment = number[];

/** The mappings as absolute segments, a list per generated line. */
export function decodeMappings(mappings: string): Segment[][] {
  const at = [0, 0, 0, 0]; // source, original line, original column, name: relative across lines
  return mappings.split(';').map((line) => {
    let col = 0;
    return line === ''
      ? []
      : line.split(',').map((raw) => {
          const f = decodeSegment(raw);
          col += f[0]!;
          for (let k = 1; k < f.length; k++) at[k - 1]! += f[k]!;
          return f.length === 1 ? [col] : [col, ...at.slice(0, f.length - 1)];
        });
  });
}

/** Absolute segments back to mappings, sources and names renumbered; consecutive unmapped segments collapse to one. */
export function encodeMappings(lines: readonly Segment[][], sourceIndex: (i: number) => number = (i) => i, nameIndex: (i: number) => number = (i) => i): string {
  const prev = [0, 0, 0, 0];
  return lines
    .map((segs) => {
      let pc = 0;
      let lastUnmapped = true; // a line starts unmapped
      const parts: string[] = [];
      for (const s of segs) {
        if (s.length === 1 && lastUnmapped) continue;
        const values = s.length === 1 ? [] : [sourceIndex(s[1]!), s[2]!, s[3]!, ...(s.length === 5 ? [nameIndex(s[4]!)] : [])];
        parts.push(encodeValue(s[0]! - pc) + values.map((v, k) => encodeValue(v - prev[k]!)).join(''));
        values.forEach((v, k) => (prev[k] = v));
        pc = s[0]!;
        lastUnmapped = s.length === 1;
      }
      return parts.join(',');
    })
    .join(';');
}

/** The kept entries of `list` and their new index by old index. */
function kept<T>(list: readonly T[], keep: (i: number) => boolean): { items: T[]; index: Map<number, number> } {
  const index = new Map<number, number>();
  const items: T[] = [];
  list.forEach((x, i) => {
    if (!keep(i)) return;
    index.set(i, items.length);
    items.push(x);
  });
  return { items, index };
}

// A dropped source's segments become unmapped-column segments ([col]) so that
// its code is not attributed to the previous mapped segment; returns the names still used.
function unmapDropped(lines: Segment[][], keepSource: readonly boolean[]): Set<number> {
  const usedNames = new Set<number>();
  for (const segs of lines) {
    segs.forEach((s, i) => {
      if (s.length > 1 && !keepSource[s[1]!]) segs[i] = [s[0]!];
      else if (s.length === 5) usedNames.add(s[4]!);
    });
  }
  return usedNames;
}

/** Drops every mapping whose source matches `drop`, then the unused sources and names. */
export function pruneSourceMap(map: RawSourceMap, drop: (source: string) => boolean): RawSourceMap {
  const lines = decodeMappings(map.mappings);
  const keepSource = map.sources.map((s) => !drop(s));
  const usedNames = unmapDropped(lines, keepSource);
  const sources = kept(map.sources, (i) => keepSource[i]!);
  const names = kept(map.names, (i) => usedNames.has(i));
  const mappings = encodeMappings(lines, (i) => sources.index.get(i)!, (i) => names.index.get(i)!);
  const result: RawSourceMap = { version: map.version, sources: sources.items, names: names.items, mappings };
  if (map.file !== undefined) result.file = map.file;
  if (map.sourceRoot !== undefined) result.sourceRoot = map.sourceRoot;
  if (map.sourcesContent !== undefined) result.sourcesContent = kept(map.sources.map((_, i) => map.sourcesContent?.[i] ?? null), (i) => keepSource[i]!).items;
  return result;
}
