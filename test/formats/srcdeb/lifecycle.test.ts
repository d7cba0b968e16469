// The .deb that dpkg-buildpackage rebuilds from our source package, under a
// real systemd (nspawn): install (user, enabled, active, port), upgrade v1 -> v2
// (conffile kept, restarted exactly once, never left stopped), remove
// (stopped, conffile kept), purge (nothing left). The same checks as
// test/packaging/lifecycle-deb.test.ts runs on ts2deb's own .deb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleApp } from '../../../src/bundle/bundle.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { debFileName } from '../../../src/formats/deb/deb.js';
import { writeDebianSource } from '../../../src/formats/srcdeb/srcdeb.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { normalizeSpec } from '../../../src/plan/spec.js';
import { createRenderer } from '../../../src/render/render.js';
import type { Container } from '../../../src/verify/container.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../../helpers/systemd.js';
import { cursor, prop, startsSince, waitPort } from '../../packaging/probe.js';
import { sh } from '../deb/fixture.js';
import { rebuildSkipReason } from './fixture.js';

const NAME = 'srcecho';
const PORT = 7011;

/** Source package for version `v` of the echo plugin, rebuilt with dpkg-buildpackage; returns the .deb path. */
async function rebuiltDeb(dir: string, v: string): Promise<string> {
  const spec = normalizeSpec({
    cli: { name: NAME, version: v, maintainer: 'Jane Doe <jane@example.org>', runtime: 'system', license: 'MIT' },
    source: { kind: 'plugin', plugin: 'echo', args: ['--port', String(PORT)] },
    cwd: dir,
    execPath: process.execPath,
  });
  const readNode = (): never => {
    throw new Error('no node binary with --runtime system');
  };
  const { plan } = await buildPlan(spec, 'deb', { render: createRenderer(), bundle: bundleApp, readNode, mtime: 1763769600 });
  const src = path.join(dir, v);
  mkdirSync(src);
  const { files } = await writeDebianSource({ plan }, { compression: gzipCompressor() });
  for (const f of files) writeFileSync(path.join(src, f.name), f.bytes);
  sh('dpkg-source', ['-x', files[files.length - 1]!.name, 'tree'], { cwd: src });
  sh('dpkg-buildpackage', ['-us', '-uc', '-b'], { cwd: path.join(src, 'tree') });
  return path.join(src, debFileName(plan.meta));
}

async function install(c: Container, deb: string): Promise<void> {
  const r = await c.installDeb(deb);
  assert.equal(r.exitCode, 0, `dpkg -i ${deb}: ${r.stdout}${r.stderr}`);
}

test('the rebuilt .deb under systemd: install, upgrade (one restart), remove, purge', { timeout: 300_000 }, async (t) => {
  const skip = rebuildSkipReason();
  if (skip !== undefined) return t.skip(skip);
  const dir = mkdtempSync(path.join(tmpdir(), 'tacd-srcdeb-life-'));
  try {
    const v1 = await rebuiltDeb(dir, '1.0.0');
    const v2 = await rebuiltDeb(dir, '2.0.0');
    const unit = `${NAME}.service`;
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS }, async (c) => {
      await install(c, v1);
      assert.equal((await c.exec(['getent', 'passwd', NAME])).exitCode, 0, 'service user exists');
      assert.equal((await c.exec(['systemctl', 'is-enabled', unit])).stdout.trim(), 'enabled');
      assert.equal(await c.waitForUnitState(unit, ['active'], 10_000), 'active');
      assert.equal(await waitPort(c, PORT), 'ping\n', `port ${PORT} echoes`);
      assert.equal(await prop(c, unit, 'User'), NAME);

      await c.sh(`echo '# edited by the admin' >> /etc/default/${NAME}`);
      const cur = await cursor(c);
      await install(c, v2);
      assert.match((await c.readFile(`/etc/default/${NAME}`)).toString(), /# edited by the admin/, 'conffile kept');
      assert.equal(await startsSince(c, cur, unit), 1, 'restarted exactly once on upgrade');
      assert.equal(await prop(c, unit, 'ActiveState'), 'active', 'never left stopped');
      assert.equal(await waitPort(c, PORT), 'ping\n');

      assert.equal((await c.exec(['dpkg', '-r', NAME])).exitCode, 0);
      assert.notEqual((await c.exec(['systemctl', 'is-active', unit])).stdout.trim(), 'active');
      assert.equal((await c.exec(['test', '-f', `/etc/default/${NAME}`])).exitCode, 0, 'conffile kept on remove');
      assert.equal((await c.exec(['dpkg', '-P', NAME])).exitCode, 0);
      const left = await c.sh(
        `ls -d /lib/systemd/system/${unit} /etc/systemd/system/*/${unit} /var/lib/systemd/deb-systemd-helper-enabled/*${NAME}* ` +
          `/etc/default/${NAME} /etc/init.d/${NAME} /etc/rc*.d/*${NAME} /var/lib/${NAME} /var/log/${NAME} /usr/lib/${NAME} 2>/dev/null || true`,
      );
      assert.equal(left.stdout.trim(), '', 'purge leaves nothing');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
