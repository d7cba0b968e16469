// Real npm apps, installed at test time from the pinned lock file of their
// fixture (fixtures/apps/NAME, `npm ci` into a temp copy): packaged with
// ts2deb and ts2rpm (native addons shipped unbundled, run-time files in
// /usr/lib/NAME/app, the load check run) and installed in a real systemd
// (nspawn, verifyPackage) where the service answers HTTP requests that use
// each addon and a static file, stops cleanly and is purged (shared steps:
// real-app-helpers.ts). For arm64 it is refused naming bufferutil, which has
// no linux-arm64 build anywhere (cross builds: real-apps-cross.test.ts).
// Skips loudly when the registry is unreachable.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { hostDebianArch } from '../../src/bundle/native.js';
import { exitCodeOf } from '../../src/core/errors.js';
import { buildApp, httpProbe, installOrSkip, refusedBuild, verifyInSystemd, websocketCheck } from './real-app-helpers.js';

// Every request uses one thing the app needs on the target: each addon, a static file, a file read through __dirname, a websocket echo.
const PROBE = httpProbe(8080, [
  ['hash', 'bcrypt ok'],
  ['mask', 'mask 60606060'],
  ['static/hello.txt', 'hello from public'],
  ['greet?name=Ann', 'Hello, Ann!'],
], [websocketCheck(8080, '/', 'hi', 'hi')]);

describe('web-native: Express 5 + ws/bufferutil (node-gyp-build) + @node-rs/bcrypt (napi-rs) + run-time files', () => {
  let app: string | { skip: string };
  before(() => {
    app = installOrSkip('web-native');
  });

  for (const [family, adapter] of [['deb', debAdapter], ['rpm', rpmAdapter]] as const) {
    test(`ts2${family}: addons, run-time files and the load check in the report; installs, serves, stops and purges in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      const r = await buildApp(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader}`).sort(), ['@node-rs/bcrypt napi-rs', 'bufferutil node-gyp-build']);
      assert.deepEqual(r.runFiles, ['lib/views.cjs', 'public/hello.txt', 'views/greeting.txt']);
      assert.equal(r.loadCheck.ran, true);
      assert.ok(statSync(r.file).size < 2_000_000, `${r.file} is ${statSync(r.file).size} bytes`);
      await verifyInSystemd(t, r.file, family, PROBE);
    });
  }

  test('--arch arm64: bcrypt\'s arm64 platform package is fetched, but bufferutil 4.0.9 ships no linux-arm64 prebuild (nor does the registry hold one): 65, one line naming it, nothing written', async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    if (hostDebianArch() === 'arm64') return t.skip('the host is arm64');
    const e = await refusedBuild(app, ['--arch', 'arm64']);
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^bufferutil@4\.0\.9 \(.*\): its node-gyp-build addon has no build for arm64 \(linux, glibc\): found only .*prebuilds\/linux-x64\/bufferutil\.node \(a build for linux-x64\)/);
    assert.doesNotMatch(e.message, /\n/);
  });
});
