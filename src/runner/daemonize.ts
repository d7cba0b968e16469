/**
 * Daemonizing without fork: the runner re-executes itself detached (a new
 * session, stdio on /dev/null) with a status pipe on fd 3, and keeps
 * twistd's protocol: the daemon writes "0" once every service has started,
 * or "1 <Class>: <message>" (ASCII, escaped, at most 100 bytes) when
 * startup failed. The parent waits for that and exits 0, or prints
 * "An error has occurred: <message>" and exits 1 (also when the daemon dies
 * without a word). A native fork() is never used: libuv's threads would not
 * survive it.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';

/** The environment variable that tells the re-executed runner it is the daemon and where its status pipe is. */
export const DAEMON_ENV = 'TACD_DAEMON_STATUS_FD';

/** twistd's status line for an error: "1 <Class>: <msg>", non-ASCII escaped, cut to 100 bytes. */
export function statusLineFor(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  // Python's encode('ascii', 'backslashreplace'): ASCII as it is, \xNN, \uNNNN or \UNNNNNNNN per code point.
  const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => {
    const code = c.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
  });
  return `1 ${ascii}`.slice(0, 100);
}

/** What the parent prints for a status line other than "0". */
export function parentMessageFor(status: string): string {
  const msg = status.startsWith('1 ') ? status.slice(2) : status === '' ? 'the daemon exited before reporting its startup' : status;
  return `An error has occurred: ${msg}\nPlease look at log file for more information.\n`;
}

export interface DaemonParentOptions {
  /** node's own arguments (execArgv) and the script path, then the runner's argv. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: NodeJS.WritableStream;
  /** Give up waiting after this many ms (0: wait forever). */
  readonly startTimeoutMs?: number;
}

/** A sysexits(3) status (64–78) the daemon ended with, which the parent passes on; null otherwise. */
function sysexitsOf(end: DaemonEnd | null): number | null {
  const code = end?.exitCode;
  return typeof code === 'number' && code >= 64 && code <= 78 ? code : null;
}

interface DaemonEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Parent side: starts the daemon and returns the exit status once it has
 * reported: 0, or after a failure the daemon's own sysexits status (65 for a
 * bad tac file, 71 for a port in use, …) when it ends with one within a
 * second, else 1 as twistd.
 */
export async function spawnDaemon(o: DaemonParentOptions): Promise<number> {
  const { spawnDetached } = await import('../core/exec.js');
  const child = spawnDetached(process.execPath, o.command, {
    cwd: o.cwd,
    env: { ...o.env, [DAEMON_ENV]: '3' },
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const ended = new Promise<DaemonEnd>((resolve) => {
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    // A spawn that fails (no such cwd…) emits 'error' and no 'exit'.
    child.once('error', () => resolve({ exitCode: null, signal: null }));
  });
  // Waits up to a second for the daemon to end (it does after a failed start).
  const endWithin1s = (): Promise<DaemonEnd | null> => Promise.race([ended, new Promise<null>((r) => setTimeout(() => r(null), 1000).unref())]);
  // stdio[3] is 'pipe': a stream even when the spawn fails (it then ends at once).
  const pipe = child.stdio[3] as Readable;
  const status = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const done = (): void => {
      if (timer) clearTimeout(timer);
      resolve(Buffer.concat(chunks).subarray(0, 100).toString('latin1'));
    };
    pipe.on('data', (c: Buffer) => chunks.push(c));
    pipe.on('end', done);
    pipe.on('error', done);
    pipe.on('close', done);
    if (o.startTimeoutMs) timer = setTimeout(() => resolve('1 TimeoutError: the daemon did not report its startup in time'), o.startTimeoutMs);
  });
  pipe.destroy();
  if (status === '0') {
    child.unref();
    return 0;
  }
  if (status === '') {
    // No report at all: the daemon died early (its stderr is /dev/null); say how, and how to see why.
    const end = await endWithin1s();
    const how = end === null ? 'closed its status pipe' : end.signal ? `was killed by ${end.signal}` : end.exitCode === null ? 'could not be started' : `exited with status ${end.exitCode}`;
    o.stderr.write(parentMessageFor(`1 the daemon ${how} before reporting its startup (run with --nodaemon to see its output)`));
    child.unref();
    return 1;
  }
  o.stderr.write(parentMessageFor(status));
  const end = await endWithin1s();
  child.unref();
  return sysexitsOf(end) ?? 1;
}

/** Daemon side: the status pipe, if this process is the re-executed daemon. */
export interface StatusPipe {
  success(): void;
  failure(error: unknown): void;
}

/** Reads (and removes from `env`) the daemon marker; null when this process is not a daemon child. */
export function openStatusPipe(env: NodeJS.ProcessEnv): StatusPipe | null {
  const fdText = env[DAEMON_ENV];
  if (fdText === undefined) return null;
  delete env[DAEMON_ENV];
  const fd = Number(fdText);
  let open = true;
  const send = (text: string): void => {
    if (!open) return;
    open = false;
    try {
      fs.writeSync(fd, text);
      fs.closeSync(fd);
    } catch {
      // The parent is gone (killed while waiting): nobody to tell.
    }
  };
  return { success: () => send('0'), failure: (e) => send(statusLineFor(e)) };
}
