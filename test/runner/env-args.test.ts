// --env-args VAR: TACD_ARGS split as shell words, checked against the real sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { envArgs, splitShellWords } from '../../src/runner/env-args.js';
import { parseRunnerArgs } from '../../src/runner/options.js';
import { shellWords } from '../../src/render/escape.js';
import { exitCodeOf } from '../../src/core/errors.js';

// The words sh makes of `text` with `eval "set -- $text"`.
function shWords(text: string): string[] {
  const out = execFileSync('sh', ['-c', 'eval "set -- $X"; for w in "$@"; do printf "%s\\0" "$w"; done'], { env: { X: text, PATH: process.env.PATH } });
  return out.toString('utf8').split('\0').slice(0, -1);
}

const VALUES = [`it's a fine day, isn't it`, 'say "hi"', '$HOME and ${PATH} and `id`', '100% %n %%', 'back\\slash \\n', 'ünïcödé ☃ 日本', '', ' lead and trail ', '*?[a];&|<>()#~'];

test('what shellWords() writes, splitShellWords() and sh read back byte for byte', () => {
  const words = VALUES.flatMap((v, i) => [`--opt${i}`, v]);
  const text = shellWords(words);
  assert.deepEqual(splitShellWords(text, 'X'), words);
  assert.deepEqual(shWords(text), words);
});

test('what admins write by hand reads as in sh: quotes, escapes, blanks', () => {
  const inputs = [
    '--port 7001',
    '  --port   7001  ',
    "--greeting 'it'\\''s a fine day'",
    '--greeting "it\'s \\"quoted\\" \\$5 \\\\ \\n"',
    '--a b\\ c\\"d',
    "--empty '' --also \"\"",
    '--x=a"b c"\'d e\'',
    '--tab\tsplit',
    '--continued \\\nline',
    '--hash a#b',
  ];
  for (const text of inputs) assert.deepEqual(splitShellWords(text, 'X'), shWords(text), text);
});

test('what sh would expand or treat specially is an error (78) naming the character', () => {
  const bad: [string, RegExp][] = [
    ['--home $HOME', /unquoted '\$' at character 8/],
    ['--cmd `id`', /unquoted '`'/],
    ['--a "x $y"', /'\$' inside double quotes/],
    ['a; rm', /unquoted ';'/],
    ['--glob *.txt', /unquoted '\*'/],
    ['#comment', /unquoted '#'/],
    ['~/x', /unquoted '~'/],
    ['--a b\n--c d', /an unquoted newline at character 6/],
    ["--a 'open", /unterminated single quote at character 5/],
    ['--a "open', /unterminated double quote/],
    ['--a \\', /backslash at the end/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => splitShellWords(text, 'TACD_ARGS (--env-args)'),
      (e: unknown) => exitCodeOf(e) === 78 && re.test((e as Error).message) && /^TACD_ARGS \(--env-args\): /.test((e as Error).message) && !(e as Error).message.includes('\n'),
      text,
    );
  }
});

test('envArgs(): unset or blank is no words', () => {
  assert.deepEqual(envArgs({}, 'TACD_ARGS'), []);
  assert.deepEqual(envArgs({ TACD_ARGS: '  ' }, 'TACD_ARGS'), []);
  assert.deepEqual(envArgs({ TACD_ARGS: "--port 1 --g 'a b'" }, 'TACD_ARGS'), ['--port', '1', '--g', 'a b']);
});

test('--env-args is a runner option, on the fast path and through commander', () => {
  assert.equal(parseRunnerArgs(['-n', '--env-args', 'TACD_ARGS', 'echo'], '/').envArgs, 'TACD_ARGS');
  assert.equal(parseRunnerArgs(['--nodaemon', '--pidfile=', '--env-args=TACD_ARGS', 'echo'], '/').envArgs, 'TACD_ARGS');
  assert.equal(parseRunnerArgs(['-nl', '-', '--env-args=X1', 'echo'], '/').envArgs, 'X1');
  assert.equal(parseRunnerArgs(['echo'], '/').envArgs, null);
  assert.throws(() => parseRunnerArgs(['--env-args=1-bad', 'echo'], '/'), (e: unknown) => exitCodeOf(e) === 64 && /--env-args: expected an environment variable name/.test((e as Error).message));
});
