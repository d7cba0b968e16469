// Real npm apps, installed at test time from the pinned lock file of their
// fixture (fixtures/apps/NAME, `npm ci` into a temp copy): packaged with
// ts2deb and ts2rpm (native addons shipped unbundled, run-time files in
// /usr/lib/NAME/app, the load check run), refused for an arch whose
// prebuilds are absent, and installed in a real systemd (nspawn, verifyPackage)
// where the service answers HTTP requests that use each addon and a static
// file, stops cleanly and is purged. Skips loudly when the registry is unreachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { exitCodeOf } from '../../src/core/errors.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { runPackageCli, type FormatAdapter } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { parseProbe } from '../../src/verify/probe.js';
import { verifyPackage } from '../../src/verify/verify.js';
import { skipUnlessSystemd } from '../helpers/systemd.js';
import { tempDir, testIO } from './helpers.js';

const dirs: string[] = [];
after(() => {
  if (process.env['TACD_KEEP_TMP'] !== '1') dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** Copies fixtures/apps/NAME to a temp folder and runs `npm ci` there; a string is why it could not. */
export function installFixture(name: string): string | { skip: string } {
  const dir = tempDir(`tacd-app-${name}-`);
  dirs.push(dir);
  cpSync(path.join(PROJECT_ROOT, 'fixtures/apps', name), dir, { recursive: true });
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (r.status === 0) return dir;
  const out = `${r.stdout}${r.stderr}`;
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i.test(out) || r.error) return { skip: `npm ci could not reach the registry: ${out.trim().split('\n').pop() ?? r.error?.message}` };
  assert.fail(`npm ci in ${dir} failed: ${out}`);
}

interface Report {
  readonly file: string;
  readonly size: number;
  readonly addons: readonly { package: string; loader: string; file: string }[];
  readonly runFiles: readonly string[];
  readonly loadCheck: { ran: boolean };
}

async function build(adapter: FormatAdapter, app: string, extra: string[] = []): Promise<Report> {
  const out = tempDir('tacd-app-out-');
  dirs.push(out);
  const io = testIO({ cwd: app });
  assert.equal(await runPackageCli(adapter, [path.join(app, 'app.tac.ts'), '--runtime', 'system', '--json', '--output', out, ...extra], io), 0, io.stderr.text());
  return JSON.parse(io.stdout.text()) as Report;
}

// Every request uses one thing the app needs on the target: each addon, a static file, a file read through __dirname.
const PROBE = parseProbe(
  'cmd:' +
    [
      ['hash', 'bcrypt ok'],
      ['mask', 'mask 60606060'],
      ['static/hello.txt', 'hello from public'],
      ['greet?name=Ann', 'Hello, Ann!'],
    ]
      .map(([p, want]) => `curl -fsS --max-time 5 'http://127.0.0.1:8080/${p}' | grep -qxF '${want}'`)
      .join(' && '),
);

describe('web-native: Express 5 + ws/bufferutil (node-gyp-build) + @node-rs/bcrypt (napi-rs) + run-time files', () => {
  let app: string | { skip: string };
  before(() => {
    app = installFixture('web-native');
    if (typeof app !== 'string') process.stderr.write(`\n*** SKIP real-app tests: ${app.skip}\n`);
  });

  for (const [family, adapter] of [['deb', debAdapter], ['rpm', rpmAdapter]] as const) {
    test(`ts2${family}: addons, run-time files and the load check in the report; installs, serves, stops and purges in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      const r = await build(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      process.stderr.write(`real-apps: ${path.basename(r.file)} is ${r.size} bytes\n`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader}`).sort(), ['@node-rs/bcrypt napi-rs', 'bufferutil node-gyp-build']);
      assert.deepEqual(r.runFiles, ['lib/views.cjs', 'public/hello.txt', 'views/greeting.txt']);
      assert.equal(r.loadCheck.ran, true);
      assert.ok(statSync(r.file).size < 2_000_000, `${r.file} is ${statSync(r.file).size} bytes`);
      if (await skipUnlessSystemd(t)) return;
      const v = await verifyPackage({ pkg: r.file, format: family, probe: PROBE, onProgress: (l) => t.diagnostic(l) });
      const failed = v.steps.filter((s) => !s.ok && !s.skipped).map((s) => `${s.name}: ${s.detail}`);
      assert.deepEqual(failed, [], v.journal);
      // install, active, probe (the HTTP requests), restart (a clean stop), then remove+purge (deb) or erase (rpm)
      assert.ok(v.steps.every((s) => s.ok && !s.skipped), v.steps.map((s) => `${s.name} ${s.ok}`).join(', '));
      const names = v.steps.map((s) => s.name);
      for (const n of ['install', 'active', 'probe', 'restart', ...(family === 'deb' ? ['remove', 'purge'] : ['erase'])]) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    });
  }

  test('--arch arm64, where no arm64 prebuild is installed: 65, one line naming the addon, its loader and the arch', async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    const out = tempDir('tacd-app-out-');
    dirs.push(out);
    const e = await runPackageCli(debAdapter, [path.join(app, 'app.tac.ts'), '--runtime', 'system', '--arch', 'arm64', '--output', out], testIO({ cwd: app })).then(
      () => assert.fail('expected a refusal'),
      (err: Error) => err,
    );
    assert.equal(exitCodeOf(e), 65);
    assert.match(e.message, /^(@node-rs\/bcrypt@1\.10\.7 .*napi-rs|bufferutil@4\.0\.9 .*node-gyp-build) addon has no build for arm64 \(linux, glibc\)/);
    assert.doesNotMatch(e.message, /\n/);
    assert.deepEqual(readdirSync(out), [], 'nothing written');
  });
});
