// Helpers for the runner tests: start the real bin/tacd.js as a child
// process, wait for ports and files, copy fixtures into temp directories.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';

export const TACD_BIN = path.join(PROJECT_ROOT, 'bin', 'tacd.js');
export const RUNNER_FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'runner');

/** process.env without anything that makes tacd think it runs under a supervisor. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['INVOCATION_ID', 'NOTIFY_SOCKET', 'JOURNAL_STREAM', 'LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'TACD_DAEMON_STATUS_FD', 'TACD_DEBUG', 'TACD_PLUGIN_PATH']) {
    delete env[k];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A fresh temp directory (removed by the caller via t.after). */
export function tempDir(prefix = 'tacd-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies fixture `name` (stored as name or name.in) into `dir`; returns the new path. */
export function copyFixture(name: string, dir: string): string {
  const src = fs.existsSync(path.join(RUNNER_FIXTURES, name)) ? path.join(RUNNER_FIXTURES, name) : path.join(RUNNER_FIXTURES, `${name}.in`);
  const dst = path.join(dir, name);
  fs.copyFileSync(src, dst);
  return dst;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a child's output and resolves when it exits. */
export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Starts bin/tacd.js with `args`. */
export function startTacd(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [TACD_BIN, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Runs bin/tacd.js to completion (kills it after `timeoutMs`). */
export async function runTacd(args: readonly string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<Finished> {
  const child = startTacd(args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    return await finished(child);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `text` to host:port and resolves with what comes back before `ms` of silence (or the close). */
export function exchange(port: number, text: string, host = '127.0.0.1', ms = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, host);
    let got = '';
    let timer: NodeJS.Timeout | null = null;
    const done = (): void => {
      if (timer) clearTimeout(timer);
      sock.destroy();
      resolve(got);
    };
    sock.on('connect', () => {
      if (text) sock.write(text);
      timer = setTimeout(done, ms);
    });
    sock.on('data', (d) => {
      got += d.toString();
      if (timer) clearTimeout(timer);
      timer = setTimeout(done, ms);
    });
    sock.on('end', done);
    // A peer that answers and closes at once may reset the connection after its answer arrived.
    sock.on('error', (e) => (got ? done() : reject(e)));
  });
}

/** True when something accepts connections on host:port. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, host);
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

/** True while a process with this pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s*Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** A field of /proc/PID/status ("Uid", "VmRSS"). */
export function procStatus(pid: number, field: string): string | undefined {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(text)?.[1];
}

/** Stops a daemon by pid and waits until it is gone. */
export async function stopDaemon(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  await waitFor(`pid ${pid} to exit`, () => !alive(pid), 15_000);
}

/** Waits until `port` answers; fails at once (with the child's output) if the child exits first. */
export async function waitForChildPort(child: ChildProcess, port: number, timeoutMs = 15_000): Promise<void> {
  let out = '';
  const collect = (d: Buffer): void => void (out += d.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    await waitFor(`port ${port} (output so far: ${JSON.stringify(out)})`, () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`tacd exited (${child.exitCode ?? child.signalCode}) before port ${port} answered:\n${out}`);
      return portAnswers(port);
    }, timeoutMs);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('timed out')) throw new Error(`timed out waiting for port ${port}; tacd said:\n${out}`);
    throw e;
  } finally {
    child.stdout?.off('data', collect);
    child.stderr?.off('data', collect);
  }
}

/** Why the tests cannot run tacd as nobody (65534) here, or false when they can. */
export function cannotRunAsNobody(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to switch to nobody';
  try {
    const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(TACD_BIN)}, require('fs').constants.R_OK)`], { uid: 65534, gid: 65534 });
    return r.status === 0 ? false : `the project is not readable by nobody: ${String(r.stderr)}`;
  } catch (e) {
    return `cannot switch to nobody: ${(e as Error).message}`;
  }
}
