// Builds packages in process with ts2deb/ts2rpm for the packaging tests.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { runPackageCli, type CliIO } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';

/** A Writable that keeps what is written. */
export function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

/** A fresh temp folder. */
export function tempDir(prefix = 'tacd-pkg-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** IO for an in-process CLI run: cwd defaults to the project root, SOURCE_DATE_EPOCH fixed. */
export function testIO(over: Partial<CliIO> = {}): CliIO & { stdout: ReturnType<typeof sink>; stderr: ReturnType<typeof sink> } {
  return {
    stdout: sink(),
    stderr: sink(),
    cwd: PROJECT_ROOT,
    env: { ...process.env, SOURCE_DATE_EPOCH: '1790000000' },
    execPath: process.execPath,
    now: () => 1790000000,
    ...over,
  } as CliIO & { stdout: ReturnType<typeof sink>; stderr: ReturnType<typeof sink> };
}

/** Builds a package with `prog` and returns its path (the CLI's stdout line). */
export async function buildPackage(prog: 'ts2deb' | 'ts2rpm', argv: readonly string[], io = testIO()): Promise<string> {
  const status = await runPackageCli(prog === 'ts2deb' ? debAdapter : rpmAdapter, argv, io);
  if (status !== 0) throw new Error(`${prog} exited ${status}: ${io.stderr.text()}`);
  return io.stdout.text().trim().split('\n').pop()!;
}
