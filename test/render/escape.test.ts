// The escapers every template uses: table-driven, one per target syntax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { debContinuation, envFileValue, js, oneLine, rpmSpecText, sh, shellWords, systemdArg, systemdEnvironment, systemdValue } from '../../src/render/escape.js';
import { exitCodeOf } from '../../src/core/errors.js';
import { run } from '../../src/core/exec.js';
import { ENV_VALUES } from '../helpers/env-values.js';

test('sh() quotes one POSIX shell word', () => {
  const cases: [string, string][] = [
    ['echo', 'echo'],
    ['/usr/lib/x/node', '/usr/lib/x/node'],
    ['--port=80', '--port=80'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
    ['`x`;rm -rf /', "'`x`;rm -rf /'"],
    ['R&D', "'R&D'"],
  ];
  for (const [input, want] of cases) assert.equal(sh(input), want, JSON.stringify(input));
});

test('sh() output survives a real shell unchanged', async () => {
  const { run } = await import('../../src/core/exec.js');
  for (const s of ["it's", 'a  b', '$(id)', '"q"', '\\n', '*', '']) {
    const r = await run('sh', ['-c', `printf '%s' ${sh(s)}`]);
    assert.equal(r.stdout, s);
  }
});

test('systemdValue() doubles % and refuses newlines and a trailing backslash', () => {
  assert.equal(systemdValue('R&D 100% <fun>'), 'R&D 100%% <fun>');
  assert.throws(() => systemdValue('a\nb'), (e: unknown) => exitCodeOf(e) === 65);
  assert.throws(() => systemdValue('a\\'), /backslash/);
});

test('systemdArg() quotes a command-line word for systemd', () => {
  const cases: [string, string][] = [
    ['/usr/bin/node', '/usr/bin/node'],
    ['--pidfile=', '--pidfile='],
    ['TACD_ARGS=--port 7001', '"TACD_ARGS=--port 7001"'],
    ['a"b', '"a\\"b"'],
    ['50%', '"50%%"'],
    ['$X', '"$$X"'],
    ['back\\slash', '"back\\\\slash"'],
  ];
  for (const [input, want] of cases) assert.equal(systemdArg(input), want, JSON.stringify(input));
  assert.throws(() => systemdArg('a\tb'), /control character/);
});

test('systemdEnvironment() quotes an Environment= assignment: %% for %, $ kept (no expansion there)', () => {
  const cases: [string, string][] = [
    ['TACD_ARGS=', 'TACD_ARGS='],
    ['TACD_ARGS=--port 7001', '"TACD_ARGS=--port 7001"'],
    [`A=it's "x" $HOME 100% \\ ü`, `"A=it's \\"x\\" $HOME 100%% \\\\ ü"`],
  ];
  for (const [input, want] of cases) assert.equal(systemdEnvironment(input), want, JSON.stringify(input));
  assert.throws(() => systemdEnvironment('A=a\nb'), /control character/);
});

test('shellWords() quotes each word so that sh reads the same words back', async () => {
  const words = ['--greeting', `it's a "fine" day, isn't it`, '$HOME', '`x`', '100%', 'back\\slash', 'ünï ☃', '', '*', '-'];
  const out = execFileSync('sh', ['-c', `for w in ${shellWords(words)}; do printf '%s\\0' "$w"; done`]);
  assert.deepEqual(out.toString('utf8').split('\0').slice(0, -1), words);
});

test('envFileValue() double-quotes a whole value, as sh and systemd EnvironmentFile= both read it', () => {
  assert.equal(envFileValue(`--a 'it'\\''s' "q" $X \`id\` \\ ü`), `"--a 'it'\\\\''s' \\"q\\" \\$X \\\`id\\\` \\\\ ü"`);
  const value = shellWords(['--greeting', `it's "so" $HOME \`id\` \\ 100% ü`]);
  const out = execFileSync('sh', ['-c', `X=${envFileValue(value)}; printf %s "$X"`]);
  assert.equal(out.toString('utf8'), value);
  assert.throws(() => shellWords(['a\nb']), /control character/);
});

test('rpmSpecText() escapes macros; debContinuation() indents and dots blank lines', () => {
  assert.equal(rpmSpecText('%{name} 100%'), '%%{name} 100%%');
  assert.equal(debContinuation('a\n\nb'), ' a\n .\n b');
  assert.equal(oneLine('x y'), 'x y');
  assert.throws(() => oneLine('x\ny'));
  assert.equal(js('</script>\u2028'), '"<\\/script>\\u2028"');
});

test('envFileValue() double-quotes with \\ " $ ` escaped, and sh reads every value back exactly', async () => {
  assert.equal(envFileValue('a"b\\c$d`e'), '"a\\"b\\\\c\\$d\\`e"');
  assert.equal(envFileValue('two\nlines'), '"two\nlines"');
  const file = ENV_VALUES.map((v, i) => `V${i}=${envFileValue(v)}\n`).join('');
  const script = `${file}for i in ${ENV_VALUES.map((_, i) => i).join(' ')}; do eval "printf '%s\\0' \\"\\$V$i\\""; done`;
  const r = await run('sh', ['-c', script]);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), ENV_VALUES);
});

test('envFileValue() refuses a NUL', () => {
  assert.throws(() => envFileValue('a\u0000b'), (e: unknown) => exitCodeOf(e) === 65);
});
