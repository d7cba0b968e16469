/**
 * The connections HTTPServer hands to its http.Server, and the graceful
 * drain of a stop:
 *
 * 1. idle keep-alive connections (no request in flight) are closed at once;
 * 2. responses still in flight get `Connection: close` (when their headers
 *    are not sent yet), so Node closes the connection after them; one whose
 *    headers are already sent is ended (FIN) once it has finished, and so is
 *    any connection that becomes idle;
 * 3. at the deadline every connection left, upgraded (websocket) sockets
 *    included, is destroyed.
 *
 * Requests are counted by a 'request' listener placed first; sockets taken
 * over by the application's 'upgrade' or 'connect' listeners are marked
 * (never idle, cut at the deadline) by a listener that exists only while
 * the application has one, so Node treats those requests as it would
 * without HTTPServer.
 */
import type http from 'node:http';
import type net from 'node:net';

interface SocketState {
  /** Responses in flight on the socket (pipelined requests: several). */
  readonly responses: Set<http.ServerResponse>;
  /** Taken over by an 'upgrade' or 'connect' listener: no longer HTTP. */
  upgraded: boolean;
}

/** What a drain found and did, for the log. */
export interface DrainReport {
  /** Connections open when the drain began. */
  readonly open: number;
  /** Idle connections closed at once. */
  readonly idle: number;
  /** Connections destroyed at the deadline. */
  readonly cut: number;
}

/** Extra wait after destroying, for the sockets' 'close' events (they follow on the next turns). */
const CLOSE_GRACE_MS = 1000;

/** Tracks the sockets fed to one http.Server and drains them on stop. */
export class HTTPConnections {
  private readonly server: http.Server;
  private readonly sockets = new Map<net.Socket, SocketState>();
  private draining = false;
  private onEmpty: (() => void) | null = null;

  constructor(server: http.Server) {
    this.server = server;
    this.watch();
  }

  /** How many connections are open. */
  get size(): number {
    return this.sockets.size;
  }

  /** Hands a connected socket to the http.Server (destroyed instead while draining). */
  accept(socket: net.Socket): void {
    if (this.draining) {
      socket.destroy();
      return;
    }
    this.sockets.set(socket, { responses: new Set(), upgraded: false });
    socket.once('close', () => this.forget(socket));
    this.server.emit('connection', socket);
  }

  /** Starts accepting again after a drain (a restarted service). */
  reset(): void {
    this.draining = false;
  }

  /** Drains as the module notes say; resolves once every connection is closed (at most `timeout` seconds plus a moment). */
  drain(timeout: number): Promise<DrainReport> {
    this.draining = true;
    const open = this.sockets.size;
    let idle = 0;
    for (const [socket, state] of this.sockets) {
      if (this.isIdle(state)) {
        idle += 1;
        socket.destroy();
      } else {
        for (const res of state.responses) closeAfter(res);
      }
    }
    return this.waitOrCut(timeout).then((cut) => ({ open, idle, cut }));
  }

  /** Destroys every connection at once (the runner's last step, or the deadline). @returns how many. */
  destroyAll(): number {
    const all = [...this.sockets.keys()];
    for (const s of all) s.destroy();
    return all.length;
  }

  private isIdle(state: SocketState): boolean {
    return state.responses.size === 0 && !state.upgraded;
  }

  private waitOrCut(timeout: number): Promise<number> {
    if (this.sockets.size === 0) return Promise.resolve(0);
    return new Promise<number>((resolve) => {
      let cut = 0;
      let grace: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        cut = this.destroyAll();
        grace = setTimeout(done, CLOSE_GRACE_MS);
      }, Math.max(0, timeout * 1000));
      const done = (): void => {
        clearTimeout(deadline);
        clearTimeout(grace);
        this.onEmpty = null;
        resolve(cut);
      };
      this.onEmpty = done;
    });
  }

  private forget(socket: net.Socket): void {
    this.sockets.delete(socket);
    if (this.sockets.size === 0) this.onEmpty?.();
  }

  private watch(): void {
    this.server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.requested(req, res));
    for (const event of ['upgrade', 'connect'] as const) this.watchTakeover(event);
  }

  /**
   * Marks sockets taken over by 'upgrade' or 'connect' listeners. The marker
   * is attached only while the application has a listener of its own: Node
   * answers upgrade and CONNECT requests differently when there is none.
   */
  private watchTakeover(event: 'upgrade' | 'connect'): void {
    const server = this.server;
    const mark = (_req: unknown, socket: net.Socket): void => this.upgraded(socket);
    const sync = (): void => {
      const listeners = server.listeners(event);
      const ours = listeners.includes(mark);
      const theirs = listeners.length - (ours ? 1 : 0);
      if (theirs > 0 && !ours) server.prependListener(event, mark);
      else if (theirs === 0 && ours) server.removeListener(event, mark);
    };
    // newListener fires before the listener is added, removeListener after it is removed.
    server.on('newListener', (e: string | symbol) => e === event && queueMicrotask(sync));
    server.on('removeListener', (e: string | symbol) => e === event && queueMicrotask(sync));
    sync();
  }

  private requested(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    const state = this.sockets.get(socket);
    if (state === undefined) return;
    state.responses.add(res);
    if (this.draining) closeAfter(res);
    res.once('close', () => this.responded(socket, state, res));
  }

  private responded(socket: net.Socket, state: SocketState, res: http.ServerResponse): void {
    state.responses.delete(res);
    if (this.draining && this.isIdle(state)) socket.end();
  }

  private upgraded(socket: net.Socket): void {
    const state = this.sockets.get(socket);
    if (state !== undefined) state.upgraded = true;
  }
}

/** Asks Node to close the connection after this response (when its headers can still change). */
function closeAfter(res: http.ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
