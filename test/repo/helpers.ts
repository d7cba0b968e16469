// Shared by the repository tests: a throwaway gpg key, the ts2deb/ts2rpm
// commands as child processes, and a check that a repository folder is
// whole (every index it names is there with its checksum).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';

export const tmp = (prefix: string): string => mkdtempSync(path.join(tmpdir(), `tacd-${prefix}-`));

export interface TestKey {
  readonly home: string;
  readonly uid: string;
  /** The public key as a binary keyring file (for gpgv). */
  readonly keyring: string;
}

/** A new ed25519 signing key in a new GNUPGHOME. */
export function makeKey(uid = 'repo@example.org'): TestKey {
  const home = tmp('gnupg');
  const gpg = ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', ''];
  const r = spawnSync('gpg', [...gpg, '--quick-gen-key', `tacd repo test <${uid}>`, 'ed25519', 'sign', 'never']);
  if (r.status !== 0) throw new Error(`gpg --quick-gen-key failed: ${r.stderr}`);
  const keyring = path.join(home, 'pub.gpg');
  writeFileSync(keyring, spawnSync('gpg', [...gpg, '--export'], { maxBuffer: 1 << 20 }).stdout);
  return { home, uid, keyring };
}

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/<prog>.js with args; `killAfterMs` sends SIGKILL that long after the start. */
export function cli(prog: 'ts2deb' | 'ts2rpm', args: readonly string[], env: Record<string, string> = {}, killAfterMs?: number): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', `${prog}.js`), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const killer = killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      clearTimeout(guard);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export const sha256File = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
