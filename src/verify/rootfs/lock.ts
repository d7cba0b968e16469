/**
 * An exclusive lock between processes (flock(1)), serialising rootfs builds
 * and host-node packaging in the shared cache.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { spawnProgram, type Spawned } from '../../core/exec.js';
import { TempFailError } from '../../core/errors.js';
import { requireProgram } from '../host.js';

type Holder = Spawned['child'];

/**
 * Starts the flock child that takes the lock and then holds it while its
 * stdin stays open (wrapped: awaiting the child itself waits for its end).
 */
function spawnHolder(lockPath: string): Promise<Spawned> {
  return spawnProgram('flock', ['--exclusive', lockPath, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    cleanup: true,
  });
}

/** Resolves once the holder says it has the lock; rejects when it exits first. */
function lockTaken(holder: Holder, lockPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let got = '';
    holder.stdout!.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      if (got.includes('locked')) resolve();
    });
    holder.then(
      (r) => reject(new TempFailError('tacd.verify.lock', `could not take lock ${lockPath}: flock exited ${r.exitCode}`)),
      reject,
    );
  });
}

/** Waits for the lock, telling `onWait` after a second that another build holds it. */
async function acquire(holder: Holder, lockPath: string, onWait?: (line: string) => void): Promise<void> {
  const waitNote = setTimeout(() => onWait?.(`waiting for lock ${lockPath} (another build is running)`), 1000);
  try {
    await lockTaken(holder, lockPath);
  } finally {
    clearTimeout(waitNote);
  }
}

/**
 * Runs `fn` while holding an exclusive flock(1) on `lockPath`. The lock is held
 * by a `flock` child whose stdin is our pipe: if this process dies, the pipe
 * closes and the lock is released, so a crash never leaves a stale lock.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, onWait?: (line: string) => void): Promise<T> {
  await requireProgram('flock', 'util-linux', 'locking the rootfs cache');
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  const { child: holder } = await spawnHolder(lockPath);
  await acquire(holder, lockPath, onWait);
  try {
    return await fn();
  } finally {
    holder.stdin!.end();
    await holder.catch(() => undefined);
  }
}
