// What init writes, and what it leaves alone without --force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exitCodeOf } from '../../src/core/errors.js';
import { detectApp } from '../../src/init/detect.js';
import { indentOf, writeInit } from '../../src/init/write.js';
import { createRenderer } from '../../src/render/render.js';
import { tempDir } from '../packaging/helpers.js';

const render = createRenderer();

function koaApp(tacd?: object): string {
  const dir = tempDir('tacd-init-');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', type: 'module', scripts: { start: 'node src/app.mjs' }, dependencies: { koa: '3' }, ...(tacd ? { tacd } : {}) }, null, '\t') + '\n');
  mkdirSync(path.join(dir, 'src'));
  return dir;
}

test('app.tac.ts imports the named export and serves it with HTTPServer on $PORT; package.json keeps its tabs', () => {
  const dir = koaApp();
  try {
    writeFileSync(path.join(dir, 'src', 'app.mjs'), "import Koa from 'koa';\nexport const app = new Koa();\n");
    const done = writeInit(detectApp(dir), render, false);
    assert.deepEqual(done, ['wrote app.tac.ts', 'set "tacd": {"env":{"PORT":"3000"}} in package.json']);
    const tac = readFileSync(path.join(dir, 'app.tac.ts'), 'utf8');
    assert.match(tac, /^import \{ app \} from "\.\/src\/app\.mjs";$/m);
    assert.match(tac, /^new HTTPServer\(`tcp:\$\{port\}`, app\)\.setServiceParent\(application\);$/m);
    assert.match(tac, /^export const application = new Application\("shop"\);$/m);
    const pj = readFileSync(path.join(dir, 'package.json'), 'utf8');
    assert.equal(indentOf(pj), '\t');
    assert.deepEqual(JSON.parse(pj).tacd, { env: { PORT: '3000' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --force an existing app.tac.ts refuses the run (73) and nothing changes; an existing "tacd" field is kept', () => {
  const dir = koaApp({ user: 'www-data' });
  try {
    writeFileSync(path.join(dir, 'src', 'app.mjs'), 'export default app;\n');
    const before = readFileSync(path.join(dir, 'package.json'), 'utf8');
    assert.deepEqual(writeInit(detectApp(dir), render, false), ['wrote app.tac.ts', 'kept the "tacd" field of package.json as it is']);
    assert.equal(readFileSync(path.join(dir, 'package.json'), 'utf8'), before);
    writeFileSync(path.join(dir, 'app.tac.ts'), '// mine\n');
    assert.throws(() => writeInit(detectApp(dir), render, false), (e: unknown) => exitCodeOf(e) === 73);
    assert.equal(readFileSync(path.join(dir, 'app.tac.ts'), 'utf8'), '// mine\n');
    writeInit(detectApp(dir), render, true);
    assert.match(readFileSync(path.join(dir, 'app.tac.ts'), 'utf8'), /^import app from "\.\/src\/app\.mjs";$/m);
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).tacd, { env: { PORT: '3000' } }, '--force replaces the field');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
