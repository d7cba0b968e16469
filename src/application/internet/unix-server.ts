/**
 * UNIXServer: a protocol factory served on a UNIX stream socket (Twisted's
 * internet.UNIXServer, listenUNIX's arguments).
 */
import type { IListeningPort, IProtocolFactory } from '../interfaces.js';
import { DEFAULT_BACKLOG } from './network.js';
import { AbstractServer } from './abstract-server.js';
import { checkArity, checkFactory, merge, optFlag, optInteger, optionsForm } from './args.js';
import { checkNetwork, checkPath, drop, trailingNetwork, type NetworkServiceOptions } from './service-args.js';

/** Options of UNIXServer. */
export interface UNIXServerOptions extends NetworkServiceOptions {
  /** Permission bits of the socket file (default 0o666). */
  readonly mode?: number;
  readonly backlog?: number;
  /**
   * Hold PATH.lock (a symlink naming our PID) while listening, refuse a lock
   * held by a live process and clean a socket file left by a dead one.
   * Default false, as Twisted's listenUNIX (wantPID=0); the `unix:` endpoint
   * string defaults to `lockfile=1`, as Twisted's.
   */
  readonly lockfile?: boolean;
  /** Twisted's name for `lockfile` (listenUNIX's wantPID); give one or the other. */
  readonly wantPID?: boolean;
}

const UNIX_KEYS = ['network', 'mode', 'backlog', 'lockfile', 'wantPID'] as const;

// (options) or (backlog, mode, wantPID, { network }), as listenUNIX(address, factory, backlog=50, mode=0o666, wantPID=0).
function unixServerArgs(where: string, rest: readonly unknown[]): UNIXServerOptions {
  checkArity(where, rest, 4, '(path, factory, options?) or (path, factory, backlog?, mode?, wantPID?, { network }?)');
  const o = optionsForm<UNIXServerOptions>(where, rest, UNIX_KEYS);
  if (o) {
    checkNetwork(where, o);
    optInteger(where, 'backlog', o.backlog);
    optInteger(where, 'mode', o.mode);
    const lockfile = merge(where, 'lockfile/wantPID', optFlag(where, 'wantPID', o.wantPID), optFlag(where, 'lockfile', o.lockfile));
    return drop({ ...o, wantPID: undefined, lockfile });
  }
  const [a, b, c, d] = rest;
  return drop({
    ...trailingNetwork(where, d),
    backlog: optInteger(where, 'backlog', a, 'an integer listen backlog or an options object'),
    mode: optInteger(where, 'mode', b, 'integer permission bits (e.g. 0o660)'),
    lockfile: optFlag(where, 'wantPID', c),
  });
}

/**
 * Serves a protocol factory on a UNIX stream socket; the socket file is
 * removed on stop. Takes `{ mode, backlog, lockfile, network }` or Twisted's
 * positional `(path, factory, backlog, mode, wantPID)`. No PATH.lock unless
 * asked for (`lockfile: true` / wantPID), as Twisted's listenUNIX.
 */
export class UNIXServer extends AbstractServer {
  readonly path: string;
  readonly factory: IProtocolFactory;
  readonly options: UNIXServerOptions;
  constructor(path: string, factory: IProtocolFactory, options?: UNIXServerOptions);
  constructor(path: string, factory: IProtocolFactory, backlog?: number | null, mode?: number | null, wantPID?: boolean | 0 | 1 | null, options?: NetworkServiceOptions);
  constructor(path: string, factory: IProtocolFactory, ...rest: unknown[]) {
    const options = unixServerArgs('UNIXServer', rest);
    super(options);
    this.path = checkPath('UNIXServer', path);
    this.factory = checkFactory('UNIXServer', factory);
    this.options = options;
  }
  protected getPort(): Promise<IListeningPort> {
    return this.network.listenUNIX(this.path, this.factory, { mode: this.options.mode ?? 0o666, backlog: this.options.backlog ?? DEFAULT_BACKLOG, wantPID: this.options.lockfile ?? false });
  }
  describe(): string {
    return `unix ${this.path}`;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, mode: this.options.mode ?? 0o666 };
  }
}
