/**
 * Paths in the bundle that must not depend on where the build ran: esbuild
 * names each module of a bundle by its path relative to the working folder
 * (the app's root), so tacd's own modules are named through '../..' up to
 * wherever tacd is installed; and the source map's `sources` are relative to
 * the bundle's virtual location. Both become package-relative: the app's
 * files `app/…` (where its run-time files are shipped, /usr/lib/NAME/app),
 * tacd's `tacd/…`, anything else by its path from its node_modules folder.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../core/paths.js';
import { decodeMappings, encodeMappings, type RawSourceMap } from './sourcemap.js';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A replacement in the generated code: on `line` (0-based), text after column `col` moved by `delta`. */
export interface ColumnEdit {
  readonly line: number;
  readonly col: number;
  readonly delta: number;
}

/**
 * `code` with the module keys that climb from `workDir` to tacd's folder
 * ("../../x/tacd/dist/…") named "tacd/dist/…", and where the columns moved
 * (for shiftColumns on the source map's mappings).
 */
export function stableModuleKeys(code: string, workDir: string): { code: string; edits: ColumnEdit[] } {
  const rel = path.relative(workDir, PROJECT_ROOT).split(path.sep).join('/');
  if (rel === '' || !rel.startsWith('..')) return { code, edits: [] };
  const edits: ColumnEdit[] = [];
  const pattern = new RegExp(`(["'\`])${escapeRegExp(rel)}/`, 'g');
  // `col` is in the original line's coordinates, as the map's generated columns are.
  const lines = code.split('\n').map((text, line) =>
    text.replace(pattern, (m: string, quote: string, at: number) => {
      const to = `${quote}tacd/`;
      edits.push({ line, col: at, delta: to.length - m.length });
      return to;
    }),
  );
  return { code: lines.join('\n'), edits };
}

// A generated column of the original code, moved by the edits before it on its line.
function shifted(col: number, edits: readonly ColumnEdit[]): number {
  let out = col;
  for (const e of edits) if (e.col < col) out += e.delta;
  return out;
}

/** `mappings` with every segment's generated column moved as the edits moved the code (the other fields as they were). */
export function shiftColumns(mappings: string, edits: readonly ColumnEdit[]): string {
  if (edits.length === 0) return mappings;
  const lines = decodeMappings(mappings);
  lines.forEach((segs, i) => {
    const mine = edits.filter((e) => e.line === i);
    for (const s of segs) s[0] = shifted(s[0]!, mine);
  });
  return encodeMappings(lines);
}

/** One source path (absolute, on the build machine) as the package names it. */
export function packageRelative(abs: string, appRoot: string | undefined): string {
  const under = (root: string): string | undefined => {
    const r = path.relative(root, abs);
    return r !== '' && !r.startsWith('..') && !path.isAbsolute(r) ? r.split(path.sep).join('/') : undefined;
  };
  const app = appRoot === undefined ? undefined : under(appRoot);
  if (app !== undefined) return `app/${app}`;
  const tacd = under(PROJECT_ROOT);
  if (tacd !== undefined) return `tacd/${tacd}`;
  const nm = abs.split(path.sep).lastIndexOf('node_modules');
  return nm >= 0 ? abs.split(path.sep).slice(nm).join('/') : `external/${path.basename(abs)}`;
}

/**
 * The map's sources, package-relative: resolved against `mapDir` (where
 * esbuild took the bundle to be), then named by packageRelative(). The map
 * lives at /usr/lib/NAME/main.cjs.map, so 'app/app.tac.ts' is
 * /usr/lib/NAME/app/app.tac.ts in a stack trace.
 */
export function packageRelativeSources(map: RawSourceMap, mapDir: string, appRoot: string | undefined): RawSourceMap {
  return { ...map, sources: map.sources.map((s) => packageRelative(path.resolve(mapDir, s), appRoot)) };
}
