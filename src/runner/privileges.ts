/**
 * Dropping privileges after binding, after twistd's shedPrivileges/switchUID.
 * Names are resolved from /etc/passwd and /etc/group (no NSS: a user known
 * only to LDAP must be given as a number). `--uid` without `--gid` uses the
 * user's primary group. The order is initgroups → setgid → setuid; a
 * numeric uid with no passwd entry gets setgroups([gid]) instead of
 * initgroups (there is no name to read a group list for).
 *
 * Exit statuses: an unknown user or group → 67 EX_NOUSER (checked before
 * daemonizing, so it reaches the terminal); a failing set*id call → 1,
 * as twistd ("failed to set uid/gid … (are you root?) -- exiting").
 */
import fs from 'node:fs';
import { NoUserError, TacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import type { Logger } from '../application/logger/logger.js';

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
}

/** Parses passwd(5) text. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }));
}

/** Parses group(5) text. */
export function parseGroup(text: string): GroupEntry[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, gid: Number(f[2]) }));
}

/** Where the account databases come from (injected for tests). */
export interface AccountFiles {
  readonly passwd: () => string;
  readonly group: () => string;
}

export const systemAccountFiles: AccountFiles = {
  passwd: () => fs.readFileSync('/etc/passwd', 'utf8'),
  group: () => fs.readFileSync('/etc/group', 'utf8'),
};

/** The identity to switch to; null fields mean "keep". */
export interface Identity {
  readonly uid: number | null;
  readonly gid: number | null;
  /** The user name for initgroups (or the uid when the user has no passwd entry). */
  readonly user: string | number | null;
}

function noUser(kind: 'user' | 'group', value: string): TacError {
  return new NoUserError(`tacd.privileges.no${kind === 'user' ? 'User' : 'Group'}`, `unknown ${kind} '${value}' (not in /etc/${kind === 'user' ? 'passwd' : 'group'})`);
}

/**
 * Resolves `--uid`/`--gid` (names or numbers) to numbers.
 * @throws TacError (67 EX_NOUSER) for a name that is not in the databases.
 */
export function resolveIdentity(uid: string | number | null, gid: string | number | null, files: AccountFiles = systemAccountFiles): Identity {
  let user: PasswdEntry | undefined;
  let uidNum: number | null = null;
  if (uid !== null) {
    const text = String(uid);
    const users = parsePasswd(files.passwd());
    if (/^\d+$/.test(text)) {
      uidNum = Number(text);
      user = users.find((u) => u.uid === uidNum);
    } else {
      user = users.find((u) => u.name === text);
      if (!user) throw noUser('user', text);
      uidNum = user.uid;
    }
  }
  let gidNum: number | null = null;
  if (gid !== null) {
    const text = String(gid);
    if (/^\d+$/.test(text)) gidNum = Number(text);
    else {
      const g = parseGroup(files.group()).find((e) => e.name === text);
      if (!g) throw noUser('group', text);
      gidNum = g.gid;
    }
  } else if (user) {
    gidNum = user.gid;
  }
  return { uid: uidNum, gid: gidNum, user: user?.name ?? uidNum };
}

/** The process calls the drop needs (injected for tests). */
export interface PrivilegedProcess {
  getuid(): number;
  getgid(): number;
  setuid(id: number): void;
  setgid(id: number): void;
  initgroups(user: string | number, extraGroup: number): void;
  setgroups(groups: number[]): void;
}

/**
 * Switches to `id`: initgroups → setgid → setuid. When the uid is already
 * the current one, twistd's warning is logged and only the gid is changed.
 * @throws TacError (exit 1) when the kernel refuses.
 */
export function dropPrivileges(id: Identity, proc: PrivilegedProcess, log: Logger): void {
  if (id.uid === null && id.gid === null) return;
  try {
    if (id.uid !== null && id.uid === proc.getuid()) {
      log.warn('tried to drop privileges and setuid {uid} but uid is already {uid}; should we be root? Continuing.', { uid: id.uid });
      if (id.gid !== null && id.gid !== proc.getgid()) proc.setgid(id.gid);
      return;
    }
    if (id.uid !== null) {
      // A uid with no passwd entry has no group list to read: keep only its gid.
      if (typeof id.user === 'string') proc.initgroups(id.user, id.gid ?? proc.getgid());
      else proc.setgroups([id.gid ?? proc.getgid()]);
    }
    if (id.gid !== null) proc.setgid(id.gid);
    if (id.uid !== null) proc.setuid(id.uid);
  } catch (e) {
    // A startup failure, as twistd's: exit 1.
    throw new TacError('tacd.privileges.drop', `failed to set uid/gid ${id.uid ?? '-'}/${id.gid ?? '-'}: ${(e as Error).message} (are you root?) -- exiting`, { exitCode: ExitCode.FAILURE, cause: e });
  }
  log.info('set uid/gid {uid}/{gid}', { uid: proc.getuid(), gid: proc.getgid() });
}
