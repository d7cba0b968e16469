/**
 * systemd socket activation: the descriptors a service manager passed us,
 * after twisted.python.systemd.ListenFDs (sd_listen_fds(3)).
 *
 * Rules, exactly as Twisted's:
 * - used only when LISTEN_PID equals our own PID (otherwise: none);
 * - LISTEN_FDS missing or not an integer: none; else descriptors 3..3+N-1;
 * - names come from LISTEN_FDNAMES split on ':'; when their count differs
 *   from the descriptor count the result is empty (Twisted requires
 *   systemd ≥ 227, which always sets LISTEN_FDNAMES);
 * - LISTEN_PID and LISTEN_FDS are deleted from the environment after
 *   reading (LISTEN_FDNAMES is kept), so a second reader or a child process
 *   does not take them again.
 */

/** The first inherited descriptor (SD_LISTEN_FDS_START). */
export const SD_LISTEN_FDS_START = 3;

/** Inherited listening descriptors, by position and by name. */
export class ListenFDs {
  private readonly descriptors: readonly number[];
  private readonly names: readonly string[];

  constructor(descriptors: readonly number[] = [], names: readonly string[] = []) {
    this.descriptors = [...descriptors];
    this.names = [...names];
  }

  /**
   * Twisted's `ListenFDs.fromEnvironment(environ=None, start=None)`: reads
   * the descriptors from `env` (default process.env), numbered from `start`
   * (default 3, SD_LISTEN_FDS_START), and removes LISTEN_PID and LISTEN_FDS
   * from `env` when it used them. `pid` (default process.pid; not in
   * Twisted, which reads getpid()) is the PID LISTEN_PID must name. null
   * stands for Python's None (the default).
   * @throws TypeError when `env` is not an object, or `start`/`pid` not a non-negative integer.
   */
  static fromEnvironment(env?: Record<string, string | undefined> | null, start?: number | null, pid?: number | null): ListenFDs {
    if (env === undefined || env === null) env = process.env;
    else if (typeof env !== 'object') throw new TypeError(`ListenFDs.fromEnvironment: environ must be an object of environment variables, got ${typeof env}`);
    start ??= SD_LISTEN_FDS_START;
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) throw new TypeError(`ListenFDs.fromEnvironment: start must be a non-negative integer (the first descriptor), got ${String(start)}`);
    pid ??= process.pid;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) throw new TypeError(`ListenFDs.fromEnvironment: pid must be a positive integer, got ${String(pid)}`);
    if (env.LISTEN_PID !== String(pid)) return new ListenFDs();
    const raw = env.LISTEN_FDS;
    // Python's int(): optional sign and surrounding blanks, decimal digits.
    if (raw === undefined || !/^\s*[+-]?\d+\s*$/.test(raw)) return new ListenFDs();
    const count = Number.parseInt(raw, 10);
    delete env.LISTEN_PID;
    delete env.LISTEN_FDS;
    const descriptors: number[] = [];
    for (let fd = start; fd < start + count; fd++) descriptors.push(fd);
    const namesRaw = env.LISTEN_FDNAMES ?? '';
    const names = namesRaw === '' ? [] : namesRaw.split(':');
    if (names.length !== descriptors.length) return new ListenFDs();
    return new ListenFDs(descriptors, names);
  }

  /** The inherited descriptors, in order (a copy). */
  inheritedDescriptors(): number[] {
    return [...this.descriptors];
  }

  /** The inherited descriptors by name (FileDescriptorName=, --fdname=). With duplicate names the last wins. */
  inheritedNamedDescriptors(): Map<string, number> {
    const m = new Map<string, number>();
    this.names.forEach((n, i) => {
      const fd = this.descriptors[i];
      if (fd !== undefined) m.set(n, fd);
    });
    return m;
  }

  /** The names, in descriptor order. */
  inheritedNames(): string[] {
    return [...this.names];
  }
}

let cached: ListenFDs | null = null;

/**
 * The process's own descriptors, read from process.env on first use and
 * cached (Twisted reads them once, when its systemd endpoint parser loads).
 */
export function processListenFDs(): ListenFDs {
  cached ??= ListenFDs.fromEnvironment();
  return cached;
}
