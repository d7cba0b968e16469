/**
 * The `web` plugin: a static file server on node:http.
 *
 *   tacd web [--port 8080] [--interface ADDR] [--path DIR]
 *   tacd web --listen ENDPOINT [--path DIR]   (systemd:domain=INET:name=web, unix:/run/web.sock, …)
 *
 * It runs on the framework's HTTPServer, so --listen takes any server
 * endpoint (socket activation and UNIX sockets work as for the echo
 * plugin) and a stop drains: idle keep-alive connections close at once,
 * requests in flight get up to 10 s.
 *
 * GET and HEAD only (405 otherwise); a Content-Type from the extension;
 * single byte ranges (206, 416 when unsatisfiable); index.html or a listing
 * for directories. Nothing outside --path is ever served: a path segment
 * '..' (also when percent-encoded), a NUL or a backslash is refused with
 * 403, and the realpath of the target must stay under the realpath of
 * --path, so symlinks pointing outside are refused too.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { defineServiceMaker, parsePort } from '../application/service-maker.js';
import type { IService } from '../application/service.js';
import type { IListeningPort, IStreamServerEndpoint } from '../application/interfaces.js';
import { serverFromString, quoteStringArgument } from '../application/endpoints/parse.js';
import { TCP4ServerEndpoint, TCP6ServerEndpoint } from '../application/endpoints/endpoints.js';
import { CannotListenError } from '../application/internet/errors.js';
import { HTTPServer } from '../application/web/http-server.js';
import { listenEndpoint } from './endpoint-service.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.zip': 'application/zip',
};

/** The Content-Type for a file name (application/octet-stream when unknown). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A byte range from a Range header: {start, end} inclusive, 'unsatisfiable', or null (serve everything). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges or garbage: RFC 9110 allows ignoring Range
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Maps a request path to a file under `root` (a realpath), or a status when
 * it must not be served. Checks the decoded segments and the realpath.
 */
export function resolveRequestPath(root: string, urlPath: string): { file: string } | { status: number } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 403 };
  if (decoded.split('/').some((s) => s === '..')) return { status: 403 };
  const candidate = path.join(root, decoded);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return { status: 404 };
  }
  if (real !== root && !real.startsWith(root + path.sep)) return { status: 403 };
  return { file: real };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res: http.ServerResponse, status: number, body: string, head: boolean, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(head ? undefined : body);
}

function serveDirectory(res: http.ServerResponse, dir: string, urlPath: string, head: boolean): void {
  const names = fs.readdirSync(dir).sort();
  const items = names.map((n) => `<li><a href="${escapeHtml(encodeURIComponent(n))}">${escapeHtml(n)}</a></li>`).join('\n');
  const body = `<!DOCTYPE html>\n<title>Index of ${escapeHtml(urlPath)}</title>\n<h1>Index of ${escapeHtml(urlPath)}</h1>\n<ul>\n${items}\n</ul>\n`;
  send(res, 200, body, head, { 'Content-Type': 'text/html; charset=utf-8' });
}

function serveFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, st: fs.Stats, head: boolean): void {
  const range = parseRange(req.headers.range, st.size);
  const base: http.OutgoingHttpHeaders = { 'Content-Type': contentTypeOf(file), 'Accept-Ranges': 'bytes', 'Last-Modified': st.mtime.toUTCString() };
  if (range === 'unsatisfiable') {
    send(res, 416, 'Range Not Satisfiable\n', head, { 'Content-Range': `bytes */${st.size}` });
    return;
  }
  const { start, end } = range ?? { start: 0, end: st.size - 1 };
  const length = st.size === 0 ? 0 : end - start + 1;
  res.writeHead(range ? 206 : 200, { ...base, 'Content-Length': length, ...(range ? { 'Content-Range': `bytes ${start}-${end}/${st.size}` } : {}) });
  if (head || length === 0) {
    res.end();
    return;
  }
  fs.createReadStream(file, { start, end })
    .on('error', () => res.destroy())
    .pipe(res);
}

/** The request handler for a root directory (a realpath). */
export function staticHandler(root: string): http.RequestListener {
  return (req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      send(res, 405, 'Method Not Allowed\n', false, { Allow: 'GET, HEAD' });
      return;
    }
    const urlPath = (req.url ?? '/').split('?')[0]!;
    const r = resolveRequestPath(root, urlPath);
    if ('status' in r) {
      send(res, r.status, `${http.STATUS_CODES[r.status]}\n`, head);
      return;
    }
    let st = fs.statSync(r.file);
    let file = r.file;
    if (st.isDirectory()) {
      if (!urlPath.endsWith('/')) {
        send(res, 301, 'Moved Permanently\n', head, { Location: `${urlPath}/` });
        return;
      }
      const index = path.join(file, 'index.html');
      if (!fs.existsSync(index)) return serveDirectory(res, file, urlPath, head);
      file = index;
      st = fs.statSync(index);
    }
    if (!st.isFile()) return send(res, 403, 'Forbidden\n', head);
    serveFile(req, res, file, st, head);
  };
}

/**
 * Every address for `--interface ''`, as Node's own default listen: IPv6
 * `::` (which also takes IPv4 on a dual-stack host), else 0.0.0.0 where the
 * host has no IPv6.
 */
function everyAddress(port: number): IStreamServerEndpoint {
  const six = new TCP6ServerEndpoint(port, { interface: '::' });
  const four = new TCP4ServerEndpoint(port);
  return {
    listen: (factory) => six.listen(factory).catch((e: unknown) => (e instanceof CannotListenError && e.errno === 'EAFNOSUPPORT' ? four.listen(factory) : Promise.reject(e))),
    describe: () => four.describe(),
  };
}

/** The endpoint for --port/--interface. */
function portEndpoint(port: number, iface: string): IStreamServerEndpoint {
  return iface === '' ? everyAddress(port) : serverFromString(`tcp:${port}:interface=${quoteStringArgument(iface)}`);
}

/** The static file server: the framework's HTTPServer (graceful drain on stop) on --port/--interface or --listen. */
export class StaticWebServer extends HTTPServer {
  readonly root: string;
  private readonly where: string;

  constructor(root: string, endpoint: IStreamServerEndpoint, where: string) {
    super(endpoint, staticHandler(root));
    this.root = root;
    this.where = where;
  }

  override async privilegedStartService(): Promise<void> {
    const wasListening = this.port !== null;
    await super.privilegedStartService();
    const port = this.port as IListeningPort | null;
    if (wasListening || port === null) return;
    const host = port.getHost();
    const where = host.type === 'TCP' || host.type === 'TCP6' ? `http://${this.where}:${host.port}/` : this.where;
    this.log.info('serving {root} on {where}', { root: this.root, where });
  }
}

export const webServiceMaker = defineServiceMaker({
  tapname: 'web',
  description: 'A static file web server.',
  options: [
    { long: 'port', short: 'p', description: 'TCP port to listen on.', default: 8080, parse: parsePort },
    { long: 'interface', description: "Address to bind ('' for every address).", default: '' },
    { long: 'path', description: 'Directory to serve.', default: '.', metavar: 'DIR' },
    { long: 'listen', description: 'Endpoint description to listen on (systemd:domain=INET:name=web, unix:/run/web.sock); overrides --port and --interface.', metavar: 'ENDPOINT' },
  ] as const,
  makeService(o): IService {
    const root = path.resolve(o.path);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      throw new UsageError(`--path: not a directory: ${root}`, { code: 'tacd.web.path' });
    }
    const real = fs.realpathSync(root);
    if (o.listen === undefined) return new StaticWebServer(real, portEndpoint(o.port, o.interface), o.interface || '0.0.0.0');
    return new StaticWebServer(real, listenEndpoint(o.listen), o.listen);
  },
});

export default webServiceMaker;
