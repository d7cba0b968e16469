/**
 * PATH.lock for a UNIX socket, as Twisted's FilesystemLock: a symlink whose
 * target is the holder's PID. A lock whose process is gone is stale.
 */
import fs from 'node:fs';
import { CannotListenError, describeSystemError, errnoOf } from './errors.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

/**
 * Takes PATH.lock as Twisted's FilesystemLock does (a symlink whose target
 * is our PID). Returns whether a previous lock was stale (its process is
 * gone), or throws CannotListenError when a live process holds it.
 */
export function acquireUnixLock(lockPath: string, address: string): { stale: boolean } {
  let stale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.symlinkSync(String(process.pid), lockPath);
      return { stale };
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw new CannotListenError(address, `cannot create lock ${lockPath}: ${describeSystemError(e)}`, { cause: e });
    }
    let owner: number;
    try {
      owner = Number(fs.readlinkSync(lockPath));
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') continue;
      throw new CannotListenError(address, `cannot read lock ${lockPath}: ${describeSystemError(e)}`, { cause: e });
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
      throw new CannotListenError(address, `Cannot acquire lock ${lockPath} (held by PID ${owner})`);
    }
    // Stale (dead owner, garbage) or our own leftover: break it and retry.
    stale = owner !== process.pid;
    try {
      fs.unlinkSync(lockPath);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw new CannotListenError(address, `cannot remove stale lock ${lockPath}: ${describeSystemError(e)}`, { cause: e });
    }
  }
  throw new CannotListenError(address, `Cannot acquire lock ${lockPath}`);
}

