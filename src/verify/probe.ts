/**
 * `--probe` for `ts2deb verify`: how to tell, from inside the container, that
 * the installed service answers.
 *   tcp:PORT         a TCP connect to 127.0.0.1:PORT (bash's /dev/tcp)
 *   http(s)://...    curl -sf (any 2xx/3xx)
 *   unix:PATH        a connect to a UNIX stream socket (with the container's node)
 *   cmd:COMMAND      `sh -c COMMAND` exits 0
 * Without --probe, verify probes the first TCP port the service listens on,
 * if any (autoProbe).
 */
import { UsageError } from '../core/errors.js';
import type { Container } from './container.js';

export type Probe =
  | { readonly kind: 'tcp'; readonly port: number; readonly text: string }
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

/** One attempt; resolves with undefined when the service answered, or why not. */
export async function probeOnce(c: Container, p: Probe): Promise<string | undefined> {
  let r;
  switch (p.kind) {
    case 'tcp':
      r = await c.exec(['bash', '-c', 'exec 3<>"/dev/tcp/127.0.0.1/$1"', 'probe', String(p.port)], { timeoutMs: 5_000 });
      return r.exitCode === 0 ? undefined : `nothing accepts connections on 127.0.0.1:${p.port}`;
    case 'http':
      r = await c.exec(['curl', '-sS', '-f', '-o', '/dev/null', '--max-time', '5', '--', p.url], { timeoutMs: 8_000 });
      return r.exitCode === 0 ? undefined : `${p.url}: ${r.stderr.trim().split('\n').pop() || `curl exited ${r.exitCode}`}`;
    case 'unix':
      r = await c.exec(
        ['node', '-e', "const s=require('net').connect(process.argv[1]);s.on('connect',()=>s.destroy());s.on('error',(e)=>{console.error(e.code||e.message);process.exitCode=1})", p.path],
        { timeoutMs: 8_000 },
      );
      return r.exitCode === 0 ? undefined : `unix socket ${p.path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`;
    case 'cmd':
      r = await c.exec(['sh', '-c', p.command], { timeoutMs: 15_000 });
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

/** The TCP ports the main process of `unit` and its descendants listen on (ss inside the container), lowest first. */
export async function listeningPorts(c: Container, unit: string): Promise<number[]> {
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
  const ports = new Set<number>();
  for (const line of ss.split('\n')) {
    if (![...pids].some((pid) => line.includes(`pid=${pid},`))) continue;
    const local = line.trim().split(/\s+/)[3] ?? '';
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (port > 0) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}
