#!/usr/bin/env node
// HTTP benchmark: requests/s through the framework's HTTPServer (tcp:
// endpoint, bridge to node:http, drain bookkeeping) against a bare
// node:http server with the same handler, on loopback.
//   CONNECTIONS keep-alive connections, one request in flight on each,
//   DURATION s per measurement after a 0.3 s warm-up; both servers run in
//   their own processes and the load generator in a third (raw sockets: a
//   response has a fixed length, measured once, so counting bytes counts
//   responses).
// Each figure is the median of BENCH_ROUNDS (default 5) interleaved rounds.
// Usage: node bench/http.mjs [--duration SECONDS]   (needs `npm run build`)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summaryRow } from './_summary.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const durationArg = process.argv.indexOf('--duration');
const DURATION_MS = (durationArg > 0 ? Number(process.argv[durationArg + 1]) : 3) * 1000;
const WARMUP_MS = 300;
const CONNECTIONS = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const HANDLER = `(req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 12 }); res.end('hello world\\n'); }`;
const BARE = `import http from 'node:http';
http.createServer(${HANDLER}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;
const TACD = (indexUrl) => `import { HTTPServer } from ${JSON.stringify(indexUrl)};
const svc = new HTTPServer('tcp:' + process.env.PORT + ':interface=127.0.0.1', ${HANDLER});
await svc.startService();
process.stdout.write('ready\\n');
`;

// The load generator: httpload PORT CONNECTIONS MS → "requests seconds".
const LOADGEN = `import net from 'node:net';
const [port, conns, ms] = process.argv.slice(2).map(Number);
const REQ = Buffer.from('GET / HTTP/1.1\\r\\nHost: bench\\r\\n\\r\\n');
function responseLength() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(REQ));
    let n = 0;
    s.on('data', (d) => (n += d.length));
    setTimeout(() => { s.destroy(); resolve(n); }, 200);
  });
}
const len = await responseLength();
let count = 0, running = true;
const sockets = [];
for (let i = 0; i < conns; i++) {
  const s = net.connect(port, '127.0.0.1', () => s.write(REQ));
  s.setNoDelay(true);
  let got = 0;
  s.on('data', (d) => {
    got += d.length;
    while (got >= len) { got -= len; count++; if (running) s.write(REQ); }
  });
  s.on('error', () => {});
  sockets.push(s);
}
const t0 = performance.now();
setTimeout(() => {
  running = false;
  process.stdout.write(count + ' ' + (performance.now() - t0) / 1000 + '\\n');
  for (const s of sockets) s.destroy();
}, ms);
`;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(dir, name, source) {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(file, source);
  const port = await freePort();
  const child = spawn(process.execPath, [file], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not get ready in 10 s`)), 10_000);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (c) => reject(new Error(`${name} exited ${c}`)));
  });
  return { name, port, child };
}

function load(genFile, port, ms) {
  return new Promise((resolve, reject) => {
    const g = spawn(process.execPath, [genFile, String(port), String(CONNECTIONS), String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => g.kill('SIGKILL'), ms + 15_000);
    g.stdout.on('data', (d) => (out += d));
    g.on('close', (code) => {
      clearTimeout(timer);
      const [n, s] = out.trim().split(' ').map(Number);
      if (code !== 0 || !(n > 0)) reject(new Error(`load generator exited ${code}: ${out}`));
      else resolve(n / s);
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacd-bench-http-'));
const genFile = path.join(dir, 'httpload.mjs');
fs.writeFileSync(genFile, LOADGEN);
const servers = [await startServer(dir, 'bare', BARE), await startServer(dir, 'tacd', TACD(pathToFileURL(path.join(root, 'dist', 'src', 'index.js')).href))];
try {
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${CONNECTIONS} keep-alive connections, 1 request in flight each, ${DURATION_MS / 1000} s per run; medians of ${ROUNDS} interleaved rounds; load average ${os.loadavg()[0].toFixed(1)}`);
  const rates = { bare: [], tacd: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so a drift in the machine's load does not favour one server.
    for (const s of r % 2 === 0 ? servers : [...servers].reverse()) {
      await load(genFile, s.port, WARMUP_MS);
      rates[s.name].push(await load(genFile, s.port, DURATION_MS));
    }
    console.log(`round ${r + 1}: bare node:http ${fmt(rates.bare.at(-1))}/s, HTTPServer ${fmt(rates.tacd.at(-1))}/s`);
  }
  const bare = median(rates.bare);
  const tacd = median(rates.tacd);
  const ratio = tacd / bare;
  console.log(`HTTP requests/s: HTTPServer ${fmt(tacd)}, bare node:http ${fmt(bare)}, ratio ${fmt(ratio, 2)}×`);
  summaryRow({ what: `HTTP requests/s, ${CONNECTIONS} keep-alive conns, same handler`, tacd: fmt(tacd), peer: `node:http ${fmt(bare)}`, ratio: `${fmt(ratio, 2)}×`, target: '≥ 0.95× bare', met: ratio >= 0.95 });
} finally {
  for (const s of servers) s.child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
}
