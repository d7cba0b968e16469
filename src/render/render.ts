/**
 * Renders the ejs templates in templates/ (or a user's override folder) with
 * typed locals. Options are fixed: `strict`, no `with`, locals as `it`, and
 * `<%=` banned, so every value passes through an explicit escaper.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ejs from 'ejs';
import { DataError, NoInputError } from '../core/errors.js';
import { TEMPLATES_DIR } from '../core/paths.js';
import { ESCAPERS } from './escape.js';
import type { TemplateLocals, TemplateName } from './locals.js';

/** Renders one template by name. */
export type RenderFn = <T extends TemplateName>(name: T, locals: TemplateLocals[T]) => string;

const HELPER_NAMES = Object.keys(ESCAPERS);

/**
 * Returns a render function. A template is looked up as `<overrideDir>/<name>.ejs`
 * first, then in the built-in templates/. Throws NoInputError when
 * `overrideDir` is not a folder.
 */
export function createRenderer(overrideDir?: string): RenderFn {
  if (overrideDir !== undefined && !(existsSync(overrideDir) && statSync(overrideDir).isDirectory())) {
    throw new NoInputError(overrideDir, `--templates ${overrideDir}: not a folder`);
  }
  return (name, locals) => renderFile(templateFile(name, overrideDir), name, locals);
}

/** Renders a built-in (or overridden) template; see createRenderer. */
export function render<T extends TemplateName>(name: T, locals: TemplateLocals[T], overrideDir?: string): string {
  return createRenderer(overrideDir)(name, locals);
}

/** The file a template name resolves to. */
export function templateFile(name: TemplateName, overrideDir?: string): string {
  if (overrideDir !== undefined) {
    const p = path.join(overrideDir, `${name}.ejs`);
    if (existsSync(p)) {
      // A symlink (the file or a folder on the way) may point anywhere, e.g. at
      // /etc/passwd: follow it only while it stays inside the override folder.
      const root = realpathSync(overrideDir);
      const real = realpathSync(p);
      if (real !== root && !real.startsWith(root + path.sep)) {
        throw new DataError('tacd.render.outside', `--templates ${p}: a symlink to ${real}, outside ${overrideDir}; copy the file in instead`, { field: p });
      }
      return p;
    }
  }
  return path.join(TEMPLATES_DIR, `${name}.ejs`);
}

function renderFile(file: string, name: string, locals: object): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NoInputError(file, `template ${name}: cannot read ${file}`, { cause: e });
  }
  return renderText(text, file, locals);
}

const OPTIONS = {
  strict: true,
  _with: false,
  localsName: 'it',
  destructuredLocals: HELPER_NAMES,
  // `<%=` is refused before compiling; the escape function is then only used
  // by ejs to print the file name in error messages.
  escape: (s: unknown) => String(s),
} as const;

/**
 * Renders template `text` (read from `file`) with `locals` plus the escapers.
 * Any failure is a DataError naming `file:line` and the cause.
 */
export function renderText(text: string, file: string, locals: object): string {
  const banned = text.split('\n').findIndex((l) => l.includes('<%='));
  if (banned >= 0) {
    throw new DataError('tacd.render.escape', `${file}:${banned + 1}: '<%=' is not allowed (it HTML-escapes); use '<%-' with sh(), systemdValue(), systemdArg() or rpmSpecText()`, { field: file });
  }
  let fn: ejs.TemplateFunction;
  try {
    fn = ejs.compile(text, { ...OPTIONS, filename: file }) as ejs.TemplateFunction;
  } catch (e) {
    throw new DataError('tacd.render.syntax', `${file}:${syntaxErrorLine(text, file) ?? '?'}: template does not compile: ${firstLine(e)}`, { field: file, cause: e });
  }
  try {
    return fn({ ...locals, ...ESCAPERS }) as string;
  } catch (e) {
    // ejs prefixes runtime errors with "file:line" and a context excerpt; keep the location and the cause.
    const msg = e instanceof Error ? e.message : String(e);
    const where = /^(.*):(\d+)\n/.exec(msg);
    const cause = msg.split('\n').filter((l) => l.trim() !== '').pop() ?? msg;
    const loc = where ? `${file}:${where[2]}` : file;
    throw new DataError('tacd.render.failed', `${loc}: template failed to render: ${cause}`, { field: file, cause: e });
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/ in \S+ while compiling ejs$/, '');
}

// ejs reports syntax errors without a line. Its generated source carries
// `__line = N` markers, so compile that source with vm and map the JS line
// of the error back to the template line.
function syntaxErrorLine(text: string, file: string): number | undefined {
  try {
    const t = new (ejs as unknown as { Template: new (t: string, o: object) => { generateSource(): void; source: string } }).Template(text, { ...OPTIONS, filename: file });
    t.generateSource();
    const src = t.source;
    try {
      new vm.Script(`(function (it) {\n${src}\n})`, { filename: 'ejs-template' });
      return undefined;
    } catch (e) {
      const m = /ejs-template:(\d+)/.exec((e as Error).stack ?? '');
      if (!m) return undefined;
      const lines = `(function (it) {\n${src}\n})`.split('\n').slice(0, Number(m[1]));
      for (let i = lines.length - 1; i >= 0; i--) {
        const all = [...lines[i]!.matchAll(/__line = (\d+)/g)];
        if (all.length > 0) return Number(all[all.length - 1]![1]);
      }
      return undefined;
    }
  } catch {
    return undefined;
  }
}
