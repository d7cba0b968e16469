// The runner bundle (dist/tacd.cjs, src/bundle/runner.ts): bin/tacd.js runs it,
// package.json exports it as 'tacd', and tac files share it with the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { RUNNER_BUNDLE } from '../../src/bundle/runner.js';
import { cleanEnv, RUNNER_FIXTURES, runTacd, tempDir } from '../runner/helpers.js';

const BUNDLE = path.join(PROJECT_ROOT, RUNNER_BUNDLE);

test('the bundle exports all of src/index.ts to ESM importers of "tacd" (package exports), and the same object to require()', async () => {
  const viaPackage = (await import('tacd')) as Record<string, unknown>;
  const tscEntry = (await import('../../src/index.js')) as Record<string, unknown>;
  const names = Object.keys(tscEntry).sort();
  // Node finds a CommonJS module's named exports by scanning its text; a missing one would be undefined here.
  for (const n of names) assert.equal(typeof viaPackage[n], typeof tscEntry[n], `export ${n}`);
  assert.deepEqual(
    Object.keys(viaPackage).filter((n) => !names.includes(n)).sort(),
    ['__tacdRunnerMain', 'default'],
    'only the CLI entry and the CommonJS default are extra',
  );
  const required = createRequire(import.meta.url)('tacd') as Record<string, unknown>;
  assert.equal(required, viaPackage['default']);
  assert.equal(required['Application'], viaPackage['Application']);
  assert.equal(createRequire(import.meta.url).resolve('tacd'), BUNDLE);
  // The bundle is not the tsc output: two copies, which is why tac files must get the bundle.
  assert.notEqual(viaPackage['Application'], tscEntry['Application']);
});

test('bin/tacd.js runs the bundle, and a .tac.mjs importing "tacd" shares its framework copy (one Application class, one log publisher)', async () => {
  const r = await runTacd(['-n', '--pidfile=', '-y', path.join(RUNNER_FIXTURES, 'one-copy.tac.mjs')]);
  // A graceful stop on SIGTERM ends with the signal re-raised, as twistd does.
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  assert.match(r.stdout, /\[one-copy#info\] one copy: true\n[^]*Server Shut Down\./);
});

test('a .tac.ts importing "tacd" is linked to the runner bundle; a deep import ("tacd/…") is refused naming it (65)', async (t) => {
  const dir = tempDir('tacd-one-copy-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tac = path.join(dir, 'app.tac.ts');
  fs.copyFileSync(path.join(RUNNER_FIXTURES, 'one-copy.tac.mjs'), tac);
  const r = await runTacd(['-n', '--pidfile=', '-y', tac]);
  // A graceful stop on SIGTERM ends with the signal re-raised, as twistd does.
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  assert.match(r.stdout, /\[one-copy#info\] one copy: true\n[^]*Server Shut Down\./);

  const deep = path.join(dir, 'deep.tac.ts');
  fs.writeFileSync(deep, "import { Service } from 'tacd/application/service.js';\nexport const application = new Service();\n");
  const d = await runTacd(['-n', '--pidfile=', '-y', deep]);
  assert.equal(d.code, 65, d.stderr);
  assert.match(d.stderr, /deep\.tac\.ts:1:\d+: 'tacd\/application\/service\.js': tacd exports only 'tacd'/);
});

test('without a build, each bin/ entry says to run `npm run build` (70), no stack trace', (t) => {
  const dir = tempDir('tacd-nobundle-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'bin'));
  for (const f of ['tacd.js', 'ts2deb.js', 'ts2rpm.js', 'common.js', 'package.json']) fs.copyFileSync(path.join(PROJECT_ROOT, 'bin', f), path.join(dir, 'bin', f));
  const missing: Record<string, string> = { tacd: 'dist/tacd.cjs', ts2deb: 'dist/src/cli/ts2deb.js', ts2rpm: 'dist/src/cli/ts2rpm.js' };
  for (const [cmd, file] of Object.entries(missing)) {
    const r = spawnSync(process.execPath, [path.join(dir, 'bin', `${cmd}.js`), '--help'], { encoding: 'utf8', env: cleanEnv() });
    assert.equal(r.status, 70, cmd);
    assert.equal(r.stderr, `${cmd}: ${file} is missing: run \`npm run build\` in ${dir}\n`);
  }
});
