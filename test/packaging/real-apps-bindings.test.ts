// A registry package whose addon is compiled at install time with node-gyp
// (install scripts run, against this node's headers) and loaded with
// `bindings`: unix-dgram (fixtures/apps/bindings-addon). Packaged with
// ts2deb and ts2rpm (the built .node shipped, node-gyp's intermediate files
// not) and installed in a real systemd, where a request round-trips a UNIX
// datagram through the addon. For arm64 it is refused, naming it: nothing
// in the registry holds another arch's build of a compiled addon.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hostDebianArch } from '../../src/bundle/native.js';
import { exitCodeOf } from '../../src/core/errors.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { buildApp, httpProbe, installOrSkip, refusedBuild, verifyInSystemd } from './real-app-helpers.js';

// node-gyp builds against the headers of the node running the tests (Debian's and NodeSource's nodejs ship them in /usr/include/node).
const NODEDIR = path.resolve(path.dirname(process.execPath), '..');

describe('bindings-addon: unix-dgram (bindings + nan), compiled by npm ci', () => {
  let app: string | { skip: string };
  before(() => {
    if (!existsSync(path.join(NODEDIR, 'include/node/node.h'))) {
      app = { skip: `no node headers in ${NODEDIR}/include/node: node-gyp would download them, and only the npm registry is reachable` };
      return;
    }
    app = installOrSkip('bindings-addon', { command: ['npm', 'ci', '--no-audit', '--no-fund'], env: { npm_config_nodedir: NODEDIR } });
  });
  for (const [family, adapter] of [['deb', debAdapter], ['rpm', rpmAdapter]] as const) {
    test(`ts2${family}: the compiled addon shipped (no intermediates); a datagram round-trips through it in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      const r = await buildApp(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader} ${a.file}`), ['unix-dgram bindings node_modules/unix-dgram/build/Release/unix_dgram.node']);
      assert.deepEqual(r.external, ['unix-dgram']);
      assert.equal(r.loadCheck.ran, true);
      await verifyInSystemd(t, r.file, family, httpProbe(8083, [['echo?msg=hello', 'dgram hello']]));
    });
  }

  test('--arch arm64: an addon compiled on install has no arm64 build anywhere (not in the registry either): 65, one line naming it, nothing written', async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    if (hostDebianArch() === 'arm64') return t.skip('the host is arm64');
    const e = await refusedBuild(app, ['--arch', 'arm64']);
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^unix-dgram@2\.0\.7 \(.*\): its bindings addon has no build for arm64 \(linux, glibc\): found only build\/Release\/unix_dgram\.node \(an amd64 build\); install it for that arch or build the package on an arm64 host$/);
  });
});
