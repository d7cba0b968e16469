// HTTP requests made inside a container with its node (the env, credential
// and zero-downtime tests): the reply's status and exact body bytes.
import type { Container } from '../../src/verify/container.js';

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

// Prints {status, body (base64)} for one GET, or {status: 0, body: error} after 5 s.
const GET = `
const http = require('node:http');
const req = http.get(process.argv[1], { timeout: 5000 }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, body: Buffer.concat(chunks).toString('base64') })));
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (e) => console.log(JSON.stringify({ status: 0, body: Buffer.from(e.message).toString('base64') })));
`;

/** GET `url` from inside the container. */
export async function httpGet(c: Container, url: string): Promise<HttpReply> {
  const r = await c.exec(['node', '-e', GET, url], { timeoutMs: 15_000, check: true });
  const o = JSON.parse(r.stdout) as { status: number; body: string };
  return { status: o.status, body: Buffer.from(o.body, 'base64').toString('utf8') };
}

/** GET `url` until it answers 200 (a service still starting) or `timeoutMs` passes; the last reply. */
export async function httpWait(c: Container, url: string, timeoutMs = 10_000): Promise<HttpReply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpGet(c, url);
    if (r.status === 200 || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}
