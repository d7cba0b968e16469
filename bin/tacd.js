#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry would load Node's ESM loader,
// which costs the daemon ~15 ms of start-up. The runner is one bundle,
// dist/tacd.cjs, built by `npm run build` (src/bundle/runner.ts).
'use strict';
let tacd;
try {
  tacd = require('../dist/tacd.cjs');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('tacd.cjs')) require('./common.js').missingBuild('tacd', 'dist/tacd.cjs');
  throw e;
}
tacd.__tacdRunnerMain(process.argv.slice(2));
