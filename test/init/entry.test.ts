// Which file an app runs: npm start's script, main, or a well-known name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findEntry, startScriptFile } from '../../src/init/entry.js';
import { tempDir } from '../packaging/helpers.js';

test('startScriptFile: the script after node, tsx, nodemon..., past flags and variables', () => {
  assert.equal(startScriptFile('node server.js'), 'server.js');
  assert.equal(startScriptFile('NODE_ENV=production node --enable-source-maps dist/index.mjs --port 3'), 'dist/index.mjs');
  assert.equal(startScriptFile('tsx src/app.ts'), 'src/app.ts');
  assert.equal(startScriptFile('nodemon index.js'), 'index.js');
  assert.equal(startScriptFile('next start'), undefined);
  assert.equal(startScriptFile('node'), undefined);
});

test('findEntry: start script first, then main, then index/server/app; a missing file is passed over', () => {
  const dir = tempDir('tacd-init-');
  try {
    assert.equal(findEntry(dir, {}), undefined);
    writeFileSync(path.join(dir, 'app.js'), '');
    assert.deepEqual(findEntry(dir, {}), { file: 'app.js', how: 'no start script or main: app.js exists' });
    mkdirSync(path.join(dir, 'lib'));
    writeFileSync(path.join(dir, 'lib', 'main.js'), '');
    assert.equal(findEntry(dir, { main: 'lib/main.js' })?.file, 'lib/main.js');
    assert.equal(findEntry(dir, { main: 'lib/gone.js' })?.file, 'app.js');
    writeFileSync(path.join(dir, 'server.mjs'), '');
    assert.deepEqual(findEntry(dir, { main: 'lib/main.js', scripts: { start: 'node server.mjs' } }), { file: 'server.mjs', how: 'npm start: node server.mjs' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
