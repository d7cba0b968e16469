// An addon linked against a shared library shipped in a sibling package
// (fixtures/apps/sibling-lib, compiled here with gcc: @sib/addon's
// build/Release/sib.node needs libsib.so.1, found through its $ORIGIN
// rpath in @sib/lib-linux-x64/lib). The .rpm must not require the soname
// it ships (nothing on the system provides it) nor provide it (the library
// is private to the app): read back with rpm -qp --requires/--provides,
// then installed in a real systemd, .rpm and .deb, where the addon answers.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { buildApp, httpProbe, scratch, verifyInSystemd } from './real-app-helpers.js';

const NODE_INCLUDE = path.resolve(path.dirname(process.execPath), '..', 'include', 'node');

function sh(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}${r.error?.message ?? ''}`);
  return r.stdout;
}

/** The fixture copied to a temp folder with its two packages compiled into node_modules; a string says why not. */
function buildFixture(): string | { skip: string } {
  if (spawnSync('gcc', ['--version']).status !== 0) return { skip: 'gcc is missing (apt-get install build-essential)' };
  const app = scratch('tacd-app-sibling-');
  cpSync(path.join(PROJECT_ROOT, 'fixtures/apps/sibling-lib'), app, { recursive: true });
  const lib = path.join(app, 'node_modules/@sib/lib-linux-x64');
  const addon = path.join(app, 'node_modules/@sib/addon');
  mkdirSync(path.join(lib, 'lib'), { recursive: true });
  mkdirSync(path.join(addon, 'build/Release'), { recursive: true });
  writeFileSync(path.join(lib, 'package.json'), JSON.stringify({ name: '@sib/lib-linux-x64', version: '1.0.0' }));
  writeFileSync(path.join(addon, 'package.json'), JSON.stringify({ name: '@sib/addon', version: '1.0.0', main: 'index.js', dependencies: { '@sib/lib-linux-x64': '1.0.0' } }));
  writeFileSync(path.join(addon, 'index.js'), "module.exports = require('./build/Release/sib.node');\n");
  sh('gcc', ['-shared', '-fPIC', '-Wl,-soname,libsib.so.1', '-o', path.join(lib, 'lib/libsib.so.1'), path.join(app, 'native/sib.c')]);
  sh('gcc', ['-shared', '-fPIC', `-I${NODE_INCLUDE}`, '-o', path.join(addon, 'build/Release/sib.node'), path.join(app, 'native/addon.c'), path.join(lib, 'lib/libsib.so.1'), '-Wl,-rpath,$ORIGIN/../../../lib-linux-x64/lib']);
  assert.match(sh('readelf', ['-d', path.join(addon, 'build/Release/sib.node')]), /\(NEEDED\)\s+Shared library: \[libsib\.so\.1\]/);
  return app;
}

describe('sibling-lib: an addon needing a shared library shipped in a sibling package', () => {
  let app: string | { skip: string };
  before(() => {
    app = buildFixture();
  });

  test('ts2rpm: libc required (the shipped library links it), libsib.so.1 neither required nor provided; installs and answers in systemd', { timeout: 600_000 }, async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    const r = await buildApp(rpmAdapter, app);
    t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
    assert.deepEqual(r.addons.map((a) => a.file), ['node_modules/@sib/addon/build/Release/sib.node']);
    const requires = sh('rpm', ['-qp', '--requires', r.file]).split('\n');
    const provides = sh('rpm', ['-qp', '--provides', r.file]).split('\n');
    assert.ok(requires.some((l) => /^libc\.so\.6\(GLIBC_[\d.]+\)\(64bit\)$/.test(l)), `the library's libc need: ${requires.join(', ')}`);
    assert.deepEqual(requires.filter((l) => l.includes('libsib')), [], 'no Requires on the soname it ships');
    assert.deepEqual(provides.filter((l) => l.includes('libsib')), [], 'no Provides for a private library');
    const files = sh('rpm', ['-qpl', r.file]);
    assert.match(files, /^\/usr\/lib\/sibling-lib\/node_modules\/@sib\/lib-linux-x64\/lib\/libsib\.so\.1$/m);
    await verifyInSystemd(t, r.file, 'rpm', httpProbe(8086, [['value', 'sib 42']]));
  });

  test('ts2deb: the library keeps its place beside the addon; installs and answers in systemd', { timeout: 600_000 }, async (t) => {
    if (typeof app !== 'string') return t.skip(app.skip);
    const r = await buildApp(debAdapter, app);
    t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
    assert.match(sh('dpkg-deb', ['-c', r.file]), /\.\/usr\/lib\/sibling-lib\/node_modules\/@sib\/lib-linux-x64\/lib\/libsib\.so\.1\n/);
    await verifyInSystemd(t, r.file, 'deb', httpProbe(8086, [['value', 'sib 42']]));
  });
});
