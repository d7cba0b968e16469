// The example apps: fixtures/echo/app.tac.ts (the README's example) and
// fixtures/multi/app.tac.ts type-check against the built 'tacd' types, bundle
// with esbuild (resolving 'tacd' by package self-reference, as the runner
// does), and run: the echo app echoes over TCP; the multi app echoes over
// TCP, answers on its UNIX socket and beats its timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FIXTURES_DIR, PROJECT_ROOT } from '../../../src/core/paths.js';
import { run } from '../../../src/core/exec.js';
import { freePort, roundTrip, tempDir } from './net-helpers.js';

interface TreeLike {
  privilegedStartService(): unknown;
  startService(): unknown;
  stopService(): unknown;
  getServiceNamed(name: string): TreeLike & { running: boolean };
  name: string | null;
}

const ECHO = path.join(FIXTURES_DIR, 'echo', 'app.tac.ts');
const MULTI = path.join(FIXTURES_DIR, 'multi', 'app.tac.ts');

/** Bundles a tac file the way a loader would and imports it. */
async function loadTac(file: string, outDir: string): Promise<{ application: TreeLike }> {
  const outfile = path.join(outDir, `${path.basename(path.dirname(file))}.mjs`);
  await build({ entryPoints: [file], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent' });
  return (await import(pathToFileURL(outfile).href)) as { application: TreeLike };
}

test('the fixtures type-check against the public tacd types (strict, as the project)', async () => {
  const { dir, cleanup } = tempDir('tacd-fx-');
  try {
    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        extends: path.join(PROJECT_ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: PROJECT_ROOT, typeRoots: [path.join(PROJECT_ROOT, 'node_modules', '@types')] },
        include: [],
        files: [ECHO, MULTI],
      }),
    );
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await run(process.execPath, [tsc, '-p', config], { allowFailure: true });
    assert.equal(r.exitCode, 0, `tsc reported:\n${r.stdout}${r.stderr}`);
  } finally {
    cleanup();
  }
});

test('fixtures/echo/app.tac.ts bundles with esbuild, exports an Application named echo, and echoes over TCP', async () => {
  const { dir, cleanup } = tempDir('tacd-fx-');
  const port = await freePort();
  const saved = process.env.ECHO_PORT;
  process.env.ECHO_PORT = String(port);
  try {
    const { application } = await loadTac(ECHO, dir);
    assert.equal(application.name, 'echo');
    await application.privilegedStartService();
    await application.startService();
    assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'hello from the README'), 'hello from the README');
    await application.stopService();
    assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'x').catch((e: NodeJS.ErrnoException) => e.code), 'ECONNREFUSED');
  } finally {
    if (saved === undefined) delete process.env.ECHO_PORT;
    else process.env.ECHO_PORT = saved;
    cleanup();
  }
});

function askLine(sock: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ path: sock });
    let got = '';
    s.on('connect', () => s.write(`${line}\r\n`));
    s.on('data', (d) => {
      got += d.toString();
      if (got.endsWith('\r\n')) {
        s.end();
        resolve(got.slice(0, -2));
      }
    });
    s.on('error', reject);
  });
}

test('fixtures/multi/app.tac.ts runs a TCP echo, a UNIX status socket and a heartbeat timer in one tree', async () => {
  const { dir, cleanup } = tempDir('tacd-fx-');
  const port = await freePort();
  const saved = { MULTI_PORT: process.env.MULTI_PORT, MULTI_RUNDIR: process.env.MULTI_RUNDIR, MULTI_TICK: process.env.MULTI_TICK };
  Object.assign(process.env, { MULTI_PORT: String(port), MULTI_RUNDIR: dir, MULTI_TICK: '0.05' });
  try {
    const { application } = await loadTac(MULTI, dir);
    assert.equal(application.name, 'multi');
    await application.privilegedStartService();
    await application.startService();
    const services = application.getServiceNamed('services');
    for (const name of ['echo', 'status', 'heartbeat']) assert.equal(services.getServiceNamed(name).running, true, name);
    assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'multi echo'), 'multi echo');
    const sock = path.join(dir, 'multi.sock');
    assert.equal(await askLine(sock, 'ping'), 'pong');
    let beats = 0;
    const end = Date.now() + 3000;
    while (beats < 2 && Date.now() < end) {
      beats = Number(await askLine(sock, 'beats'));
      if (beats < 2) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(beats >= 2, `the timer beat (${beats})`);
    await application.stopService();
    assert.equal(fs.existsSync(sock), false, 'the UNIX socket is removed on stop');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    cleanup();
  }
});
