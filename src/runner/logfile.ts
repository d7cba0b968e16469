/**
 * A rotating log file, after twisted.python.logfile.LogFile.
 *
 * - Rotation by size: the check happens *before* a write (`size >=
 *   rotateLength` → rotate), so a file may exceed the limit by one write.
 *   `path.N` → `path.N+1`, current → `path.1`; files numbered ≥
 *   maxRotatedFiles are deleted (null keeps them all, as twistd).
 * - The mode of an existing file is kept and applied to every new file
 *   (best effort, as twistd: a file we may write but not chmod, such as
 *   /dev/null or a root-owned group-writable log, is used as it is).
 * - `reopen()` opens the path anew (for logrotate / SIGHUP); should that
 *   fail, the old descriptor is kept and writes go on there.
 * - `chown()` hands the open file to the user the daemon becomes, so that
 *   it can still be reopened after the privilege drop.
 * - Writes are synchronous (`fs.writeSync`), so no line is lost or
 *   reordered while rotating, and the last lines survive a crash.
 * - A failing write (ENOSPC, EIO …) never throws into the daemon: it is
 *   reported once through `onError` and the line is dropped; the next
 *   successful write resets the report.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LogFileOptions {
  /** Rotate when the file reaches this many bytes (0: never). Default 1,000,000. */
  readonly rotateLength?: number;
  /** Keep at most this many rotated files (null: unlimited). */
  readonly maxRotatedFiles?: number | null;
  /** Mode for new files; default: the existing file's mode, else the umask's. */
  readonly defaultMode?: number | null;
  /** Called once per run of failing writes (default: stderr). */
  readonly onError?: (error: Error) => void;
}

export class LogFile {
  readonly path: string;
  readonly rotateLength: number;
  readonly maxRotatedFiles: number | null;
  private defaultMode: number | null;
  private fd: number | null = null;
  private size = 0;
  private failing = false;
  private readonly onError: (error: Error) => void;

  /** Opens (creating if needed) `file`. @throws the open error (the caller maps it to EX_CANTCREAT). */
  constructor(file: string, options: LogFileOptions = {}) {
    this.path = path.resolve(file);
    this.rotateLength = options.rotateLength ?? 1_000_000;
    this.maxRotatedFiles = options.maxRotatedFiles ?? null;
    this.defaultMode = options.defaultMode ?? null;
    this.onError = options.onError ?? ((e) => process.stderr.write(`tacd: log file ${this.path}: ${e.message}\n`));
    if (this.defaultMode === null) {
      try {
        this.defaultMode = fs.statSync(this.path).mode & 0o7777;
      } catch {
        // A new file: its mode follows the umask.
      }
    }
    this.open();
  }

  private open(): void {
    const fd = fs.openSync(this.path, 'a');
    if (this.defaultMode !== null) {
      try {
        fs.fchmodSync(fd, this.defaultMode);
      } catch {
        // Not ours to chmod (EPERM) or not a regular file (/dev/null): write to it as it is, like twistd.
      }
    }
    try {
      this.size = fs.fstatSync(fd).size;
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    this.fd = fd;
  }

  /** Gives the open file to `uid`/`gid` (before dropping to them). @throws the fchown error. */
  chown(uid: number, gid: number): void {
    if (this.fd !== null) fs.fchownSync(this.fd, uid, gid);
  }

  /** The current size in bytes. */
  get currentSize(): number {
    return this.size;
  }

  /** Appends `data`, rotating first when the file is already at the limit. Never throws. */
  write(data: string | Uint8Array): void {
    try {
      if (this.rotateLength > 0 && this.size >= this.rotateLength) this.rotate();
      if (this.fd === null) this.open();
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd!, buf, off, buf.length - off);
      this.size += buf.length;
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.onError(e as Error);
      this.failing = true;
    }
  }

  /** The rotated files' numbers, ascending (suffixes that are not positive integers are ignored). */
  listLogs(): number[] {
    const dir = path.dirname(this.path);
    const base = path.basename(this.path) + '.';
    return fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(base) && /^[1-9]\d*$/.test(n.slice(base.length)))
      .map((n) => Number(n.slice(base.length)))
      .sort((a, b) => a - b);
  }

  /** Renames path.N → path.N+1 and path → path.1, then reopens. Does nothing (false) unless the file and its directory are writable. */
  rotate(): boolean {
    try {
      fs.accessSync(path.dirname(this.path), fs.constants.W_OK);
      fs.accessSync(this.path, fs.constants.W_OK);
    } catch {
      return false;
    }
    for (const n of this.listLogs().reverse()) {
      const from = `${this.path}.${n}`;
      if (this.maxRotatedFiles !== null && n >= this.maxRotatedFiles) fs.rmSync(from, { force: true });
      else fs.renameSync(from, `${this.path}.${n + 1}`);
    }
    this.closeFd();
    if (this.maxRotatedFiles === 0) fs.rmSync(this.path, { force: true });
    else fs.renameSync(this.path, `${this.path}.1`);
    this.open();
    return true;
  }

  /** Opens the path anew (an external rotator moved the file away), keeping the old descriptor if that fails. Never throws. */
  reopen(): void {
    const old = this.fd;
    try {
      this.open();
    } catch (e) {
      this.onError(e as Error);
      return;
    }
    if (old !== null) {
      try {
        fs.closeSync(old);
      } catch {
        // Already closed or broken: nothing left to flush (writes are synchronous).
      }
    }
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed or broken: nothing left to flush (writes are synchronous).
    }
    this.fd = null;
  }

  close(): void {
    this.closeFd();
  }
}
