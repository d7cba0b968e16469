// Shared by the fault tests: the packaged fault fixture (test/faults/fixtures/
// faulty.tac.mjs, built once per test file with ts2deb --runtime system) and
// small probes of its unit inside a container.
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import type { Container } from '../../src/verify/container.js';
import { buildPackage, tempDir } from '../packaging/helpers.js';

export const FAULTY_TAC = path.join(PROJECT_ROOT, 'test/faults/fixtures/faulty.tac.mjs');
export const UNIT = 'faulty.service';
export const PORT = 7200;

let built: Promise<{ deb: string; dir: string }> | undefined;

/** The faulty .deb (built on first use; removed by cleanupFaultyDeb()). */
export async function faultyDeb(): Promise<string> {
  built ??= (async () => {
    const dir = tempDir('tacd-faults-');
    const args = [FAULTY_TAC, '--name', 'faulty', '--set-version', '1.0.0', '--runtime', 'system', '--output', dir];
    try {
      return { deb: await buildPackage('ts2deb', args), dir };
    } catch {
      // another tsc run may be rewriting dist/ (the bundle's input) right now: once more, a little later
      await new Promise((r) => setTimeout(r, 3000));
      return { deb: await buildPackage('ts2deb', args), dir };
    }
  })();
  return (await built).deb;
}

export async function cleanupFaultyDeb(): Promise<void> {
  if (!built) return;
  const { dir } = await built.catch(() => ({ dir: '' }));
  if (dir) rmSync(dir, { recursive: true, force: true });
  built = undefined;
}

/** Installs the faulty package (FAULT unset: it starts and runs). */
export async function installFaulty(c: Container): Promise<void> {
  const r = await c.installDeb(await faultyDeb());
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
}

/** Rewrites /etc/default/faulty with these variables (the unit reads it at start). */
export async function configure(c: Container, vars: Readonly<Record<string, string>>): Promise<void> {
  const text = Object.entries(vars)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'\n`)
    .join('');
  await c.writeFile('/etc/default/faulty', `# set by the fault tests\n${text}`);
}

export async function prop(c: Container, p: string, unit = UNIT): Promise<string> {
  return (await c.unitProperties(unit, [p]))[p] ?? '';
}

/** Polls until `pred` holds or `ms` pass; returns whether it held. */
export async function until(pred: () => Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await pred()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The unit's journal text (message only), after a sync. */
export async function unitLog(c: Container, unit = UNIT): Promise<string> {
  await c.exec(['journalctl', '--sync']);
  return (await c.exec(['journalctl', '-b', '-u', unit, '-o', 'cat', '--no-pager'])).stdout;
}

/** One echo exchange with the fixture's TCP port inside the container. */
export async function echoes(c: Container, port = PORT): Promise<boolean> {
  const r = await c.exec(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'ping\\n' >&3 && timeout 3 head -c 5 <&3`], { timeoutMs: 8000 });
  return r.stdout === 'ping\n';
}
