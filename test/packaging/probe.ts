// Probes shared by the lifecycle tests: the echo port, unit properties, journal counts.
import type { Container } from '../../src/verify/container.js';

async function probe(c: Container, port: number): Promise<string> {
  const r = await c.exec(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'ping\\n' >&3 && timeout 3 head -c 5 <&3`]);
  return r.stdout;
}

export async function waitPort(c: Container, port: number): Promise<string> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    last = await probe(c, port);
    if (last === 'ping\n') return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

export async function prop(c: Container, unit: string, p: string): Promise<string> {
  return (await c.unitProperties(unit, [p]))[p] ?? '';
}

export async function cursor(c: Container): Promise<string> {
  const r = await c.exec(['journalctl', '-n', '0', '--show-cursor', '-q']);
  return /cursor: (.*)/.exec(r.stdout)?.[1]?.trim() ?? '';
}

/** "Started UNIT" journal lines after `cur`; waits (journald writes asynchronously) until at least `atLeast` appear or 5 s pass. */
export async function startsSince(c: Container, cur: string, unit: string, atLeast = 1): Promise<number> {
  let n = 0;
  for (let i = 0; i < 50; i++) {
    await c.exec(['journalctl', '--sync']);
    const r = await c.exec(['journalctl', `--after-cursor=${cur}`, '-u', unit, '-o', 'cat', '--no-pager']);
    n = r.stdout.split('\n').filter((l) => l.startsWith('Started ')).length;
    if (n >= atLeast) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  // settle, then count again so a late second start is not missed
  await new Promise((res) => setTimeout(res, 300));
  await c.exec(['journalctl', '--sync']);
  const r = await c.exec(['journalctl', `--after-cursor=${cur}`, '-u', unit, '-o', 'cat', '--no-pager']);
  return r.stdout.split('\n').filter((l) => l.startsWith('Started ')).length;
}
