// Zero-downtime restarts: fixtures/greeter packaged with --socket-activation
// (systemd owns the listening socket in greeter.socket; the app's HTTPServer
// listens on systemd:domain=INET:index=0, set with --env LISTEN=...) serves a
// steady loopback load inside the container through `systemctl restart` and
// an upgrade (dpkg -i v2, rpm -U) without one failed or reset request: while no
// process accepts, connections wait in the socket's backlog.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import type { Container } from '../../src/verify/container.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir } from './helpers.js';
import { httpWait } from './http-probe.js';
import { prop } from './probe.js';
import { rpmIn } from './rpm-in.js';

const URL = 'http://127.0.0.1:8086';
const STOP = '/run/load.stop';

// A bounded load: WORKERS loops of GET / over fresh connections until STOP
// exists (or 60 s), each with a 15 s timeout; prints the counts as JSON.
const LOAD = `
const http = require('node:http');
const fs = require('node:fs');
const [url, stop, workers, keepAlive] = process.argv.slice(1);
const agent = keepAlive === 'yes' ? new http.Agent({ keepAlive: true, maxSockets: Number(workers) }) : false;
const res = { sent: 0, ok: 0, failed: 0, errors: {}, maxMs: 0 };
const deadline = Date.now() + 60000;
function one() {
  return new Promise((resolve) => {
    const t0 = Date.now();
    res.sent++;
    const fail = (why) => { res.failed++; res.errors[why] = (res.errors[why] || 0) + 1; resolve(); };
    const req = http.get(url, { agent, timeout: 15000 }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () => {
        res.maxMs = Math.max(res.maxMs, Date.now() - t0);
        if (r.statusCode === 200 && body.length > 0) res.ok++; else fail('status ' + r.statusCode);
        resolve();
      });
      r.on('error', (e) => fail(e.code || e.message));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => fail(e.code || e.message));
  });
}
async function worker() {
  while (!fs.existsSync(stop) && Date.now() < deadline) { await one(); await new Promise((r) => setTimeout(r, 5)); }
}
Promise.all(Array.from({ length: Number(workers) }, worker)).then(() => console.log(JSON.stringify(res)));
`;

interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  maxMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the load while `during` runs, then stops it and returns its counts. */
async function underLoad(c: Container, keepAlive: boolean, during: () => Promise<void>): Promise<LoadResult> {
  await c.exec(['rm', '-f', STOP]);
  const load = c.exec(['node', '-e', LOAD, `${URL}/`, STOP, '4', keepAlive ? 'yes' : 'no'], { timeoutMs: 90_000 });
  try {
    await sleep(1500);
    await during();
    await sleep(1500);
  } finally {
    await c.exec(['touch', STOP]);
  }
  const r = await load;
  assert.equal(r.exitCode, 0, r.stderr);
  return JSON.parse(r.stdout) as LoadResult;
}

async function restartedService(c: Container, action: () => Promise<void>): Promise<void> {
  const before = await prop(c, 'greeter.service', 'MainPID');
  await action();
  assert.equal(await c.waitForUnitState('greeter.service', ['active'], 15_000), 'active');
  assert.notEqual(await prop(c, 'greeter.service', 'MainPID'), before, 'a new process serves');
}

/** Reports every result (test diagnostics), then asserts a steady load and no failure in each. */
function noneLost(t: TestContext, results: Record<string, LoadResult>): void {
  for (const [what, r] of Object.entries(results)) t.diagnostic(`${what}: ${r.sent} requests sent, ${r.ok} ok, ${r.failed} failed ${JSON.stringify(r.errors)}, slowest ${r.maxMs} ms`);
  for (const [what, r] of Object.entries(results)) {
    assert.ok(r.sent > 100, `${what}: a steady load (${r.sent} requests)`);
    assert.deepEqual({ failed: r.failed, errors: r.errors }, { failed: 0, errors: {} }, what);
    assert.equal(r.ok, r.sent, what);
  }
}

function build(prog: 'ts2deb' | 'ts2rpm', out: string, v: string, app = 'fixtures/greeter/app.tac.ts'): Promise<string> {
  return buildPackage(prog, [app, '--runtime', 'system', '--socket-activation', '--env', 'LISTEN=systemd:domain=INET:index=0', '--set-version', v, '--output', out]);
}

/** A copy of fixtures/greeter in `dir` whose socket listens on `port` instead of 8086; returns its tac file. */
function greeterOnPort(dir: string, port: number): string {
  cpSync(path.join(PROJECT_ROOT, 'fixtures/greeter'), dir, { recursive: true });
  const pj = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { tacd: { ports: number[]; env: Record<string, string> } };
  pj.tacd.ports = [port];
  pj.tacd.env['PORT'] = String(port);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pj));
  return path.join(dir, 'app.tac.ts');
}

test('deb --socket-activation: systemctl restart and an upgrade under a steady load lose no request', { timeout: 400_000 }, async (t) => {
  const out = tempDir();
  try {
    const [v1, v2, v3] = [await build('ts2deb', out, '1.0.0'), await build('ts2deb', out, '2.0.0'), await build('ts2deb', out, '3.0.0')];
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      assert.equal((await c.installDeb(v1)).exitCode, 0);
      assert.equal((await httpWait(c, `${URL}/`)).status, 200);
      assert.match((await c.readFile('/lib/systemd/system/greeter.socket')).toString(), /^ListenStream=0\.0\.0\.0:8086$/m);
      assert.match(await c.journal('greeter.service', 50), /HTTPServer listening on tcp 0\.0\.0\.0:8086/);
      const pid = await prop(c, 'greeter.service', 'MainPID');
      const environ = (await c.readFile(`/proc/${pid}/environ`)).toString().split('\0');
      assert.ok(environ.includes('LISTEN=systemd:domain=INET:index=0') && environ.includes('LISTEN_FDS=1'), 'the app listens on the descriptor systemd passes');
      const listener = (await c.exec(['ss', '-Hltnp', 'sport = :8086'], { check: true })).stdout;
      assert.match(listener, /"systemd",pid=1,.*"node",pid=\d+|"node",pid=\d+.*"systemd",pid=1,/, `one socket, held by systemd and the app: ${listener}`);
      const results: Record<string, LoadResult> = {};
      results['restart'] = await underLoad(c, false, () => restartedService(c, async () => void (await c.exec(['systemctl', 'restart', 'greeter.service'], { check: true }))));
      results['upgrade'] = await underLoad(c, false, () => restartedService(c, async () => assert.equal((await c.installDeb(v2)).exitCode, 0)));
      results['upgrade, keep-alive clients'] = await underLoad(c, true, () => restartedService(c, async () => assert.equal((await c.installDeb(v3)).exitCode, 0)));
      noneLost(t, results);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('rpm --socket-activation: rpm -U under a steady load loses no request (%postun restarts the service, not the socket)', { timeout: 400_000 }, async (t) => {
  const out = tempDir();
  try {
    const [v1, v2] = [await build('ts2rpm', out, '1.0.0'), await build('ts2rpm', out, '2.0.0')];
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      await rpmIn(c, ['-i'], v1);
      assert.equal(await c.waitForUnitState('greeter.socket', ['active'], 15_000), 'active');
      assert.equal((await httpWait(c, `${URL}/`)).status, 200);
      const results = { 'rpm -U': await underLoad(c, false, () => restartedService(c, () => rpmIn(c, ['-U'], v2))) };
      assert.equal((await c.exec(['rpm', '-q', 'greeter'])).stdout.trim(), 'greeter-2.0.0-1.noarch');
      noneLost(t, results);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('an upgrade whose .socket listens on another port moves the socket there (deb and rpm): daemon-reload alone leaves it listening nowhere', { timeout: 400_000 }, async (t) => {
  const out = tempDir();
  try {
    const moved = greeterOnPort(path.join(out, 'app'), 8087);
    const deb = [await build('ts2deb', out, '1.0.0'), await build('ts2deb', out, '2.0.0', moved)] as const;
    const rpm = [await build('ts2rpm', out, '1.0.0'), await build('ts2rpm', out, '2.0.0', moved)] as const;
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      const listening = async (): Promise<string> => (await c.exec(['ss', '-Hltn'], { check: true })).stdout;
      assert.equal((await c.installDeb(deb[0])).exitCode, 0);
      assert.equal((await httpWait(c, `${URL}/`)).status, 200);
      assert.equal((await c.installDeb(deb[1])).exitCode, 0);
      assert.equal((await httpWait(c, 'http://127.0.0.1:8087/')).status, 200, `dpkg -i: served on the new port; listening: ${await listening()}`);
      assert.doesNotMatch(await listening(), /:8086\b/, 'the old port is closed');
      assert.equal((await c.exec(['dpkg', '-P', 'greeter'])).exitCode, 0);
      await rpmIn(c, ['-i'], rpm[0]);
      assert.equal((await httpWait(c, `${URL}/`)).status, 200);
      await rpmIn(c, ['-U'], rpm[1]);
      assert.equal((await httpWait(c, 'http://127.0.0.1:8087/')).status, 200, `rpm -U: served on the new port; listening: ${await listening()}`);
      assert.doesNotMatch(await listening(), /:8086\b/);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
