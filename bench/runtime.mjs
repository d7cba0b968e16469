#!/usr/bin/env node
// Runtime benchmark: `tacd echo` (bin/tacd.js) and the same plugin as a
// package ships it (launcher.cjs + app.asar) beside Twisted's `twistd -ny
// echo.tac` (python3-twisted) and a bare node:net echo server, on loopback.
//   throughput   64 concurrent connections ping-ponging 64-byte and 16 KiB
//                messages, DURATION s each (after a 0.3 s warm-up)
//   start→ready  spawn until the port accepts a connection
//   idle RSS     VmRSS from /proc/PID/status 0.5 s after start, before any load
// The load generator runs in its own process: a small C epoll client compiled
// with `cc` when there is one (about 3x cheaper per round trip than a Node
// client, so the server under test is the bottleneck), else a Node client.
// Beside each throughput the server's CPU use during the run is printed:
// near 100% means the server, not the generator, was the limit.
// Each figure is the median of BENCH_ROUNDS (default 5) interleaved rounds.
// Usage: node bench/runtime.mjs [--duration SECONDS]   (needs `npm run build`)
// BENCH_TACD_BASELINE=PATH/bin/tacd.js adds another build of tacd as a row.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summaryRow } from './_summary.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const durationArg = process.argv.indexOf('--duration');
const DURATION_MS = (durationArg > 0 ? Number(process.argv[durationArg + 1]) : 3) * 1000;
const WARMUP_MS = 300;
const CONNECTIONS = 64;
const SIZES = [64, 16384];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CLK_TCK = 100; // /proc/PID/stat ticks (USER_HZ, 100 on Linux)

const TWISTED_TAC = `
import os
from twisted.application import internet, service
from twisted.internet import protocol

class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)

application = service.Application("echo")
internet.TCPServer(int(os.environ["PORT"]), protocol.Factory.forProtocol(Echo), interface="127.0.0.1").setServiceParent(application)
`;

// The error handler is needed: the generator's exit resets connections with data in flight.
const BARE_NODE = `
const net = require('node:net');
net.createServer((s) => { s.on('data', (d) => s.write(d)); s.on('error', () => {}); }).listen(Number(process.env.PORT), '127.0.0.1');
`;

// The C load generator: echoload PORT CONNECTIONS SIZE MS → "round-trips seconds".
const C_LOADGEN = `// echo load generator: N connections ping-pong SIZE-byte messages for MS ms; prints "roundtrips seconds"
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
static int ep, *fd, size; static long *sent; static char *armed; static char *msg;
static void send_some(int i) {
  ssize_t w = write(fd[i], msg + sent[i], size - sent[i]);
  if (w > 0) sent[i] += w;
  else if (w < 0 && errno != EAGAIN) { perror("write"); exit(1); }
  char want = sent[i] < size;
  if (want != armed[i]) {
    struct epoll_event e = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u32 = i };
    epoll_ctl(ep, EPOLL_CTL_MOD, fd[i], &e);
    armed[i] = want;
  }
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: echoload PORT CONNS SIZE MS\\n"); return 2; }
  int port = atoi(argv[1]), n = atoi(argv[2]), ms = atoi(argv[4]); size = atoi(argv[3]);
  msg = malloc(size); char *buf = malloc(1 << 20);
  memset(msg, 'x', size);
  fd = calloc(n, sizeof(int)); long *got = calloc(n, sizeof(long)); sent = calloc(n, sizeof(long));
  ep = epoll_create1(0); armed = calloc(n, 1);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  for (int i = 0; i < n; i++) {
    fd[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd[i], (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    int one = 1; setsockopt(fd[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd[i], F_SETFL, O_NONBLOCK);
    struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &e);
  }
  // warm-up is left to the caller; start now
  long count = 0; double t0 = now(), end = t0 + ms / 1000.0, t = t0;
  struct epoll_event ev[256];
  for (int i = 0; i < n; i++) sent[i] = 0, got[i] = 0;
  for (int i = 0; i < n; i++) send_some(i);
  while ((t = now()) < end) {
    int k = epoll_wait(ep, ev, 256, 50);
    for (int j = 0; j < k; j++) {
      int i = ev[j].data.u32;
      if (ev[j].events & EPOLLIN) {
        for (;;) {
          ssize_t r = read(fd[i], buf, 1 << 20);
          if (r > 0) { got[i] += r; continue; }
          if (r == 0) { fprintf(stderr, "server closed\\n"); return 1; }
          if (errno == EAGAIN) break;
          perror("read"); return 1;
        }
        if (got[i] >= size && sent[i] == size) { count++; got[i] -= size; sent[i] = 0; send_some(i); }
      }
      if ((ev[j].events & EPOLLOUT) && sent[i] < size) send_some(i);
    }
  }
  printf("%ld %.6f\\n", count, t - t0);
  return 0;
}
`;

// The fallback load generator (no C compiler): the same ping-pong in Node.
const NODE_LOADGEN = `
const net = require('node:net');
const [port, conns, size, ms] = process.argv.slice(1).map(Number);
const msg = Buffer.alloc(size, 'x');
let count = 0, running = true;
const clients = [];
let open = 0;
for (let i = 0; i < conns; i++) {
  const c = net.connect(port, '127.0.0.1');
  c.setNoDelay(true);
  let pending = 0;
  c.on('data', (d) => {
    pending -= d.length;
    if (pending <= 0 && running) { count++; pending = size; c.write(msg); }
  });
  c.once('error', (e) => { console.error(e.message); process.exit(1); });
  c.once('connect', () => { clients.push(c); if (++open === conns) go(); });
  c.go = () => { pending = size; c.write(msg); };
}
function go() {
  const t0 = performance.now();
  for (const c of clients) c.go();
  setTimeout(() => { running = false; const s = (performance.now() - t0) / 1000; console.log(count + ' ' + s); process.exit(0); }, ms);
}
`;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function twistdCommand() {
  for (const p of ['/usr/bin/twistd3', '/usr/bin/twistd']) if (fs.existsSync(p)) return p;
  return null;
}

// Builds the C generator in `dir`; returns the command to run it, or the Node fallback.
function loadGenerator(dir) {
  const src = path.join(dir, 'echoload.c');
  const bin = path.join(dir, 'echoload');
  fs.writeFileSync(src, C_LOADGEN);
  const cc = spawnSync('cc', ['-O2', '-o', bin, src], { encoding: 'utf8' });
  if (cc.status === 0) return { name: 'C epoll client', argv: (port, size, ms) => [bin, String(port), String(CONNECTIONS), String(size), String(ms)] };
  const js = path.join(dir, 'echoload.cjs');
  fs.writeFileSync(js, NODE_LOADGEN);
  return { name: 'Node client (no cc found)', argv: (port, size, ms) => [process.execPath, js, String(port), String(CONNECTIONS), String(size), String(ms)] };
}

// Starts a server; resolves with the child and the ms from spawn until the port accepts.
async function start(server) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(server.cmd, server.args(port), { env: { ...process.env, PORT: String(port) }, stdio: 'ignore', cwd: server.cwd });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${server.name} exited during startup`);
    if (await accepts(port)) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  return { child, port, readyMs: performance.now() - t0 };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(t);
}

function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

// CPU seconds (user + system) the process has used.
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function runGenerator(gen, port, size, ms) {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = gen.argv(port, size, ms);
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.once('exit', (code) => {
      const [n, secs] = out.trim().split(' ').map(Number);
      if (code !== 0 || !(secs > 0)) reject(new Error(`load generator failed (${code}): ${err.trim()}`));
      else resolve(n / secs);
    });
  });
}

// Round trips per second at `size` bytes, and the server's CPU use (fraction of one core) meanwhile.
async function throughput(gen, pid, port, size) {
  await runGenerator(gen, port, size, WARMUP_MS);
  const t0 = performance.now();
  const c0 = cpuSeconds(pid);
  const rate = await runGenerator(gen, port, size, DURATION_MS);
  const cpu = (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
  return { rate, cpu };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// One round for one server: a start (timed), idle RSS, then a throughput run per message size.
async function round(gen, server) {
  const { child, port, readyMs } = await start(server);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const rss = rssKiB(child.pid);
    const tput = [];
    for (const size of SIZES) tput.push(await throughput(gen, child.pid, port, size));
    return { readyMs, rss, tput };
  } finally {
    await stop(child);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-bench-'));
fs.writeFileSync(path.join(dir, 'echo.tac'), TWISTED_TAC);
const tacdBin = path.join(root, 'bin', 'tacd.js');
if (!fs.existsSync(path.join(root, 'dist', 'tacd.cjs')) || !fs.existsSync(path.join(root, 'dist', 'src', 'bundle', 'bundle.js'))) {
  console.error('bench/runtime.mjs: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
// The packaged daemon: the echo plugin bundled as ts2deb/ts2rpm ship it (launcher.cjs + app.asar), run as its unit does.
const packaged = path.join(dir, 'packaged');
{
  const { bundleApp } = await import(path.join(root, 'dist', 'src', 'bundle', 'bundle.js'));
  const { createRenderer } = await import(path.join(root, 'dist', 'src', 'render', 'render.js'));
  const result = await bundleApp({ kind: 'plugin', plugin: 'echo' }, 'echo', createRenderer());
  for (const f of result.files) {
    fs.mkdirSync(path.dirname(path.join(packaged, f.rel)), { recursive: true });
    fs.writeFileSync(path.join(packaged, f.rel), f.data, { mode: f.mode });
  }
}
const servers = [
  { name: 'tacd echo', cmd: process.execPath, args: (p) => [tacdBin, '-n', '--pidfile=', 'echo', '--port', String(p), '--interface', '127.0.0.1'], cwd: dir },
  { name: 'tacd packaged', cmd: process.execPath, args: (p) => ['--enable-source-maps', path.join(packaged, 'launcher.cjs'), '--nodaemon', '--pidfile=', 'echo', '--port', String(p), '--interface', '127.0.0.1'], cwd: dir },
  { name: 'bare node:net', cmd: process.execPath, args: () => ['-e', BARE_NODE], cwd: dir },
];
// BENCH_TACD_BASELINE=/other/checkout/bin/tacd.js adds that build as a row, for before/after in one run.
if (process.env.BENCH_TACD_BASELINE) {
  const base = path.resolve(process.env.BENCH_TACD_BASELINE);
  servers.push({ name: 'tacd baseline', cmd: process.execPath, args: (p) => [base, '-n', '--pidfile=', 'echo', '--port', String(p), '--interface', '127.0.0.1'], cwd: dir });
}
const twistd = twistdCommand();
if (twistd) servers.push({ name: 'twistd -ny', cmd: twistd, args: () => ['-n', '--pidfile=', '-l', '-', '-y', 'echo.tac'], cwd: dir });
else console.log('(twistd not found: apt-get install python3-twisted; its column is skipped)');

// Rounds interleave the servers, so a burst of load on the machine hits all of them; medians per server.
const samples = new Map(servers.map((s) => [s.name, []]));
let gen;
try {
  gen = loadGenerator(dir);
  for (let i = 0; i < ROUNDS; i++) for (const s of servers) samples.get(s.name).push(await round(gen, s));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const results = servers.map((s) => {
  const xs = samples.get(s.name);
  return {
    name: s.name,
    readyMs: median(xs.map((x) => x.readyMs)),
    rssKiB: median(xs.map((x) => x.rss)),
    tput: SIZES.map((_, k) => ({ rate: median(xs.map((x) => x.tput[k].rate)), cpu: median(xs.map((x) => x.tput[k].cpu)) })),
  };
});

const byName = Object.fromEntries(results.map((r) => [r.name, r]));
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sizeName = (s) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);
console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${CONNECTIONS} connections ping-pong, ${DURATION_MS / 1000} s per size, load generator: ${gen.name}; medians of ${ROUNDS} interleaved rounds; load average ${os.loadavg()[0].toFixed(1)}`);
console.log('');
const tputCols = SIZES.map((s) => `rt/s ${sizeName(s)} (server CPU)`);
console.log(`| server          | ${tputCols.join(' | ')} | start→ready ms | idle RSS MiB |`);
console.log(`|-----------------|${tputCols.map((c) => '-'.repeat(c.length + 1) + ':').join('|')}|---------------:|-------------:|`);
for (const r of results) {
  const cells = r.tput.map((t, k) => `${fmt(t.rate)} (${fmt(100 * t.cpu)}%)`.padStart(tputCols[k].length));
  console.log(`| ${r.name.padEnd(15)} | ${cells.join(' | ')} | ${fmt(r.readyMs, 1).padStart(14)} | ${fmt(r.rssKiB / 1024, 1).padStart(12)} |`);
}
console.log('(server CPU: its CPU use during the run, 100% = one core busy; below that, the load generator or other load on the machine was the limit)');
const t = byName['tacd echo'];
for (const peer of ['twistd -ny', 'bare node:net', 'tacd baseline', 'tacd packaged']) {
  const p = byName[peer];
  if (!t || !p) continue;
  const tp = SIZES.map((s, k) => `${sizeName(s)} x${fmt(t.tput[k].rate / p.tput[k].rate, 2)}`).join(', ');
  // Server CPU per round trip: less sensitive to other load on the machine than the rate itself.
  const cost = SIZES.map((s, k) => `${sizeName(s)} x${fmt(t.tput[k].cpu / t.tput[k].rate / (p.tput[k].cpu / p.tput[k].rate), 2)}`).join(', ');
  console.log(`tacd vs ${peer}: throughput ${tp}; server CPU per round trip ${cost}; start time x${fmt(t.readyMs / p.readyMs, 2)} (${t.readyMs >= p.readyMs ? '+' : ''}${fmt(t.readyMs - p.readyMs, 1)} ms); idle RSS x${fmt(t.rssKiB / p.rssKiB, 2)} (${t.rssKiB >= p.rssKiB ? '+' : ''}${fmt((t.rssKiB - p.rssKiB) / 1024, 1)} MiB)`);
}

// The summary rows for bench/run.mjs's closing table (targets of the performance issue).
const tw = byName['twistd -ny'];
const bare = byName['bare node:net'];
if (t && bare) {
  const k64 = SIZES.indexOf(64);
  if (tw && k64 >= 0) {
    const r = t.tput[k64].rate / tw.tput[k64].rate;
    // The target is the ceiling Node reached on the day it was set (bare node 1.7-2.0x twistd): bare node's own ratio is printed beside it.
    const ceiling = bare.tput[k64].rate / tw.tput[k64].rate;
    summaryRow({ what: 'echo round trips/s, 64 conns, 64 B, vs twistd', tacd: fmt(t.tput[k64].rate), peer: `twistd -ny ${fmt(tw.tput[k64].rate)} (bare node ${fmt(ceiling, 2)}×)`, ratio: `${fmt(r, 2)}×`, target: '≥ 1.7×', met: r >= 1.7 });
  }
  SIZES.forEach((s, k) => {
    const r = t.tput[k].rate / bare.tput[k].rate;
    summaryRow({ what: `echo round trips/s, 64 conns, ${sizeName(s)}, vs bare node`, tacd: fmt(t.tput[k].rate), peer: `node:net ${fmt(bare.tput[k].rate)}`, ratio: `${fmt(r, 2)}×`, target: '≥ 0.95×', met: r >= 0.95 });
  });
  const d = t.readyMs - bare.readyMs;
  summaryRow({ what: 'start to ready (port accepts)', tacd: `${fmt(t.readyMs, 0)} ms`, peer: `node:net ${fmt(bare.readyMs, 0)} ms`, ratio: `+${fmt(d, 0)} ms`, target: '≤ bare + 50 ms, ≤ 150 ms', met: d <= 50 && t.readyMs <= 150 });
  const pk = byName['tacd packaged'];
  if (pk) {
    const dp = pk.readyMs - bare.readyMs;
    summaryRow({ what: 'start to ready, packaged daemon (launcher + app.asar)', tacd: `${fmt(pk.readyMs, 0)} ms`, peer: `node:net ${fmt(bare.readyMs, 0)} ms`, ratio: `+${fmt(dp, 0)} ms`, target: '≤ bare + 50 ms, ≤ 150 ms', met: dp <= 50 && pk.readyMs <= 150 });
  }
  const rssMB = (t.rssKiB - bare.rssKiB) * 1024 / 1e6;
  summaryRow({ what: 'idle RSS of the echo daemon', tacd: `${fmt(t.rssKiB / 1024, 1)} MiB`, peer: `node:net ${fmt(bare.rssKiB / 1024, 1)} MiB`, ratio: `+${fmt(rssMB, 1)} MB`, target: '≤ bare + 10 MB', met: rssMB <= 10 });
}
