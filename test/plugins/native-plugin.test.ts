// A plugin package with a native addon (fixtures/plugins/hasher: a
// TypeScript plugin using @node-rs/bcrypt, installed at test time from its
// pinned lock): packaged by ts2deb and ts2rpm --plugin with the addon
// shipped unbundled as for apps (the load check loads it), installed in a
// real systemd, where every connection is answered through the addon.
import { after, before, describe, test } from 'node:test';
import { rmSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { runPackageCli } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { parseProbe } from '../../src/verify/probe.js';
import { testIO } from '../packaging/helpers.js';
import { scratch, verifyInSystemd } from '../packaging/real-app-helpers.js';
import { installPluginFixture } from './fixture-plugins.js';

const PASSWORD = `it's "100%" $HOME`;
const ANSWER = `hasher: bcrypt ok for ${JSON.stringify(PASSWORD)}`;

describe('hasher: a TypeScript plugin with a napi-rs addon, packaged with --plugin', () => {
  let cwd: string | { skip: string };
  before(() => {
    cwd = installPluginFixture('hasher');
  });
  after(() => {
    if (typeof cwd === 'string') rmSync(path.dirname(cwd), { recursive: true, force: true });
  });
  for (const [family, adapter] of [['deb', debAdapter], ['rpm', rpmAdapter]] as const) {
    test(`ts2${family} --plugin hasher: the addon shipped and loaded at build time; the service answers through it in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof cwd !== 'string') return t.skip(cwd.skip);
      const io = testIO({ cwd });
      const out = scratch('tacd-hasher-');
      const status = await runPackageCli(adapter, ['--plugin', 'hasher', '--runtime', 'system', '--json', '--output', out, '--', '--port', '10105', '--password', PASSWORD], io);
      assert.equal(status, 0, io.stderr.text());
      const r = JSON.parse(io.stdout.text()) as { file: string; addons: { package: string; loader: string; file: string }[]; loadCheck: { ran: boolean } };
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader} ${a.file}`), ['@node-rs/bcrypt napi-rs node_modules/@node-rs/bcrypt-linux-x64-gnu/bcrypt.linux-x64-gnu.node']);
      assert.equal(r.loadCheck.ran, true);
      await verifyInSystemd(t, r.file, family, parseProbe(`cmd:test "$(timeout 5 bash -c 'cat </dev/tcp/127.0.0.1/10105')" = '${ANSWER.replace(/'/g, `'\\''`)}'`));
    });
  }
});
