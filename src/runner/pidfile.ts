/**
 * The pid file, after twistd's checkPID / removePID: a bare integer (no
 * newline, systemd PIDFile= compatible; "N\n" is accepted when reading),
 * written atomically by the final daemon process and removed on exit.
 *
 * Exit statuses (twistd exits 1 for all of these; we use sysexits):
 * - another live process → 75 EX_TEMPFAIL "Another tacd server is running, PID N…"
 * - non-numeric content → 65 EX_DATAERR "Pidfile X contains non-numeric value"
 * - kill(pid, 0) fails with EPERM or another errno → 77 EX_NOPERM "Can't check status of PID N…"
 * - cannot be written → 73 EX_CANTCREAT
 *
 * A file holding this process's own pid counts as stale, not as "another
 * server": in a container the daemon often gets the same pid (1, or a low
 * one) on every start, and twistd's refusal there is a known trap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CantCreateError, DataError, IoError, NoPermissionError, TacError, TempFailError } from '../core/errors.js';
import type { Logger } from '../application/logger/logger.js';

/** The process calls a pid file needs (injected for tests). */
export interface PidProcess {
  readonly pid: number;
  kill(pid: number, signal: number): unknown;
}

/** Reads the pid in `file`; null when the file does not exist. @throws DataError when it is not an integer. */
export function readPid(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR' || code === 'EISDIR') {
      // Its folder is a file, or it is a folder: a pidfile can never be written there.
      throw new CantCreateError(file, `cannot create pidfile ${file}: ${code === 'ENOTDIR' ? 'a parent of it is not a directory' : 'it is a directory'}`, { code: 'tacd.pidfile.cantCreate', cause: e });
    }
    throw new IoError('tacd.pidfile.read', `cannot read pidfile ${file}: ${(e as Error).message}`, { cause: e });
  }
  const first = text.split('\n')[0]!.trim();
  if (!/^\d+$/.test(first)) throw new DataError('tacd.pidfile.nonNumeric', `Pidfile ${file} contains non-numeric value`);
  return Number(first);
}

/**
 * twistd's checkPID: a missing file is fine; a live pid refuses to start; a
 * stale pid (ESRCH) is logged and its file removed — unless `removeStale` is
 * false (the daemonizing parent, which has no log yet: the daemon it
 * re-executes checks again, removes the file and logs it where logs go).
 */
export function checkPid(file: string | null, proc: PidProcess, log: Logger, options: { removeStale?: boolean } = {}): void {
  if (file === null) return;
  const pid = readPid(file);
  if (pid === null || pid === proc.pid) return;
  try {
    proc.kill(pid, 0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') {
      if (options.removeStale === false) return;
      log.warn('Removing stale pidfile {file}', { file });
      removePid(file, log);
      return;
    }
    throw new NoPermissionError('tacd.pidfile.check', `Can't check status of PID ${pid} from pidfile ${file}: ${(e as Error).message}`, { cause: e });
  }
  throw new TempFailError(
    'tacd.pidfile.running',
    `Another tacd server is running, PID ${pid}\n\nThis could either be a previously started instance of your application or a different application entirely. To start a new one, either run it in some other directory, or use the --pidfile and --logfile parameters to avoid clashes.`,
  );
}

/**
 * Writes `pid` atomically: a private temp file linked into place, so a
 * concurrent starter either sees no file or the whole number. EEXIST means
 * another instance won the race: re-check it (stale → replace once).
 */
export function writePid(file: string | null, proc: PidProcess, log: Logger): void {
  if (file === null) return;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${proc.pid}`);
  try {
    fs.writeFileSync(tmp, String(proc.pid), { flag: 'w' });
  } catch (e) {
    throw new CantCreateError(file, `cannot write pidfile ${file}: ${(e as Error).message}`, { code: 'tacd.pidfile.write', cause: e });
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
        checkPid(file, proc, log);
        fs.rmSync(file, { force: true });
      }
    }
  } catch (e) {
    if (e instanceof TacError) throw e;
    throw new CantCreateError(file, `cannot write pidfile ${file}: ${(e as Error).message}`, { code: 'tacd.pidfile.write', cause: e });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** twistd's removePID: never throws; a missing file or a permission problem is only logged. */
export function removePid(file: string | null, log: Logger): void {
  if (file === null) return;
  try {
    fs.unlinkSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') log.warn('Warning: No permission to delete pid file {file}', { file });
    else log.failure('Failed to unlink PID file {file}', e, { file });
  }
}
