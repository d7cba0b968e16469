#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like bin/tacd.js; the packager itself is ESM.
import('../dist/src/cli/ts2rpm.js').then((m) => m.main(process.argv.slice(2)));
