// Installs fixtures/http-frameworks (Express, Fastify, Koa, pinned by its package-lock.json)
// into a temporary copy with `npm ci`, once per test file; a skip reason when that cannot be done.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PROJECT_ROOT } from '../../../src/core/paths.js';
import { run } from '../../../src/core/exec.js';

export interface Frameworks {
  /** require() from the installed copy. */
  readonly require: NodeRequire;
  readonly cleanup: () => void;
}

/** The installed frameworks, or a loud reason why they are not there (no registry, no npm). */
export async function installFrameworks(): Promise<Frameworks | { skip: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-http-frameworks-'));
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(PROJECT_ROOT, 'fixtures', 'http-frameworks', f), path.join(dir, f));
  const r = await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir], { allowFailure: true, timeoutMs: 180_000 }).catch((e: Error) => ({ exitCode: -1, stderr: e.message }));
  if (r.exitCode !== 0) {
    cleanup();
    const last = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return { skip: `npm ci of fixtures/http-frameworks failed (registry unreachable?): ${last}` };
  }
  return { require: createRequire(path.join(dir, 'package.json')), cleanup };
}
