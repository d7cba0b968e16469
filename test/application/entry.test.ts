// The package entry (import 'tacd'): it exports Twisted's loadApplication,
// and importing it does not load esbuild (the tac loader imports esbuild only
// when a .tac.ts file is loaded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_SRC_DIR, FIXTURES_DIR } from '../../src/core/paths.js';
import { run } from '../../src/core/exec.js';

const ENTRY = pathToFileURL(path.join(DIST_SRC_DIR, 'index.js')).href;

test("import 'tacd' exports loadApplication and loads no esbuild until a .tac.ts is loaded", async () => {
  // A fresh process, so that no other test has loaded esbuild already.
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const esbuildLoaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/esbuild/'));
    const tacd = await import(${JSON.stringify(ENTRY)});
    const before = esbuildLoaded();
    const app = await tacd.loadApplication(${JSON.stringify(path.join(FIXTURES_DIR, 'echo', 'app.tac.ts'))});
    console.log(JSON.stringify({ type: typeof tacd.loadApplication, before, after: esbuildLoaded(), isApp: app instanceof tacd.Application }));
  `;
  const r = await run(process.execPath, ['--input-type=module', '-e', script]);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)!), { type: 'function', before: false, after: true, isApp: true });
});
