// src/verify/probe.ts without a container: a stand-in whose exec() runs the
// probe's command on this host through run() (as the real one runs nsenter),
// so the probes' own shell, timeouts and retries are what is tested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { run, type RunResult } from '../../src/core/exec.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import type { Container, ExecOptions } from '../../src/verify/container.js';
import { listenerOf, parseProbe, probeOnce, probeUntil } from '../../src/verify/probe.js';

/** A Container whose exec runs argv here; `shorten` caps each timeout (ms) so a test need not wait the probe's 5-15 s. */
function hostContainer(opts: { shorten?: number; rewrite?: (argv: readonly string[], call: number) => readonly string[] } = {}): Container & { calls: number } {
  const c = {
    calls: 0,
    async exec(argv: readonly string[], o: ExecOptions = {}): Promise<RunResult> {
      const call = ++c.calls;
      const a = opts.rewrite ? opts.rewrite(argv, call) : argv;
      const timeoutMs = o.timeoutMs === undefined ? undefined : Math.min(o.timeoutMs, opts.shorten ?? o.timeoutMs);
      return run(a[0]!, a.slice(1), { allowFailure: true, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    },
  };
  return c as unknown as Container & { calls: number };
}

async function listen(host: string): Promise<net.Server> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return server;
}

const portOf = (s: net.Server): number => (s.address() as net.AddressInfo).port;

test('probeOnce: a probe that does not finish in time is a reason, not an error, and probeUntil retries it', async () => {
  // the first attempt hangs (killed at the shortened timeout), the second answers
  const c = hostContainer({ shorten: 300, rewrite: (argv, call) => (call === 1 ? ['sleep', '5'] : argv) });
  assert.equal(await probeOnce(c, parseProbe('cmd:true')), "'true' did not finish within 15 s");
  assert.equal(c.calls, 1);
  assert.equal(await probeUntil(c, parseProbe('cmd:true'), 5_000), undefined);

  const hangs = hostContainer({ shorten: 200, rewrite: () => ['sleep', '5'] });
  assert.equal(await probeOnce(hangs, parseProbe('tcp:9')), 'connecting to 127.0.0.1:9 or [::1]:9: no answer within 5 s');
  assert.equal(await probeOnce(hangs, parseProbe('http://127.0.0.1:9/')), 'http://127.0.0.1:9/: no answer within 8 s');
  assert.equal(await probeOnce(hangs, parseProbe('unix:/run/x.sock')), 'unix socket /run/x.sock: no answer within 8 s');
  const t0 = Date.now();
  assert.equal(await probeUntil(hangs, parseProbe('cmd:true'), 1_000), "'true' did not finish within 15 s");
  assert.ok(hangs.calls >= 5, `retried until the deadline (${hangs.calls} attempts in ${Date.now() - t0} ms)`);
});

test('probeOnce tcp: a port bound to 127.0.0.1 or to [::1] answers; a closed one names both loopbacks', async () => {
  const c = hostContainer();
  for (const host of ['127.0.0.1', '::1']) {
    const server = await listen(host);
    try {
      assert.equal(await probeOnce(c, parseProbe(`tcp:${portOf(server)}`)), undefined, `bound to ${host}`);
      assert.equal(await probeOnce(c, { kind: 'tcp', port: portOf(server), host, text: 'x' }), undefined);
    } finally {
      server.close();
    }
  }
  const closed = await listen('127.0.0.1');
  const port = portOf(closed);
  closed.close();
  assert.equal(await probeOnce(c, parseProbe(`tcp:${port}`)), `nothing accepts connections on 127.0.0.1:${port} or [::1]:${port}`);
  assert.equal(await probeOnce(c, { kind: 'tcp', port, host: '::1', text: `tcp:${port}` }), `nothing accepts connections on [::1]:${port}`);
});

test("listenerOf: the address ss prints, a wildcard as undefined (any loopback)", () => {
  assert.deepEqual(listenerOf('0.0.0.0:7101'), { port: 7101, host: undefined });
  assert.deepEqual(listenerOf('*:7101'), { port: 7101, host: undefined });
  assert.deepEqual(listenerOf('[::]:7101'), { port: 7101, host: undefined });
  assert.deepEqual(listenerOf('[::1]:8000'), { port: 8000, host: '::1' });
  assert.deepEqual(listenerOf('127.0.0.1:8000'), { port: 8000, host: '127.0.0.1' });
  assert.deepEqual(listenerOf('[::ffff:127.0.0.1]:8000'), { port: 8000, host: '127.0.0.1' });
  assert.deepEqual(listenerOf('127.0.0.53%lo:53'), { port: 53, host: '127.0.0.53' });
  assert.equal(listenerOf('garbage'), undefined);
  assert.equal(listenerOf('[::1]:0'), undefined);
});

test('parseProbe: the four kinds and what is refused', () => {
  assert.deepEqual(parseProbe('tcp:80'), { kind: 'tcp', port: 80, text: 'tcp:80' });
  assert.equal(parseProbe('https://example.org/health').kind, 'http');
  assert.deepEqual(parseProbe('unix:/run/x.sock'), { kind: 'unix', path: '/run/x.sock', text: 'unix:/run/x.sock' });
  assert.deepEqual(parseProbe('cmd:true'), { kind: 'cmd', command: 'true', text: 'cmd:true' });
  for (const bad of ['tcp:0', 'tcp:x', 'unix:relative.sock', 'cmd:', 'cmd:  ', 'http://', 'ftp://x', '8080']) {
    assert.throws(() => parseProbe(bad), (e: Error & { exitCode?: number }) => e.exitCode === ExitCode.USAGE && !e.message.includes('\n'), bad);
  }
});
