// The import graph of src/ and test/: which source files a test file reaches
// through its relative imports (transitively), counting a spawned `bin/X.js`
// as reaching the command's entry in src/cli/ (and `bin/tacd.js`, which runs
// the bundle of the runner and the public API, src/index.ts too).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g;
const BIN = /\bbin\/(tacd|ts2deb|ts2rpm)\.js\b/g;
// path.join(ROOT, 'bin', `${prog}.js`): either packager.
const ANY_PACKAGER_BIN = /['"]bin['"],\s*`\$\{\w+\}\.js`/;

/** The files `file` imports directly (absolute .ts paths), with spawned bins as their entries. */
export function directImports(file: string, root: string): string[] {
  const code = readFileSync(file, 'utf8');
  const out = [...code.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(file), m[1]!).replace(/\.js$/, '.ts')).filter((p) => existsSync(p));
  for (const m of code.matchAll(BIN)) {
    out.push(path.join(root, 'src/cli', `${m[1]}.ts`));
    if (m[1] === 'tacd') out.push(path.join(root, 'src/index.ts'));
  }
  if (ANY_PACKAGER_BIN.test(code)) out.push(path.join(root, 'src/cli/ts2deb.ts'), path.join(root, 'src/cli/ts2rpm.ts'));
  return out;
}

/** Every file reached from `file` (itself included). */
export function reached(file: string, root: string, memo = new Map<string, string[]>()): Set<string> {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (!memo.has(f)) memo.set(f, directImports(f, root));
    stack.push(...memo.get(f)!);
  }
  return seen;
}
