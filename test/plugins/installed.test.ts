// The fixture plugin packages installed at test time (TypeScript ESM, CommonJS
// JavaScript, a dependency in node_modules): listed by tacd --help, run by
// tacd NAME (options on the command line and through TACD_ARGS), packaged by
// ts2deb and ts2rpm --plugin with the plugin's package.json metadata and the
// options stored so that they read back byte for byte; build-time errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { shellWords } from '../../src/render/escape.js';
import { splitShellWords } from '../../src/runner/env-args.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { cleanEnv, finished, runTacd, startTacd, waitFor } from '../runner/helpers.js';
import { buildPackage, tempDir, testIO } from '../packaging/helpers.js';
import { expectedAnswer, installFixturePlugins, pluginOptions, type FixturePlugin } from './fixture-plugins.js';

const { dir, plugins } = installFixturePlugins();
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

// Everything the plugin sends on one connection (it closes after answering), or null if nothing listens yet.
function answer(port: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(2000, () => s.destroy());
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => resolve(null));
    s.on('close', () => resolve(chunks.length ? Buffer.concat(chunks) : null));
  });
}

async function runAndAsk(p: FixturePlugin, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Buffer> {
  const child = startTacd(['-n', '--pidfile=', ...args], { cwd: p.cwd, env });
  const done = finished(child);
  try {
    return await waitFor(`${p.name} answers`, () => answer(p.port), 20_000);
  } finally {
    child.kill('SIGTERM');
    await done;
  }
}

for (const p of plugins) {
  test(`${p.name} (${p.kind}): listed by tacd --help with where it comes from`, async () => {
    const r = await runTacd(['--help'], { cwd: p.cwd, env: cleanEnv() });
    assert.equal(r.code, 0, r.stderr);
    const from = p.name === 'quotes' ? 'node_modules/tacd-plugin-quotes/package.json' : 'package.json';
    assert.match(r.stdout, new RegExp(`^  ${p.name} +\\S.* \\[${from.replace(/\//g, '\\/')}\\]$`, 'm'));
  });

  test(`${p.name} (${p.kind}): tacd NAME answers with the option values byte for byte, given in argv or in TACD_ARGS`, { timeout: 60_000 }, async () => {
    const want = expectedAnswer(p);
    assert.deepEqual(await runAndAsk(p, [p.name, ...pluginOptions(p)], cleanEnv()), want);
    const env = cleanEnv({ TACD_ARGS: shellWords(pluginOptions(p)) });
    assert.deepEqual(await runAndAsk(p, ['--env-args', 'TACD_ARGS', p.name], env), want);
  });
}

// The fields of a built package, read back with dpkg-deb / rpm.
function debFields(deb: string): Record<string, string> {
  const f = (k: string): string => execFileSync('dpkg-deb', ['-f', deb, k]).toString().trim();
  return { name: f('Package'), version: f('Version'), maintainer: f('Maintainer'), summary: f('Description').split('\n')[0]! };
}

function rpmFields(rpm: string): Record<string, string> {
  const q = (tag: string): string => execFileSync('rpm', ['-qp', '--qf', tag, rpm], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return { name: q('%{NAME}'), version: `${q('%{VERSION}')}-${q('%{RELEASE}')}`, maintainer: q('%{PACKAGER}'), summary: q('%{SUMMARY}'), license: q('%{LICENSE}') };
}

// One file of a .deb's payload.
function debFile(deb: string, file: string): string {
  return execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ".$2"`, 'sh', deb, file]).toString('utf8');
}

// TACD_ARGS as sh reads /etc/default/NAME, then split as tacd splits it.
function storedOptions(defaults: string): string[] {
  const file = path.join(tempDir(), 'default');
  try {
    fs.writeFileSync(file, defaults);
    return splitShellWords(execFileSync('sh', ['-c', '. "$1"; printf %s "$TACD_ARGS"', 'sh', file]).toString('utf8'), 'TACD_ARGS');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

for (const p of plugins) {
  test(`${p.name} (${p.kind}): ts2deb and ts2rpm --plugin package it with its package.json metadata and the options intact`, { timeout: 120_000 }, async (t) => {
    const out = tempDir();
    t.after(() => fs.rmSync(out, { recursive: true, force: true }));
    const argv = ['--plugin', p.name, '--runtime', 'system', '--output', out, '--', ...pluginOptions(p)];
    const deb = await buildPackage('ts2deb', argv, testIO({ cwd: p.cwd }));
    assert.deepEqual(debFields(deb), { name: p.pkg.name, version: `${p.pkg.version}-1`, maintainer: p.pkg.maintainer, summary: p.pkg.summary });
    assert.deepEqual(storedOptions(debFile(deb, `/etc/default/${p.pkg.name}`)), pluginOptions(p));
    const unit = debFile(deb, `/lib/systemd/system/${p.pkg.name}.service`);
    assert.match(unit, new RegExp(`^ExecStart=/usr/bin/node --enable-source-maps /usr/lib/${p.pkg.name}/launcher\\.cjs --nodaemon --pidfile= --env-args=TACD_ARGS ${p.name}$`, 'm'));
    assert.match(debFile(deb, `/usr/share/doc/${p.pkg.name}/copyright`), new RegExp(`License: ${p.pkg.license}`));
    analyzeUnit(t, out, `${p.pkg.name}.service`, unit);
    const rpm = await buildPackage('ts2rpm', argv, testIO({ cwd: p.cwd }));
    assert.deepEqual(rpmFields(rpm), { ...p.pkg, version: `${p.pkg.version}-1` });
  });
}

// systemd-analyze verify of the unit (its ExecStart is /usr/bin/node: --runtime system).
function analyzeUnit(t: { diagnostic(s: string): void }, dir: string, name: string, unit: string): void {
  if (!fs.existsSync('/usr/bin/node')) return t.diagnostic('systemd-analyze verify not run: the unit runs /usr/bin/node, which this host lacks');
  const file = path.join(dir, name);
  fs.writeFileSync(file, unit);
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  assert.equal(r.error, undefined, 'systemd-analyze (apt-get install systemd) is needed');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
}

// Runs the real bin/ts2deb.js or bin/ts2rpm.js; returns the status, stderr and what was left in the output folder.
async function failedBuild(prog: 'ts2deb' | 'ts2rpm', cwd: string, argv: readonly string[]): Promise<{ status: number | null; stderr: string; left: string[] }> {
  const out = tempDir();
  try {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', `${prog}.js`), ...argv.slice(0, 2), '--runtime', 'system', '--output', out, ...argv.slice(2)], { cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    const [status] = (await once(child, 'close')) as [number | null];
    return { status, stderr: Buffer.concat(chunks).toString('utf8'), left: fs.readdirSync(out) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

// A copy of a fixture plugin with package.json or module edited.
function brokenCopy(t: { after(fn: () => void): void }, from: string, edit: (dir: string) => void): string {
  const copy = tempDir();
  t.after(() => fs.rmSync(copy, { recursive: true, force: true }));
  fs.cpSync(from, copy, { recursive: true });
  edit(copy);
  return copy;
}

test('build-time errors: an unknown option (64), a missing module (66), no service maker (65), duplicate names (65); one line, no output', { timeout: 120_000 }, async (t) => {
  const [poetry, greeter] = [plugins[0]!, plugins[1]!];
  let r = await failedBuild('ts2deb', poetry.cwd, ['--plugin', 'fastpoetry', '--', '--port', '10102', '--greting', 'typo']);
  assert.deepEqual(r, { status: 64, stderr: "ts2deb: plugin option for 'fastpoetry': unknown option '--greting' for 'fastpoetry' (see fastpoetry --help)\n", left: [] });

  const missing = brokenCopy(t, poetry.cwd, (d) => fs.rmSync(path.join(d, 'plugin.ts')));
  r = await failedBuild('ts2rpm', missing, ['--plugin', 'fastpoetry']);
  assert.deepEqual(r, { status: 66, stderr: `ts2rpm: plugin 'fastpoetry': module not found: ${path.join(missing, 'plugin.ts')} (tacd.plugins.fastpoetry.module in ${path.join(missing, 'package.json')})\n`, left: [] });

  const noMaker = brokenCopy(t, greeter.cwd, (d) => fs.writeFileSync(path.join(d, 'lib', 'greeter.js'), "'use strict';\nmodule.exports = { hello: 1 };\n"));
  r = await failedBuild('ts2deb', noMaker, ['--plugin', 'greeter']);
  assert.equal(r.status, 65, r.stderr);
  assert.match(r.stderr, /^ts2deb: \S+greeter\.js: exports no service maker: [^\n]*\n$/);
  assert.deepEqual(r.left, []);

  const twice = brokenCopy(t, plugins[2]!.cwd, (d) => {
    const pj = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ ...pj, tacd: { plugins: { quotes: { module: './mine.mjs' } } } }));
  });
  r = await failedBuild('ts2rpm', twice, ['--plugin', 'quotes']);
  assert.deepEqual(r, {
    status: 65,
    stderr: `ts2rpm: plugin 'quotes' is declared twice: by ${path.join(twice, 'package.json')} and by ${path.join(twice, 'node_modules', 'tacd-plugin-quotes', 'package.json')} (rename one in its tacd.plugins)\n`,
    left: [],
  });
});
