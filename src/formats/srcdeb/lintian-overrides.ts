/**
 * debian/source/lintian-overrides: the two things lintian flags in these
 * source packages on purpose, each with its written reason.
 *
 * 1. maintainer-script-lacks-debhelper-token (warning): ts2deb's scripts are
 *    shipped verbatim and debhelper's snippet generators are off (rules.ts),
 *    so a #DEBHELPER# token would expand to nothing.
 * 2. source-is-missing (error) and its pedantic companions
 *    source-contains-prebuilt-binary / -javascript-object: payload/ is, by
 *    design, the prebuilt tree of the binary package (a bundled Node.js
 *    runtime, native addons, an esbuild bundle). The files are found with
 *    lintian's own tests (Lintian::Check::Files::SourceMissing, lintian
 *    2.116): ELF objects; .js files named like minified bundles; .js and
 *    .html files with a line over 512 characters. One override per file, so
 *    no override goes unused.
 */
import type { FileData, PackagePlan, PayloadEntry } from '../plan.js';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const MINIFIED_JS = /[-._](?:compiled|compressed|lite|min|pack(?:ed)?|prod|umd|yc)\.js$/i;
const LONG_LINE = 512;

async function firstBytes(data: FileData, n: number): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data.subarray(0, n);
  const out = new Uint8Array(n);
  let at = 0;
  for await (const c of data.open()) {
    const take = c.subarray(0, n - at);
    out.set(take, at);
    at += take.length;
    if (at >= n) break;
  }
  return out.subarray(0, at);
}

async function hasLongLine(data: FileData): Promise<boolean> {
  let run = 0;
  const scan = (c: Uint8Array): boolean => {
    for (const b of c) {
      run = b === 0x0a ? 0 : run + 1;
      if (run > LONG_LINE) return true;
    }
    return false;
  };
  if (data instanceof Uint8Array) return scan(data);
  for await (const c of data.open()) if (scan(c)) return true;
  return false;
}

export interface PrebuiltFile {
  /** Path in the source tree: 'payload/usr/lib/echo/node'. */
  readonly path: string;
  readonly kind: 'elf' | 'javascript' | 'html';
}

/** The payload files lintian would report as prebuilt (see the module comment). */
export async function prebuiltFiles(payload: readonly PayloadEntry[]): Promise<PrebuiltFile[]> {
  const out: PrebuiltFile[] = [];
  for (const e of payload) {
    if (e.kind !== 'file') continue;
    const path = `payload${e.path}`;
    const head = await firstBytes(e.data, 4);
    if (head.length === 4 && ELF_MAGIC.every((b, i) => head[i] === b)) out.push({ path, kind: 'elf' });
    else if (/\.js$/i.test(e.path) && (MINIFIED_JS.test(e.path) || (await hasLongLine(e.data)))) out.push({ path, kind: 'javascript' });
    else if (/\.(?:x?html?\d?|xht)$/i.test(e.path) && (await hasLongLine(e.data))) out.push({ path, kind: 'html' });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function renderLintianOverrides(plan: PackagePlan, prebuilt: readonly PrebuiltFile[]): string | undefined {
  const name = plan.meta.name;
  const scripts = (['preinst', 'postinst', 'prerm', 'postrm'] as const).filter((s) => {
    const text = plan.scripts?.[s];
    return text !== undefined && !text.includes('#DEBHELPER#');
  });
  const blocks: string[] = [];
  if (scripts.length > 0) {
    blocks.push(
      [
        "# The maintainer scripts are ts2deb's own and already contain what debhelper's",
        '# systemd/init autoscripts would add; debian/rules turns every snippet generator',
        '# off, so a #DEBHELPER# token would expand to nothing (see debian/rules).',
        ...scripts.map((s) => `maintainer-script-lacks-debhelper-token [debian/${name}.${s}]`),
      ].join('\n'),
    );
  }
  if (prebuilt.length > 0) {
    const lines: string[] = [
      "# payload/ is by design the prebuilt file tree of ts2deb's binary package:",
      '# the bundled Node.js runtime (built by the Node.js project, sources at',
      '# https://nodejs.org/dist/), native addons and the esbuild bundle of the',
      '# application, whose own sources are in source/. This package repackages',
      '# them unchanged (debian/README.source); it does not rebuild them.',
    ];
    for (const f of prebuilt) {
      lines.push(`source-is-missing [${f.path}]`);
      if (f.kind === 'elf') lines.push(`source-contains-prebuilt-binary [${f.path}]`);
      if (f.kind === 'javascript') lines.push(`source-contains-prebuilt-javascript-object [${f.path}]`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? undefined : blocks.join('\n\n') + '\n';
}
