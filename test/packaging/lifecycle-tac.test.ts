// Under a real systemd: the packaged fixtures/echo/app.tac.ts runs (the tac
// bundled into app.asar, handed to the runner), and a packaged app that
// fails at start makes `systemctl start` fail with the error in the journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DIST_SRC_DIR, PROJECT_ROOT } from '../../src/core/paths.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir } from './helpers.js';
import { waitPort } from './probe.js';

// The runner must use the bundled application when given neither -y nor a plugin.
function runnerTakesBundledApp(): boolean {
  return ['cli/tacd.js', 'runner/run.js'].some((f) => {
    try {
      return readFileSync(path.join(DIST_SRC_DIR, f), 'utf8').includes('getBundledApplication');
    } catch {
      return false;
    }
  });
}

test('the packaged tac app (fixtures/echo) runs under systemd and is purged cleanly', { timeout: 300_000 }, async (t) => {
  if (!runnerTakesBundledApp()) {
    const reason = 'the tacd runner does not consult getBundledApplication() yet (src/runner/bundled-app.ts)';
    process.stderr.write(`\n*** SKIP ${t.name}: ${reason}\n`);
    t.skip(reason);
    return;
  }
  const out = tempDir();
  try {
    const deb = await buildPackage('ts2deb', [path.join(PROJECT_ROOT, 'fixtures/echo/app.tac.ts'), '--runtime', 'system', '--output', out]);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      assert.equal((await c.installDeb(deb)).exitCode, 0);
      assert.equal(await c.waitForUnitState('echo.service', ['active'], 10_000), 'active');
      assert.equal(await waitPort(c, 8000), 'ping\n');
      // the app reads ECHO_PORT from the environment file
      await c.sh("echo 'ECHO_PORT=8002' >> /etc/default/echo");
      await c.exec(['systemctl', 'restart', 'echo.service'], { check: true });
      assert.equal(await waitPort(c, 8002), 'ping\n');
      assert.equal((await c.exec(['dpkg', '-P', 'echo'])).exitCode, 0);
      assert.equal((await c.sh('ls -d /lib/systemd/system/echo.service /etc/default/echo /var/lib/echo /usr/lib/echo 2>/dev/null || true')).stdout.trim(), '');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('an app that fails at start fails `systemctl start`, with the error in journalctl -u', { timeout: 300_000 }, async (t) => {
  const out = tempDir();
  try {
    // A tac app whose startService throws (a plugin with a bad option is refused at build time now).
    const app = tempDir('tacd-echobad-');
    copyFileSync(path.join(PROJECT_ROOT, 'test/fixtures/runner/fail-start.tac.ts.in'), path.join(app, 'app.tac.ts'));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'echobad', version: '1.0.0', author: 'Ann Example <ann@example.org>', license: 'MIT' }));
    let deb: string;
    try {
      deb = await buildPackage('ts2deb', [path.join(app, 'app.tac.ts'), '--runtime', 'system', '--output', out]);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      assert.equal((await c.installDeb(deb)).exitCode, 0, 'installing does not fail because the service does');
      const start = await c.exec(['systemctl', 'start', 'echobad.service']);
      assert.notEqual(start.exitCode, 0, 'systemctl start fails');
      assert.notEqual((await c.exec(['systemctl', 'is-active', 'echobad.service'])).stdout.trim(), 'active');
      const journal = await c.exec(['journalctl', '-u', 'echobad.service', '-o', 'cat', '--no-pager']);
      assert.match(journal.stdout, /boom: cannot start/, journal.stdout);
      assert.equal((await c.exec(['dpkg', '-P', 'echobad'])).exitCode, 0);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
