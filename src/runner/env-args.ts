/**
 * `tacd --env-args VAR`: more command-line words, appended after the given
 * ones, from the environment variable VAR, written as POSIX shell words.
 * A packaged service's unit runs `tacd --env-args TACD_ARGS …` with TACD_ARGS
 * from /etc/default/NAME (/etc/sysconfig/NAME), and its init script does
 * `export TACD_ARGS` before starting tacd the same way: a value reaches the
 * plugin byte for byte whatever it holds, and reads as it would in sh.
 *
 * The syntax is the shell's: words split on blanks; '…' is literal; in "…",
 * a backslash escapes $ ` " \ only; outside quotes a backslash escapes any
 * character. Nothing is expanded: a character the shell would treat
 * specially outside quotes ($ ` ; & | < > ( ) * ? [, a newline, a leading #
 * or ~), or $ and ` inside "…", is an error, so that sh (`eval "set --
 * $TACD_ARGS"`) and tacd never read the same text differently.
 */
import { ConfigError } from '../core/errors.js';

const BLANK = /[ \t]/;
const SPECIAL = /[$`;&|<>()*?[\n]/;
const DQ_ESCAPABLE = '$`"\\';

class Words {
  readonly out: string[] = [];
  private cur: string | null = null;
  add(s: string): void {
    this.cur = (this.cur ?? '') + s;
  }
  end(): void {
    if (this.cur !== null) this.out.push(this.cur);
    this.cur = null;
  }
  get inWord(): boolean {
    return this.cur !== null;
  }
}

function refuse(where: string, what: string, at: number): never {
  throw new ConfigError('tacd.envArgs.syntax', `${where}: ${what} at character ${at + 1}; write the value in single quotes ('…', with ' as '\\'')`);
}

// Reads '…' from `i` (the opening quote); returns the index after the closing one.
function singleQuoted(text: string, i: number, w: Words, where: string): number {
  const close = text.indexOf("'", i + 1);
  if (close < 0) refuse(where, 'unterminated single quote', i);
  w.add(text.slice(i + 1, close));
  return close + 1;
}

// Reads "…" from `i`; returns the index after the closing quote.
function doubleQuoted(text: string, i: number, w: Words, where: string): number {
  let j = i + 1;
  for (; j < text.length && text[j] !== '"'; j++) {
    const c = text[j]!;
    if (c === '$' || c === '`') refuse(where, `'${c}' inside double quotes (the shell would expand it)`, j);
    if (c !== '\\') w.add(c);
    else if (text[j + 1] === '\n') j++;
    else if (j + 1 < text.length && DQ_ESCAPABLE.includes(text[j + 1]!)) w.add(text[++j]!);
    else w.add('\\');
  }
  if (j >= text.length) refuse(where, 'unterminated double quote', i);
  w.add('');
  return j + 1;
}

// One unquoted character at `i`; returns the next index.
function unquoted(text: string, i: number, w: Words, where: string): number {
  const c = text[i]!;
  if (c === '\\') {
    if (i + 1 >= text.length) refuse(where, 'a backslash at the end', i);
    if (text[i + 1] !== '\n') w.add(text[i + 1]!);
    return i + 2;
  }
  if (SPECIAL.test(c) || (!w.inWord && (c === '#' || c === '~'))) refuse(where, c === '\n' ? 'an unquoted newline' : `unquoted '${c}'`, i);
  w.add(c);
  return i + 1;
}

/**
 * Splits `text` into words as `sh` does for `eval "set -- $text"` when
 * nothing is expanded. @param where names the variable in errors.
 * @throws ConfigError (78, 'tacd.envArgs.syntax') naming the character.
 */
export function splitShellWords(text: string, where: string): string[] {
  const w = new Words();
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.test(c)) {
      w.end();
      i++;
    } else if (c === "'") i = singleQuoted(text, i, w, where);
    else if (c === '"') i = doubleQuoted(text, i, w, where);
    else i = unquoted(text, i, w, where);
  }
  w.end();
  return w.out;
}

/** The words of the variable `name` in `env` ([] when unset or blank). */
export function envArgs(env: NodeJS.ProcessEnv, name: string): string[] {
  return splitShellWords(env[name] ?? '', `${name} (--env-args)`);
}
