// Bad inputs to ts2deb/ts2rpm: each is one line naming what is wrong, a
// sysexits status, and no file (not even a temp file) left in --output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exitCodeOf, describeError } from '../../src/core/errors.js';
import { run } from '../../src/core/exec.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { runPackageCli } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { tempDir, testIO } from '../packaging/helpers.js';

const TAC = `import { Application } from 'tacd';\nexport const application = new Application('x');\n`;

function project(pkg: object | null, tac = TAC): string {
  const dir = tempDir('tacd-bad-');
  if (pkg) writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  writeFileSync(path.join(dir, 'app.tac.ts'), tac);
  return dir;
}

const PKG = { name: 'demo', version: '1.0.0', description: 'Demo service', author: 'Ann Example <ann@example.org>', license: 'MIT' };

interface Case {
  readonly name: string;
  readonly status: number;
  readonly message: RegExp;
  readonly argv: (out: string) => string[];
  readonly cwd?: string;
}

function cases(): Case[] {
  const ok = project(PKG);
  const noVersion = project({ ...PKG, version: undefined });
  const broken = project(PKG, "import { Application } from 'tacd';\nexport const application = new Application('x'\n");
  const templates = tempDir('tacd-tpl-');
  mkdirSync(path.join(templates, 'systemd'));
  writeFileSync(path.join(templates, 'systemd', 'service.ejs'), '[Unit]\nDescription=<%- systemdValue(it.summary) %>\nX=<%- it.nope.deeper %>\n');
  const fake = path.join(templates, 'fake-node');
  // a 64-bit little-endian ELF executable for EM_MIPS (8): not a machine we package for
  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  elf.writeUInt16LE(2, 16);
  elf.writeUInt16LE(8, 18);
  writeFileSync(fake, elf);
  const sys = ['--runtime', 'system'];
  return [
    { name: 'missing tac file', status: 66, message: /tac file not found: .*nope\.tac\.ts/, argv: (o) => [path.join(ok, 'nope.tac.ts'), ...sys, '--output', o] },
    { name: 'broken tac file', status: 65, message: /app\.tac\.ts:3:\d+: /, argv: (o) => [path.join(broken, 'app.tac.ts'), ...sys, '--output', o] },
    { name: 'unknown plugin', status: 64, message: /unknown plugin 'ecco'; did you mean 'echo'/, argv: (o) => ['--plugin', 'ecco', ...sys, '--output', o], cwd: PROJECT_ROOT },
    { name: 'package.json without version', status: 65, message: /no version: .*package\.json has no "version"; give --set-version/, argv: (o) => [path.join(noVersion, 'app.tac.ts'), ...sys, '--output', o] },
    { name: 'invalid package name', status: 65, message: /--name: 'Bad_Name' is not a valid package name/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--name', 'Bad_Name', ...sys, '--output', o] },
    { name: 'maintainer without email', status: 65, message: /maintainer 'Ann Example': expected 'Name <email@example.org>'/, argv: (o) => [path.join(ok, 'app.tac.ts'), '-m', 'Ann Example', ...sys, '--output', o] },
    { name: 'non-ELF --node', status: 65, message: /--node .*package\.json: not an ELF executable/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--node', path.join(ok, 'package.json'), '--output', o] },
    { name: '--node that is a folder', status: 66, message: /^--node .*: not a regular file \(expected a node binary\)$/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--node', ok, '--output', o] },
    { name: 'foreign-arch --node', status: 65, message: /--node .*fake-node: unsupported ELF machine 8/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--node', fake, '--output', o] },
    { name: 'template that fails to render', status: 65, message: /systemd\/service\.ejs:3: template failed to render: .*deeper/, argv: (o) => [path.join(ok, 'app.tac.ts'), ...sys, '--templates', templates, '--output', o] },
    { name: 'output path that is a file', status: 73, message: /^--output .*fake-node: exists and is not a folder$/, argv: (o) => [path.join(ok, 'app.tac.ts'), ...sys, '--output', fake] },
    { name: 'output folder under a file', status: 73, message: /^--output .*fake-node\/sub: cannot create the folder: .*fake-node is not a folder$/, argv: (o) => [path.join(ok, 'app.tac.ts'), ...sys, '--output', path.join(fake, 'sub')] },
    { name: 'missing output folder, and the build fails: not created', status: 65, message: /app\.tac\.ts:3:\d+: /, argv: (o) => [path.join(broken, 'app.tac.ts'), ...sys, '--output', path.join(o, 'new', 'deeper')] },
    { name: 'output folder that cannot be written', status: 73, message: /--output \/proc\/1: folder is not writable/, argv: () => [path.join(ok, 'app.tac.ts'), ...sys, '--output', '/proc/1'] },
    { name: 'tac file and --plugin together', status: 64, message: /give either a tac file or --plugin NAME/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--plugin', 'echo', '--output', o] },
    { name: 'unknown option', status: 64, message: /unknown option '--frobnicate'/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--frobnicate', '--output', o] },
    { name: "misspelled option (commander's hint kept)", status: 64, message: /^unknown option '--compresion'; did you mean --compression\?$/, argv: (o) => [path.join(ok, 'app.tac.ts'), '--compresion', 'xz', '--output', o] },
  ];
}

for (const c of cases()) {
  for (const adapter of [debAdapter, rpmAdapter]) {
    test(`${adapter.prog}: ${c.name} -> ${c.status}, one line, nothing in --output`, async () => {
      const out = tempDir('tacd-out-');
      try {
        const io = testIO(c.cwd ? { cwd: c.cwd } : { cwd: out });
        const err = await runPackageCli(adapter, c.argv(out), io).then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        );
        assert.equal(exitCodeOf(err), c.status, describeError(err));
        const line = describeError(err);
        assert.match(line, c.message);
        assert.ok(!line.includes('\n'));
        assert.deepEqual(readdirSync(out), [], 'no file left in --output');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
}

test('SOURCE_DATE_EPOCH before 1976 (lintian package-contains-ancient-file), negative or not whole seconds: 65, one line, nothing written', async () => {
  const dir = project(PKG);
  for (const adapter of [debAdapter, rpmAdapter]) {
    for (const value of ['0', '189302399', '-1', '1.5', 'now']) {
      const out = tempDir('tacd-out-');
      try {
        const io = testIO({ cwd: out, env: { ...process.env, SOURCE_DATE_EPOCH: value } });
        const err = await runPackageCli(adapter, [path.join(dir, 'app.tac.ts'), '--runtime', 'system', '--output', out], io).then(
          () => assert.fail(`${adapter.prog} accepted SOURCE_DATE_EPOCH=${value}`),
          (e: unknown) => e,
        );
        assert.equal(exitCodeOf(err), 65, describeError(err));
        const line = describeError(err);
        assert.ok(line.startsWith(`SOURCE_DATE_EPOCH=${/^\d+$/.test(value) ? value : JSON.stringify(value)} `), line);
        assert.ok(line.endsWith('at least 189302400 (1976-01-01T00:00:00Z; lintian rejects older files as package-contains-ancient-file)'), line);
        assert.ok(!line.includes('\n'));
        assert.deepEqual(readdirSync(out), [], 'no file left in --output');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

test('bin/ts2deb.js prints one line and exits with the sysexits status', async () => {
  const out = tempDir('tacd-out-');
  try {
    const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), '--plugin', 'ecco', '--output', out], { cwd: PROJECT_ROOT, allowFailure: true });
    assert.equal(r.exitCode, 64);
    assert.equal(r.stderr, "ts2deb: unknown plugin 'ecco'; did you mean 'echo'? (tacd --help lists them)\n");
    assert.deepEqual(readdirSync(out), []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a missing --output folder is created with its parents (mkdir -p), as the README\'s CI example needs', async () => {
  const dir = project(PKG);
  const out = tempDir('tacd-out-');
  try {
    for (const adapter of [debAdapter, rpmAdapter]) {
      const target = path.join(out, adapter.prog, 'nested', 'out');
      const io = testIO({ cwd: dir });
      assert.equal(await runPackageCli(adapter, ['app.tac.ts', '--runtime', 'system', '--output', path.relative(dir, target)], io), 0, io.stderr.text());
      const files = readdirSync(target);
      assert.equal(files.length, 1, files.join(' '));
      assert.match(files[0]!, adapter.prog === 'ts2deb' ? /^demo_1\.0\.0-1_all\.deb$/ : /^demo-1\.0\.0-1\.noarch\.rpm$/);
      assert.equal(io.stdout.text(), `${path.join(target, files[0]!)}\n`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help lists the options and exits 0 without building', async () => {
  const io = testIO();
  assert.equal(await runPackageCli(debAdapter, ['--help'], io), 0);
  for (const o of ['--plugin', '--set-version', '--maintainer', '--runtime', '--node', '--compression', '--templates', '--socket-activation', '--json', '--binary', '--source', '--both', '--sign-key']) {
    assert.ok(io.stdout.text().includes(o), o);
  }
});

test('--json reports the file, its digest and the payload', async () => {
  const out = tempDir('tacd-out-');
  try {
    const io = testIO();
    assert.equal(await runPackageCli(rpmAdapter, ['--plugin', 'echo', '--runtime', 'system', '--json', '--output', out], io), 0);
    const report = JSON.parse(io.stdout.text()) as { file: string; format: string; arch: string; sha256: string; files: { path: string; config?: boolean }[] };
    assert.equal(report.file, path.join(out, 'echo-0.1.0-1.noarch.rpm'));
    assert.equal(report.format, 'rpm');
    assert.equal(report.arch, 'all');
    assert.match(report.sha256, /^[0-9a-f]{64}$/);
    assert.ok(report.files.some((f) => f.path === '/etc/sysconfig/echo' && f.config));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
