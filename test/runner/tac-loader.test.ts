// -y FILE: TypeScript tacs bundled by esbuild, their package imports, the shared tacd instance, stack traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadApplication, importTac } from '../../src/runner/tac-loader.js';
import { Application } from '../../src/application/application.js';
import { DataError, NoInputError } from '../../src/core/errors.js';
import { finished, RUNNER_FIXTURES, startTacd, tempDir } from './helpers.js';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

test('a .tac.ts outside the tacd package: its own CJS and ESM dependencies load, `tacd` is this tacd (same Application class)', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  write(path.join(dir, 'node_modules/cjsdep/package.json'), '{"name":"cjsdep","main":"index.js"}');
  write(path.join(dir, 'node_modules/cjsdep/index.js'), 'module.exports = { word: "cjs" };');
  write(path.join(dir, 'node_modules/esmdep/package.json'), '{"name":"esmdep","type":"module","exports":{".":{"import":"./index.js"}}}');
  write(path.join(dir, 'node_modules/esmdep/index.js'), 'export const word = "esm";');
  write(path.join(dir, 'lib/name.ts'), 'export const name: string = "deps";\n');
  write(
    path.join(dir, 'app.tac.ts'),
    [
      "import cjs from 'cjsdep';",
      "import { word } from 'esmdep';",
      "import { Application } from 'tacd';",
      "import { name } from './lib/name.js';",
      'export const application = new Application(`${name}-${cjs.word}-${word}`);',
      '',
    ].join('\n'),
  );
  const app = await loadApplication(path.join(dir, 'app.tac.ts'));
  assert.ok(app instanceof Application, 'the tac and the runner share one tacd module instance');
  assert.equal(app.name, 'deps-cjs-esm');
});

test('errors: missing file (NoInputError 66), a throwing tac (DataError 65), an IService export is wrapped', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(loadApplication(path.join(dir, 'none.tac.ts')), (e: unknown) => e instanceof NoInputError && e.exitCode === 66);
  write(path.join(dir, 'throws.tac.ts'), "throw new RangeError('bad config');\nexport const application = 1;\n");
  await assert.rejects(loadApplication(path.join(dir, 'throws.tac.ts')), (e: unknown) => e instanceof DataError && /failed to load: RangeError: bad config/.test(e.message));
  write(path.join(dir, 'service.tac.ts'), "import { Service } from 'tacd';\nexport const application = new Service();\n");
  const app = await loadApplication(path.join(dir, 'service.tac.ts'));
  assert.equal(app.name, 'service');
  assert.equal(app.size, 1);
  const mod = await importTac(path.join(RUNNER_FIXTURES, 'no-export.tac.mjs'));
  assert.ok('app' in mod);
});

test('an application holding no handle keeps running until SIGTERM (like a reactor)', async () => {
  const child = startTacd(['-n', '--pidfile=', '-y', path.join(RUNNER_FIXTURES, 'idle.tac.mjs')]);
  const done = finished(child);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(child.exitCode, null, 'still running');
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM');
  assert.match(r.stdout, /Server Shut Down\./);
});
