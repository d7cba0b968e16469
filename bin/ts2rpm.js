#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like bin/tacd.js; the packager itself is ESM (dist/src, built by `npm run build`).
import('../dist/src/cli/ts2rpm.js').then(
  (m) => m.main(process.argv.slice(2)),
  (e) => {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('ts2rpm.js')) {
      process.stderr.write('ts2rpm: dist/src/cli/ts2rpm.js is missing: run `npm run build` in ' + require('node:path').resolve(__dirname, '..') + '\n');
      process.exit(70);
    }
    throw e;
  },
);
