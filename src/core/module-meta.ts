/**
 * Gives each of the app's own modules its own location after bundling:
 * `import.meta.url`, `import.meta.dirname`, `import.meta.filename` and, in
 * code that uses them without declaring them, `__dirname` and `__filename`
 * answer for the module's own file, not for the bundle (or, under `tacd -y`,
 * for the temporary folder the tac was compiled into). Used as an esbuild
 * onLoad step by the packager (the app's files live in /usr/lib/NAME/app)
 * and by the runner's TypeScript loader (the files where they are).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Loader, Plugin } from 'esbuild';

/** JavaScript expressions for a module's location. */
export interface ModuleLocation {
  readonly url: string;
  readonly dirname: string;
  readonly filename: string;
}

const LOADERS: Readonly<Record<string, Loader>> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

/** The esbuild loader for a source file, or undefined for anything else (JSON, CSS, .node). */
export function sourceLoader(file: string): Loader | undefined {
  return LOADERS[path.extname(file)];
}

function declares(code: string, name: string): boolean {
  return new RegExp(`\\b(?:var|let|const|function|class)\\s+${name}\\b|\\bimport\\s*\\{[^}]*\\b${name}\\b`).test(code);
}

function uses(code: string, name: string): boolean {
  return new RegExp(`(?<![.\\w$])${name}\\b`).test(code);
}

/**
 * `code` with its location bound. The declarations go on the first line
 * (after a shebang), so line numbers and source maps stay as they were.
 */
export function withModuleLocation(code: string, loc: ModuleLocation): string {
  const shebang = /^#![^\n]*/.exec(code)?.[0] ?? '';
  let body = code.slice(shebang.length);
  const decls = [`__tacd_m_url = ${loc.url}`, `__tacd_m_dirname = ${loc.dirname}`, `__tacd_m_filename = ${loc.filename}`];
  body = body.replace(/\bimport\.meta\.url\b/g, '__tacd_m_url').replace(/\bimport\.meta\.dirname\b/g, '__tacd_m_dirname').replace(/\bimport\.meta\.filename\b/g, '__tacd_m_filename');
  for (const [name, value] of [['__dirname', '__tacd_m_dirname'], ['__filename', '__tacd_m_filename']] as const) {
    if (uses(body, name) && !declares(body, name)) decls.push(`${name} = ${value}`);
  }
  // A 'use strict' directive stays first; a shebang line becomes a comment of the same line.
  const directive = /^\s*(['"])use strict\1;?/.exec(shebang ? body.slice(1) : body)?.[0] ?? '';
  const head = shebang ? `//${shebang.slice(2)}\n${directive}` : directive;
  const rest = body.slice((shebang ? 1 : 0) + directive.length);
  return `${head}var ${decls.join(', ')};${rest}`;
}

/**
 * An esbuild plugin binding the location of every source file for which
 * `locate` answers (the app's own files; undefined leaves a file as it is).
 */
export function moduleLocationPlugin(locate: (file: string) => ModuleLocation | undefined): Plugin {
  return {
    name: 'tacd-module-location',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        const loader = sourceLoader(args.path);
        const loc = loader ? locate(args.path) : undefined;
        if (!loader || !loc) return undefined;
        return { contents: withModuleLocation(readFileSync(args.path, 'utf8'), loc), loader };
      });
    },
  };
}
