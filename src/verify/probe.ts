/**
 * `--probe` for `ts2deb verify`: how to tell, from inside the container, that
 * the installed service answers.
 *   tcp:PORT         a TCP connect to 127.0.0.1:PORT, else [::1]:PORT (bash's /dev/tcp)
 *   http(s)://...    curl -sf (any 2xx/3xx)
 *   unix:PATH        a connect to a UNIX stream socket (with the container's node)
 *   cmd:COMMAND      `sh -c COMMAND` exits 0
 * Without --probe, verify probes the first TCP port the service listens on,
 * if any, at the address `ss` reports for it (a loopback for a wildcard).
 * An attempt that does not finish in time is a reason like any other, so
 * probeUntil retries it.
 */
import { UsageError } from '../core/errors.js';
import type { Container } from './container.js';

export type Probe =
  /** `host`: the one address to connect to; without it 127.0.0.1, then ::1. */
  | { readonly kind: 'tcp'; readonly port: number; readonly host?: string; readonly text: string }
  | { readonly kind: 'http'; readonly url: string; readonly text: string }
  | { readonly kind: 'unix'; readonly path: string; readonly text: string }
  | { readonly kind: 'cmd'; readonly command: string; readonly text: string };

const PROBE_HELP = 'expected tcp:PORT, http://HOST[:PORT]/PATH, unix:/PATH or cmd:COMMAND';

/** Parses a --probe value; a UsageError (64) names what is wrong. */
export function parseProbe(text: string): Probe {
  if (text.startsWith('tcp:')) {
    const p = text.slice(4);
    const port = Number(p);
    if (!/^\d+$/.test(p) || port < 1 || port > 65535) throw new UsageError(`--probe ${text}: the port must be 1-65535`, { code: 'verify.probe.port' });
    return { kind: 'tcp', port, text };
  }
  if (/^https?:\/\//.test(text)) {
    try {
      new URL(text);
    } catch {
      throw new UsageError(`--probe ${text}: not a valid URL`, { code: 'verify.probe.url' });
    }
    return { kind: 'http', url: text, text };
  }
  if (text.startsWith('unix:')) {
    const p = text.slice(5);
    if (!p.startsWith('/') || p.includes('\n') || p.includes('\0')) throw new UsageError(`--probe ${text}: the socket path must be absolute`, { code: 'verify.probe.unix' });
    return { kind: 'unix', path: p, text };
  }
  if (text.startsWith('cmd:')) {
    const command = text.slice(4);
    if (command.trim() === '') throw new UsageError(`--probe ${text}: the command is empty`, { code: 'verify.probe.cmd' });
    return { kind: 'cmd', command, text };
  }
  throw new UsageError(`--probe ${JSON.stringify(text)}: ${PROBE_HELP}`, { code: 'verify.probe.kind' });
}

/** host:port as a person writes it ([::1]:80 for IPv6). */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One attempt; resolves with undefined when the service answered, or why not. */
export async function probeOnce(c: Container, p: Probe): Promise<string | undefined> {
  let r;
  const late = (ms: number): string => `no answer within ${ms / 1000} s`;
  switch (p.kind) {
    case 'tcp': {
      // ': <>' rather than 'exec <>': a failed redirection of exec would end bash before the second try
      const hosts = p.host !== undefined ? [p.host] : ['127.0.0.1', '::1'];
      const script = 'port=$1; shift; for h in "$@"; do : 3<>"/dev/tcp/$h/$port" && exit 0; done; exit 1';
      r = await c.exec(['bash', '-c', script, 'probe', String(p.port), ...hosts], { timeoutMs: 5_000 });
      const where = hosts.map((h) => hostPort(h, p.port)).join(' or ');
      if (r.timedOut) return `connecting to ${where}: ${late(5_000)}`;
      return r.exitCode === 0 ? undefined : `nothing accepts connections on ${where}`;
    }
    case 'http':
      r = await c.exec(['curl', '-sS', '-f', '-o', '/dev/null', '--max-time', '5', '--', p.url], { timeoutMs: 8_000 });
      if (r.timedOut) return `${p.url}: ${late(8_000)}`;
      return r.exitCode === 0 ? undefined : `${p.url}: ${r.stderr.trim().split('\n').pop() || `curl exited ${r.exitCode}`}`;
    case 'unix':
      r = await c.exec(
        ['node', '-e', "const s=require('net').connect(process.argv[1]);s.on('connect',()=>s.destroy());s.on('error',(e)=>{console.error(e.code||e.message);process.exitCode=1})", p.path],
        { timeoutMs: 8_000 },
      );
      if (r.timedOut) return `unix socket ${p.path}: ${late(8_000)}`;
      return r.exitCode === 0 ? undefined : `unix socket ${p.path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`;
    case 'cmd':
      r = await c.exec(['sh', '-c', p.command], { timeoutMs: 15_000 });
      if (r.timedOut) return `'${p.command}' did not finish within 15 s`;
      return r.exitCode === 0 ? undefined : `'${p.command}' exited ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').pop()}` : ''}`;
  }
}

/** Retries probeOnce until it answers or `timeoutMs` passes; undefined on success, else the last reason. */
export async function probeUntil(c: Container, p: Probe, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = await probeOnce(c, p);
    if (why === undefined || Date.now() > deadline) return why;
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** A TCP socket the service listens on: its port, and the address to reach it at (undefined for a wildcard: any loopback). */
export interface Listener {
  readonly port: number;
  readonly host: string | undefined;
}

/**
 * The address to connect to for a listening socket's local address as `ss`
 * prints it ('0.0.0.0:80', '*:80', '[::]:80', '[::1]:80', '127.0.0.1:80',
 * '[::ffff:127.0.0.1]:80', '10.0.0.5%eth0:80'): undefined for a wildcard.
 */
export function listenerOf(local: string): Listener | undefined {
  const colon = local.lastIndexOf(':');
  if (colon < 0) return undefined;
  const port = Number(local.slice(colon + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  let host = local.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = host.replace(/%.*$/, ''); // an interface scope (%eth0, %lo)
  host = host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const wildcard = host === '' || host === '*' || host === '0.0.0.0' || host === '::';
  return { port, host: wildcard ? undefined : host };
}

/** The TCP sockets the main process of `unit` and its descendants listen on (ss inside the container), lowest port first. */
export async function listeningSockets(c: Container, unit: string): Promise<Listener[]> {
  const main = (await c.exec(['systemctl', 'show', '-p', 'MainPID', '--value', unit])).stdout.trim();
  if (!/^[1-9]\d*$/.test(main)) return [];
  const parents = new Map<string, string[]>();
  for (const line of (await c.exec(['ps', '-e', '-o', 'pid=,ppid='])).stdout.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/);
    if (pid && ppid) parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const pids = new Set<string>();
  const todo = [main];
  while (todo.length) {
    const p = todo.pop()!;
    if (pids.has(p)) continue;
    pids.add(p);
    todo.push(...(parents.get(p) ?? []));
  }
  const ss = (await c.exec(['ss', '-Hltnp'])).stdout;
  const found = new Map<string, Listener>();
  for (const line of ss.split('\n')) {
    if (![...pids].some((pid) => line.includes(`pid=${pid},`))) continue;
    const l = listenerOf(line.trim().split(/\s+/)[3] ?? '');
    if (l) found.set(`${l.host ?? '*'} ${l.port}`, l);
  }
  // lowest port first; for one port a wildcard (reachable on any loopback) before a specific address
  return [...found.values()].sort((a, b) => a.port - b.port || (a.host === undefined ? -1 : b.host === undefined ? 1 : 0));
}
