// The source package of a real ts2deb plan (the 'echo' plugin, system node:
// the same templates, bundle and layout `ts2deb --plugin echo --runtime system`
// writes), rebuilt with dpkg-buildpackage and compared with writeDeb's .deb:
// same files, control fields, maintainer scripts and conffiles; lintian clean.
// The changelog comes from the payload's changelog.Debian.gz.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleApp } from '../../../src/bundle/bundle.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { debFileName, writeDeb } from '../../../src/formats/deb/deb.js';
import type { PackagePlan } from '../../../src/formats/plan.js';
import { writeDebianSource } from '../../../src/formats/srcdeb/srcdeb.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { normalizeSpec } from '../../../src/plan/spec.js';
import { createRenderer } from '../../../src/render/render.js';
import { have, sh } from '../deb/fixture.js';
import { rebuildSkipReason } from './fixture.js';

const SKIP = rebuildSkipReason();
const MTIME = 1763769600;

function listing(deb: string): string[] {
  return sh('dpkg-deb', ['-c', deb])
    .trimEnd()
    .split('\n')
    .map((l) => {
      const [mode, owner, size, , , ...rest] = l.split(/\s+/);
      const name = rest.join(' ');
      return `${mode} ${owner} ${/changelog\.Debian\.gz$/.test(name) ? '-' : size} ${name}`;
    })
    .sort();
}

function controlDir(deb: string, dir: string): Map<string, Buffer> {
  sh('dpkg-deb', ['-e', deb, dir]);
  return new Map(readdirSync(dir).sort().map((n) => [n, readFileSync(path.join(dir, n))]));
}

describe("source package of a real ts2deb plan (plugin echo, system node)", { skip: SKIP }, () => {
  let dir: string;
  let plan: PackagePlan;
  let direct: string;
  let rebuilt: string;
  let dsc: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tacd-srcdeb-real-'));
    const spec = normalizeSpec({
      cli: { name: 'tacd-echo', version: '2.0.1', maintainer: 'Jane Doe <jane@example.org>', runtime: 'system', license: 'MIT' },
      source: { kind: 'plugin', plugin: 'echo', args: ['--port', '7001'] },
      cwd: dir,
      execPath: process.execPath,
    });
    const render = createRenderer();
    const readNode = (): never => {
      throw new Error('no node binary with --runtime system');
    };
    plan = (await buildPlan(spec, 'deb', { render, bundle: bundleApp, readNode, mtime: MTIME })).plan;
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const { files } = await writeDebianSource({ plan }, { compression: gzipCompressor() });
    for (const f of files) writeFileSync(path.join(src, f.name), f.bytes);
    dsc = files[files.length - 1]!.name;
    mkdirSync(path.join(dir, 'ts2deb'));
    direct = path.join(dir, 'ts2deb', debFileName(plan.meta));
    writeFileSync(direct, Buffer.concat(await writeDeb(plan, { compression: gzipCompressor() })));
    sh('dpkg-source', ['-x', dsc, 'tree'], { cwd: src });
    sh('dpkg-buildpackage', ['-us', '-uc', '-b'], { cwd: path.join(src, 'tree') });
    rebuilt = path.join(src, debFileName(plan.meta));
  });
  after(() => {
    if (dir && process.env['TACD_KEEP_TMP'] !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test("same files, modes and links as ts2deb's .deb", () => {
    assert.deepEqual(listing(rebuilt), listing(direct));
  });

  test('same control fields (Installed-Size: plus what dpkg-gencontrol counts in DEBIAN/)', () => {
    const f = (deb: string): string => sh('dpkg-deb', ['-f', deb]).replace(/^Installed-Size: .*\n/m, '');
    assert.equal(f(rebuilt), f(direct));
  });

  test('same maintainer scripts, conffiles and md5sums (except the changelog)', () => {
    const a = controlDir(direct, path.join(dir, 'ctl-a'));
    const b = controlDir(rebuilt, path.join(dir, 'ctl-b'));
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [n, bytes] of a) {
      if (n === 'control') continue;
      if (n === 'md5sums') {
        const strip = (x: Buffer): string => x.toString().split('\n').filter((l) => !l.endsWith('changelog.Debian.gz')).join('\n');
        assert.equal(strip(b.get(n)!), strip(bytes));
      } else assert.ok(b.get(n)!.equals(bytes), `${n} differs`);
    }
    assert.match(a.get('conffiles')!.toString(), /^\/etc\/default\/tacd-echo$/m);
  });

  test('lintian on the .dsc: no errors, no warnings', (t) => {
    if (!have('lintian')) return t.skip('lintian not installed (apt-get install lintian)');
    const r = spawnSync('lintian', ['--fail-on', 'error,warning', '--display-info', path.join(dir, 'src', dsc)], { encoding: 'utf8' });
    const tags = r.stdout.split('\n').filter((l) => /^[EWIP]: /.test(l));
    t.diagnostic(`lintian tags: ${tags.length === 0 ? 'none' : tags.join(' | ')}`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
