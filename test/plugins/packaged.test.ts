// The fixture plugins (TypeScript ESM, CommonJS, a dependency in node_modules)
// packaged by ts2deb and ts2rpm --plugin, installed in a real systemd
// (nspawn, verifyPackage): the service answers with the option values that
// went through TACD_ARGS (unit Environment=, /etc/default or /etc/sysconfig,
// tacd --env-args), compared byte for byte by a SHA-256 of its answer, across
// start, reload and restart; then removed and purged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parseProbe } from '../../src/verify/probe.js';
import { verifyPackage } from '../../src/verify/verify.js';
import { skipUnlessSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir, testIO } from '../packaging/helpers.js';
import { expectedAnswer, installFixturePlugins, pluginOptions, type FixturePlugin } from './fixture-plugins.js';

const { dir, plugins } = installFixturePlugins();
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

// The probe: the SHA-256 of everything the service sends on one connection equals that of the expected answer.
function probeFor(p: FixturePlugin): ReturnType<typeof parseProbe> {
  const hash = createHash('sha256').update(expectedAnswer(p)).digest('hex');
  return parseProbe(`cmd:test "$(timeout 5 bash -c 'cat </dev/tcp/127.0.0.1/${p.port}' | sha256sum | cut -c1-64)" = ${hash}`);
}

for (const p of plugins) {
  for (const family of ['deb', 'rpm'] as const) {
    test(`ts2${family} --plugin ${p.name} (${p.kind}): installs in systemd and answers with every option value byte for byte`, { timeout: 600_000 }, async (t) => {
      if (await skipUnlessSystemd(t)) return;
      const out = tempDir();
      t.after(() => fs.rmSync(out, { recursive: true, force: true }));
      const pkg = await buildPackage(family === 'deb' ? 'ts2deb' : 'ts2rpm', ['--plugin', p.name, '--runtime', 'system', '--output', out, '--', ...pluginOptions(p)], testIO({ cwd: p.cwd }));
      const v = await verifyPackage({ pkg, format: family, probe: probeFor(p), onProgress: (l) => t.diagnostic(l) });
      const failed = v.steps.filter((s) => !s.ok && !s.skipped).map((s) => `${s.name}: ${s.detail}`);
      assert.deepEqual(failed, [], v.journal);
      const names = v.steps.map((s) => s.name);
      for (const n of ['install', 'active', 'probe', 'reload', 'restart']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
      assert.ok(v.steps.every((s) => s.ok && !s.skipped), v.steps.map((s) => `${s.name} ${s.ok}`).join(', '));
    });
  }
}
