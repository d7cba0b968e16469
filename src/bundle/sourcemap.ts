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

export function decodeSegment(s: string): number[] {
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

export function encodeValue(n: number): string {
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

/** Drops every mapping whose source matches `drop`, then the unused sources and names. */
export function pruneSourceMap(map: RawSourceMap, drop: (source: string) => boolean): RawSourceMap {
  // Decode to absolute values.
  const lines: number[][][] = [];
  let src = 0;
  let oLine = 0;
  let oCol = 0;
  let name = 0;
  for (const line of map.mappings.split(';')) {
    let col = 0;
    const segs: number[][] = [];
    if (line !== '') {
      for (const raw of line.split(',')) {
        const f = decodeSegment(raw);
        col += f[0]!;
        if (f.length === 1) {
          segs.push([col]);
          continue;
        }
        src += f[1]!;
        oLine += f[2]!;
        oCol += f[3]!;
        if (f.length >= 5) {
          name += f[4]!;
          segs.push([col, src, oLine, oCol, name]);
        } else segs.push([col, src, oLine, oCol]);
      }
    }
    lines.push(segs);
  }
  // A dropped source's segments become unmapped-column segments ([col]) so
  // that its code is not attributed to the previous mapped segment.
  const keepSource = map.sources.map((s) => !drop(s));
  const usedNames = new Set<number>();
  for (const segs of lines) {
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      if (s.length > 1 && !keepSource[s[1]!]) segs[i] = [s[0]!];
      else if (s.length === 5) usedNames.add(s[4]!);
    }
  }
  const sourceIndex = new Map<number, number>();
  const sources: string[] = [];
  const sourcesContent: (string | null)[] = [];
  map.sources.forEach((s, i) => {
    if (!keepSource[i]) return;
    sourceIndex.set(i, sources.length);
    sources.push(s);
    sourcesContent.push(map.sourcesContent?.[i] ?? null);
  });
  const nameIndex = new Map<number, number>();
  const names: string[] = [];
  map.names.forEach((n, i) => {
    if (!usedNames.has(i)) return;
    nameIndex.set(i, names.length);
    names.push(n);
  });
  // Re-encode relative values; consecutive unmapped segments collapse to one.
  let pSrc = 0;
  let pLine = 0;
  let pCol = 0;
  let pName = 0;
  const out: string[] = [];
  for (const segs of lines) {
    let pc = 0;
    const parts: string[] = [];
    let lastUnmapped = true; // a line starts unmapped
    for (const s of segs) {
      if (s.length === 1) {
        if (lastUnmapped) continue;
        parts.push(encodeValue(s[0]! - pc));
        pc = s[0]!;
        lastUnmapped = true;
        continue;
      }
      const si = sourceIndex.get(s[1]!)!;
      let seg = encodeValue(s[0]! - pc) + encodeValue(si - pSrc) + encodeValue(s[2]! - pLine) + encodeValue(s[3]! - pCol);
      pc = s[0]!;
      pSrc = si;
      pLine = s[2]!;
      pCol = s[3]!;
      if (s.length === 5) {
        const ni = nameIndex.get(s[4]!)!;
        seg += encodeValue(ni - pName);
        pName = ni;
      }
      parts.push(seg);
      lastUnmapped = false;
    }
    out.push(parts.join(','));
  }
  const result: RawSourceMap = { version: map.version, sources, names, mappings: out.join(';') };
  if (map.file !== undefined) result.file = map.file;
  if (map.sourceRoot !== undefined) result.sourceRoot = map.sourceRoot;
  if (map.sourcesContent !== undefined) result.sourcesContent = sourcesContent;
  return result;
}
