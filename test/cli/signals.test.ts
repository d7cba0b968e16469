// ts2deb and SIGTERM/SIGINT at several points of a build (the real bin
// script, --plugin echo with the bundled ~100 MB node, no build cache): the
// command ends within a second or two with 128 + the signal's number, and
// leaves nothing behind: no temp file in --output, no folder it created for
// --output, no tacd-bundle-* folder in TMPDIR, no partial package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { tempDir } from '../packaging/helpers.js';

interface Run {
  readonly child: ChildProcess;
  readonly tmp: string;
  readonly out: string;
  readonly stderr: () => string;
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

// --output is two folders below an existing one, so the command has folders of its own to create.
function build(root: string): Run {
  const tmp = path.join(root, 'tmp');
  mkdirSync(tmp);
  const out = path.join(root, 'out', 'sub');
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), '--plugin', 'echo', '--no-cache', '--output', out], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SOURCE_DATE_EPOCH: '1790000000', TMPDIR: tmp },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() })));
  return { child, tmp, out, stderr: () => stderr, closed };
}

const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

/** Resolves when `ready()` holds (polled every 2 ms), or rejects after `ms`. */
function when(ready: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (!ready() && Date.now() <= until) return;
      clearInterval(timer);
      if (ready()) resolve();
      else reject(new Error(`${what} did not happen within ${ms} ms`));
    }, 2);
  });
}

const bundling = (r: Run) => (): boolean => list(r.tmp).some((n) => n.startsWith('tacd-bundle-'));
const points: { name: string; signal: NodeJS.Signals; wait: (r: Run) => Promise<void>; early?: boolean }[] = [
  // bin/common.js installs the handler first thing; before that (node's own start-up) the default action ends it, which a shell reports as 143 too.
  { name: 'at start-up', signal: 'SIGTERM', wait: () => new Promise((r) => setTimeout(r, 300)), early: true },
  { name: 'while bundling (tacd-bundle-* in TMPDIR)', signal: 'SIGTERM', wait: (r) => when(bundling(r), 60_000, 'bundling') },
  {
    name: 'while compressing (the bundle folder gone, nothing written yet)',
    signal: 'SIGINT',
    wait: async (r) => {
      await when(bundling(r), 60_000, 'bundling');
      await when(() => !bundling(r)(), 60_000, 'the end of bundling');
      await new Promise((res) => setTimeout(res, 500));
    },
  },
  { name: 'while writing --output (a temp file there)', signal: 'SIGTERM', wait: (r) => when(() => list(r.out).some((n) => n.endsWith('.tmp')), 120_000, 'writing') },
];

const STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

for (const point of points) {
  test(`${point.signal} ${point.name}: exit ${STATUS[point.signal]} within 2 s, nothing left behind`, { timeout: 180_000 }, async (t) => {
    const root = tempDir('tacd-sig-');
    try {
      const r = build(root);
      await point.wait(r);
      assert.equal(r.child.exitCode, null, `the build was still running when the signal was sent; stderr: ${r.stderr()}`);
      const sent = Date.now();
      r.child.kill(point.signal);
      const { code, signal, at } = await r.closed;
      if (point.early && signal === point.signal) t.diagnostic('the signal came before the handler was installed: ended by the default action');
      else {
        assert.equal(signal, null, 'ended by its handler, not by the default action');
        assert.equal(code, STATUS[point.signal], r.stderr());
        assert.match(r.stderr(), new RegExp(`^ts2deb: interrupted by ${point.signal}`));
      }
      t.diagnostic(`ended ${at - sent} ms after the signal`);
      assert.ok(at - sent < 2000, `ended ${at - sent} ms after the signal`);
      assert.deepEqual(list(path.dirname(r.out)), [], 'the --output folders it created are gone, with no package or temp file in them');
      assert.deepEqual(list(r.tmp), [], 'no temporary folder is left in TMPDIR');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
