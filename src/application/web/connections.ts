/**
 * The connections HTTPServer hands to its http.Server, and the graceful
 * drain of a stop:
 *
 * 1. an idle keep-alive connection (no request in flight) is closed after
 *    KEEPALIVE_LINGER_MS unless a request arrives first (one already on its
 *    way when the stop began): that request is answered with
 *    `Connection: close`, so a client reusing its pooled connection under
 *    load is answered instead of reset. A connection that has not sent its
 *    first request yet (accepted just before the stop, or while the port
 *    closes) waits up to FIRST_REQUEST_GRACE_MS for it (Go's
 *    http.Server.Shutdown treats new connections alike). Both waits end at
 *    the deadline. Under socket activation this is what keeps a restart from
 *    resetting the clients whose connections the old process accepted last;
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
  /** Requests seen on the socket (0: a new connection, not idle yet). */
  requests: number;
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

/** How long a drain waits for the first request of a new connection. */
const FIRST_REQUEST_GRACE_MS = 2000;
/** How long a drain keeps an idle keep-alive connection open for a request already on its way. */
const KEEPALIVE_LINGER_MS = 250;

/** Extra wait after destroying, for the sockets' 'close' events (they follow on the next turns). */
const CLOSE_GRACE_MS = 1000;

/** Tracks the sockets fed to one http.Server and drains them on stop. */
export class HTTPConnections {
  private readonly server: http.Server;
  private readonly sockets = new Map<net.Socket, SocketState>();
  private draining = false;
  /** False from a drain's start until the port is closed: connections may still arrive. */
  private portClosed = true;
  private drainDeadline = 0;
  private onEmpty: (() => void) | null = null;

  constructor(server: http.Server) {
    this.server = server;
    this.watch();
  }

  /** How many connections are open. */
  get size(): number {
    return this.sockets.size;
  }

  /** Hands a connected socket to the http.Server; while draining it is served once, with `Connection: close`. */
  accept(socket: net.Socket): void {
    const state: SocketState = { responses: new Set(), upgraded: false, requests: 0 };
    this.sockets.set(socket, state);
    socket.once('close', () => this.forget(socket));
    this.server.emit('connection', socket);
    if (this.draining) this.closeIfStillIdle(socket, state);
  }

  /** Starts accepting again after a drain (a restarted service). */
  reset(): void {
    this.draining = false;
    this.portClosed = true;
  }

  /** The port is closed: no connection arrives any more, so the drain may end when none is left. */
  closed(): void {
    this.portClosed = true;
    if (this.sockets.size === 0) this.onEmpty?.();
  }

  /** Drains as the module notes say; resolves once every connection is closed (at most `timeout` seconds plus a moment). */
  drain(timeout: number): Promise<DrainReport> {
    this.draining = true;
    this.portClosed = false;
    this.drainDeadline = performance.now() + Math.max(0, timeout * 1000);
    const open = this.sockets.size;
    let idle = 0;
    for (const [socket, state] of this.sockets) {
      if (!this.isIdle(state)) {
        for (const res of state.responses) closeAfter(res);
      } else {
        if (state.requests > 0) idle += 1;
        this.closeIfStillIdle(socket, state);
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

  /** Closes an idle connection that gets no request within its wait (see the module notes), at the latest at the deadline. */
  private closeIfStillIdle(socket: net.Socket, state: SocketState): void {
    const grace = state.requests === 0 ? FIRST_REQUEST_GRACE_MS : KEEPALIVE_LINGER_MS;
    const seen = state.requests;
    const timer = setTimeout(
      () => {
        if (state.requests === seen && this.isIdle(state)) socket.destroy();
      },
      Math.min(grace, Math.max(0, this.drainDeadline - performance.now())),
    );
    socket.once('close', () => clearTimeout(timer));
  }

  private isIdle(state: SocketState): boolean {
    return state.responses.size === 0 && !state.upgraded;
  }

  private waitOrCut(timeout: number): Promise<number> {
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
    if (this.sockets.size === 0 && this.portClosed) this.onEmpty?.();
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
    state.requests += 1;
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
