#!/usr/bin/env node
// Runtime benchmark: `tacd echo` beside Twisted's `twistd -ny echo.tac`
// (python3-twisted) and a bare node:net echo server, on loopback.
//   throughput   64 concurrent connections, 64-byte messages, ping-pong, ~3 s
//   start→ready  spawn until the port accepts a connection
//   idle RSS     VmRSS from /proc/PID/status after start, before any load
// Each figure is the median of 5 interleaved rounds (BENCH_ROUNDS). Prints a
// table and the ratios tacd/twistd and tacd/bare node.
// Usage: node bench/runtime.mjs [--duration SECONDS]   (needs `npm run build`)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const durationArg = process.argv.indexOf('--duration');
const DURATION_MS = (durationArg > 0 ? Number(process.argv[durationArg + 1]) : 3) * 1000;
const CONNECTIONS = 64;
const MESSAGE = Buffer.alloc(64, 'x');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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

const BARE_NODE = `
const net = require('node:net');
net.createServer((s) => s.on('data', (d) => s.write(d))).listen(Number(process.env.PORT), '127.0.0.1');
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
    await new Promise((r) => setTimeout(r, 5));
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

// 64 clients doing ping-pong with 64-byte messages; returns round trips per second.
async function throughput(port) {
  let count = 0;
  let running = true;
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1');
      c.setNoDelay(true);
      let pending = 0;
      c.on('data', (d) => {
        pending -= d.length;
        if (pending <= 0) {
          count++;
          if (running) {
            pending = MESSAGE.length;
            c.write(MESSAGE);
          }
        }
      });
      c.once('connect', () => resolve({ c, go: () => { pending = MESSAGE.length; c.write(MESSAGE); } }));
      c.once('error', reject);
    })),
  );
  const t0 = performance.now();
  for (const { go } of clients) go();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  const done = count;
  for (const { c } of clients) c.destroy();
  return done / elapsed;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// One round for one server: a start (timed), idle RSS, then the throughput run.
async function round(server) {
  const { child, port, readyMs } = await start(server);
  await new Promise((r) => setTimeout(r, 500));
  const rss = rssKiB(child.pid);
  const tput = await throughput(port);
  await stop(child);
  return { readyMs, rss, tput };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-bench-'));
fs.writeFileSync(path.join(dir, 'echo.tac'), TWISTED_TAC);
const tacdBin = path.join(root, 'bin', 'tacd.js');
if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'tacd.js'))) {
  console.error('bench/runtime.mjs: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const servers = [
  { name: 'tacd echo', cmd: process.execPath, args: (p) => [tacdBin, '-n', '--pidfile=', 'echo', '--port', String(p), '--interface', '127.0.0.1'], cwd: dir },
  { name: 'bare node:net', cmd: process.execPath, args: () => ['-e', BARE_NODE], cwd: dir },
];
const twistd = twistdCommand();
if (twistd) servers.push({ name: 'twistd -ny', cmd: twistd, args: () => ['-n', '--pidfile=', '-l', '-', '-y', 'echo.tac'], cwd: dir });
else console.log('(twistd not found: apt-get install python3-twisted; its column is skipped)');

// Rounds interleave the servers, so a burst of load on the machine hits all of them; medians per server.
const samples = new Map(servers.map((s) => [s.name, []]));
try {
  for (let i = 0; i < ROUNDS; i++) for (const s of servers) samples.get(s.name).push(await round(s));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const results = servers.map((s) => {
  const xs = samples.get(s.name);
  return { name: s.name, readyMs: median(xs.map((x) => x.readyMs)), rssKiB: median(xs.map((x) => x.rss)), tput: median(xs.map((x) => x.tput)) };
});

const byName = Object.fromEntries(results.map((r) => [r.name, r]));
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${CONNECTIONS} connections x ${MESSAGE.length}-byte ping-pong for ${DURATION_MS / 1000} s, medians of ${ROUNDS} interleaved rounds, load average ${os.loadavg()[0].toFixed(1)}`);
console.log('');
console.log('| server          | round trips/s | start→ready ms | idle RSS MiB |');
console.log('|-----------------|--------------:|---------------:|-------------:|');
for (const r of results) {
  console.log(`| ${r.name.padEnd(15)} | ${fmt(r.tput).padStart(13)} | ${fmt(r.readyMs, 1).padStart(14)} | ${fmt(r.rssKiB / 1024, 1).padStart(12)} |`);
}
const t = byName['tacd echo'];
for (const peer of ['twistd -ny', 'bare node:net']) {
  const p = byName[peer];
  if (!t || !p) continue;
  console.log(`tacd vs ${peer}: throughput x${fmt(t.tput / p.tput, 2)}, start time x${fmt(t.readyMs / p.readyMs, 2)}, idle RSS x${fmt(t.rssKiB / p.rssKiB, 2)}`);
}
