// Reproducible by default: two builds of the same app (no SOURCE_DATE_EPOCH:
// the timestamp comes from the app's files, copied with their mtimes) with a
// different umask, TZ, LANG and build folder give byte-identical .deb, .rpm
// and source packages; diffoscope (Debian's) reports no difference for one
// pair. --runtime system keeps it small; the bundled node adds only a file
// whose bytes are the node binary's. No timing asserts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { haveProgram, run } from '../../src/core/exec.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { tempDir } from '../packaging/helpers.js';

const APP = path.join(PROJECT_ROOT, 'fixtures/echo/app.tac.ts');
const META = ['--name', 'echo', '--set-version', '1.0', '--maintainer', 'T <t@example.org>', '--description', 'echo', '--license', 'MIT', '--runtime', 'system', '--both'];

interface Env {
  readonly folder: string;
  readonly umask: string;
  readonly tz: string;
  readonly lang: string;
}

// Copies the app into `folder`/app (keeping its mtime) and builds there with ts2deb and ts2rpm; returns name -> bytes.
async function build(root: string, e: Env): Promise<Map<string, Buffer>> {
  const app = path.join(root, e.folder, 'app');
  mkdirSync(app, { recursive: true });
  copyFileSync(APP, path.join(app, 'app.tac.ts'));
  const m = statSync(APP).mtime;
  utimesSync(path.join(app, 'app.tac.ts'), m, m);
  const out = path.join(root, e.folder, 'out');
  mkdirSync(out);
  const env = { TZ: e.tz, LANG: e.lang, LC_ALL: '', SOURCE_DATE_EPOCH: '', TACD_NO_CACHE: '1' };
  for (const tool of ['ts2deb', 'ts2rpm']) {
    const script = `umask ${e.umask} && exec "$0" "$@"`;
    const r = await run('sh', ['-c', script, process.execPath, path.join(PROJECT_ROOT, 'bin', `${tool}.js`), 'app.tac.ts', ...META, '--output', out], { cwd: app, env, allowFailure: true, timeoutMs: 120_000 });
    assert.equal(r.exitCode, 0, `${tool} in ${e.folder}: ${r.stderr}`);
  }
  return new Map(readdirSync(out).sort().map((f) => [f, readFileSync(path.join(out, f))]));
}

const A: Env = { folder: 'a', umask: '022', tz: 'UTC', lang: 'C.UTF-8' };
const B: Env = { folder: 'b/deeper/still', umask: '077', tz: 'Asia/Tokyo', lang: 'fr_FR.UTF-8' };

function differing(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  assert.deepEqual([...a.keys()], [...b.keys()], 'the same files');
  return [...a.keys()].filter((f) => !a.get(f)!.equals(b.get(f)!));
}

test('the same folder, another umask, TZ and LANG: every output is byte-identical, and diffoscope agrees', { timeout: 300_000 }, async (t) => {
  const root = tempDir('tacd-repro-');
  try {
    const a = await build(root, A);
    rmSync(path.join(root, A.folder), { recursive: true, force: true });
    const b = await build(root, { ...B, folder: A.folder });
    assert.ok(a.size >= 6, `outputs: ${[...a.keys()].join(' ')}`);
    assert.deepEqual(differing(a, b), []);
    if (!(await haveProgram('diffoscope'))) return t.skip('diffoscope not installed (.ci/install-deps installs diffoscope-minimal): the cross-check did not run');
    const deb = [...a.keys()].find((f) => f.endsWith('.deb'))!;
    writeFileSync(path.join(root, 'first.deb'), a.get(deb)!);
    const r = await run('diffoscope', ['--no-progress', path.join(root, 'first.deb'), path.join(root, A.folder, 'out', deb)], { allowFailure: true, timeoutMs: 240_000 });
    assert.equal(r.exitCode, 0, `diffoscope found differences:\n${r.stdout.slice(0, 4000)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test(
  'another build folder as well: every output is byte-identical',
  { timeout: 300_000 },
  async () => {
    const root = tempDir('tacd-repro-');
    try {
      const a = await build(root, A);
      const b = await build(root, B);
      assert.deepEqual(differing(a, b), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
);

// Every tool twice in the app folder itself (--output's default '.'): the
// first build's packages sit beside app.tac.ts, newer than it, and must not
// become the next build's timestamp (outside git it is the newest input's mtime).
test('builds in the app folder itself (--output .): a rebuild is byte-identical to the first build', { timeout: 300_000 }, async () => {
  const root = tempDir('tacd-repro-inplace-');
  try {
    const app = path.join(root, 'app');
    mkdirSync(app);
    copyFileSync(APP, path.join(app, 'app.tac.ts'));
    const m = statSync(APP).mtime;
    utimesSync(path.join(app, 'app.tac.ts'), m, m);
    const env = { SOURCE_DATE_EPOCH: '', TACD_NO_CACHE: '1' };
    const round = async (): Promise<Map<string, Buffer>> => {
      for (const tool of ['ts2deb', 'ts2rpm']) {
        const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', `${tool}.js`), 'app.tac.ts', ...META], { cwd: app, env, allowFailure: true, timeoutMs: 120_000 });
        assert.equal(r.exitCode, 0, `${tool}: ${r.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
      return new Map(readdirSync(app).filter((f) => f !== 'app.tac.ts').sort().map((f) => [f, readFileSync(path.join(app, f))]));
    };
    const first = await round();
    assert.ok(first.size >= 6, `outputs: ${[...first.keys()].join(' ')}`);
    assert.deepEqual(differing(first, await round()), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
