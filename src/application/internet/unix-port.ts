/**
 * Listening on a UNIX stream socket (Twisted's listenUNIX): the optional
 * PATH.lock, the cleanup of a socket file left by a dead process, the mode
 * of the socket file.
 */
import net from 'node:net';
import fs from 'node:fs';
import type { IListeningPort, IProtocolFactory } from '../interfaces.js';
import { CannotListenError, describeSystemError, errnoOf } from './errors.js';
import { DEFAULT_BACKLOG, type UNIXListenOptions } from './network.js';
import { StreamListeningPort, listenServer } from './stream-port.js';
import { acquireUnixLock } from './unix-lock.js';

function isAbstract(path: string): boolean {
  return path.startsWith('\0');
}

/** True when something accepts connections on the UNIX socket at `path`. */
function unixSocketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ path });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', (e) => resolve(errnoOf(e) !== 'ECONNREFUSED' && errnoOf(e) !== 'ENOENT'));
  });
}

function unlinkQuietly(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Listens on a UNIX stream socket (Twisted's listenUNIX). With `wantPID`
 * (default false, as Twisted's) it holds PATH.lock while listening; a socket file left by a
 * dead process (stale lock, or a file nobody answers on) is removed before
 * bind. The socket file is chmod'ed to `mode` (default 0o666).
 */
export async function listenUNIX(path: string, factory: IProtocolFactory, options: UNIXListenOptions = {}): Promise<IListeningPort> {
  const address = `unix ${path}`;
  const wantPID = (options.wantPID ?? false) && !isAbstract(path);
  const lockPath = `${path}.lock`;
  let locked = false;
  try {
    if (wantPID) {
      const { stale } = acquireUnixLock(lockPath, address);
      locked = true;
      if (stale) unlinkQuietly(path);
    }
    const server = net.createServer({ allowHalfOpen: false });
    const listenOpts = { path, backlog: options.backlog ?? DEFAULT_BACKLOG };
    try {
      await listenServer(server, listenOpts, address);
    } catch (e) {
      // A socket file nobody answers on is a leftover from a crash: remove it and try once more.
      if (!(e instanceof CannotListenError) || e.errno !== 'EADDRINUSE' || isAbstract(path) || (await unixSocketAnswers(path))) throw e;
      unlinkQuietly(path);
      await listenServer(server, listenOpts, address);
    }
    if (!isAbstract(path)) {
      try {
        fs.chmodSync(path, options.mode ?? 0o666);
      } catch (e) {
        server.close();
        throw new CannotListenError(address, `cannot chmod the socket: ${describeSystemError(e)}`, { cause: e });
      }
    }
    const lockHeld = locked;
    locked = false;
    return new StreamListeningPort(server, factory, address, {
      unixPath: path,
      afterClose: () => {
        if (lockHeld) unlinkQuietly(lockPath);
      },
    });
  } finally {
    if (locked) unlinkQuietly(lockPath);
  }
}

