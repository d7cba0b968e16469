// Dependency trees other than a plain `npm ci`: an npm workspace (npm ci at
// the root, the app in packages/api, its dependencies hoisted to the root,
// a workspace package symlinked there with a native dependency of its own)
// and a pnpm install (pnpm pinned, run with npx; every package a symlink
// into node_modules/.pnpm). Each is packaged with ts2deb and ts2rpm and
// installed in a real systemd, where it serves its addons and a static file.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { buildApp, httpProbe, installOrSkip, scratch, verifyInSystemd } from './real-app-helpers.js';

const FAMILIES = [['deb', debAdapter], ['rpm', rpmAdapter]] as const;
/** The pnpm the test installs with (fixtures/apps/pnpm-app/pnpm-lock.yaml was written by it). */
const PNPM = 'pnpm@9.15.9';

describe('npm workspace: npm ci at the root, the app in packages/api', () => {
  let root: string | { skip: string };
  before(() => {
    root = installOrSkip('workspace');
  });
  for (const [family, adapter] of FAMILIES) {
    test(`ts2${family}: hoisted dependencies and the symlinked workspace package's addon shipped; serves in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof root !== 'string') return t.skip(root.skip);
      assert.ok(lstatSync(path.join(root, 'node_modules/@ws-demo/shared')).isSymbolicLink(), 'npm linked the workspace package');
      const r = await buildApp(adapter, path.join(root, 'packages/api'));
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader}`), ['bufferutil node-gyp-build']);
      assert.deepEqual(r.runFiles, ['public/hello.txt']);
      assert.equal(r.loadCheck.ran, true);
      await verifyInSystemd(t, r.file, family, httpProbe(8084, [['mask', 'mask 60606060'], ['hello.txt', 'hello from the workspace']]));
    });
  }
});

describe(`pnpm install (${PNPM}, from its lock)`, () => {
  let app: string | { skip: string };
  before(() => {
    const store = scratch('tacd-pnpm-store-');
    app = installOrSkip('pnpm-app', { command: ['npx', '--yes', PNPM, 'install', '--frozen-lockfile', '--ignore-scripts', '--store-dir', store] });
  });
  for (const [family, adapter] of FAMILIES) {
    test(`ts2${family}: packages behind node_modules/.pnpm symlinks, napi-rs and node-gyp-build addons; serves in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      assert.ok(lstatSync(path.join(app, 'node_modules/koa')).isSymbolicLink(), 'pnpm linked koa from its store');
      const r = await buildApp(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader} ${a.file}`).sort(), [
        '@node-rs/bcrypt napi-rs node_modules/@node-rs/bcrypt-linux-x64-gnu/bcrypt.linux-x64-gnu.node',
        'bufferutil node-gyp-build node_modules/bufferutil/prebuilds/linux-x64/bufferutil.node',
      ]);
      assert.equal(r.loadCheck.ran, true);
      await verifyInSystemd(t, r.file, family, httpProbe(8085, [['hash', 'bcrypt ok'], ['mask', 'mask 60606060'], ['hello.txt', 'hello from pnpm']]));
    });
  }
});
