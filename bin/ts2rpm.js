#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json), like bin/tacd.js; the packager itself is ESM (dist/src, built by `npm run build`).
require('./common.js').runEsmCli('ts2rpm');
