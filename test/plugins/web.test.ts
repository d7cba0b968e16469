// The `web` plugin through the real bin/tacd.js: content types, HEAD, ranges, directories, no path traversal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseRange, resolveRequestPath, contentTypeOf } from '../../src/plugins/web.js';
import { spawn } from 'node:child_process';
import { cleanEnv, finished, freePort, portAnswers, startTacd, TACD_BIN, tempDir, waitFor, waitForChildPort } from '../runner/helpers.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, rawPath: string, method = 'GET', headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('tacd web serves --path with content types, HEAD, ranges and directory handling, and nothing outside it', async (t) => {
  const base = tempDir();
  t.after(() => fs.rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'site');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(root, 'docs'));
  fs.writeFileSync(path.join(root, 'index.html'), '<h1>home</h1>\n');
  fs.writeFileSync(path.join(root, 'style.css'), 'body{}\n');
  fs.writeFileSync(path.join(root, 'data.bin'), '0123456789');
  fs.writeFileSync(path.join(root, 'docs', 'a b.txt'), 'spaced\n');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'top secret\n');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(path.join(root, 'style.css'), path.join(root, 'inside.css'));

  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', 'web', '--port', String(port), '--interface', '127.0.0.1', '--path', root]);
  const done = finished(child);
  t.after(() => child.kill('SIGKILL'));
  await waitForChildPort(child, port);

  let r = await request(port, '/');
  assert.equal(r.status, 200);
  assert.equal(r.body, '<h1>home</h1>\n');
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  r = await request(port, '/style.css');
  assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
  r = await request(port, '/data.bin', 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  assert.equal(r.headers['content-length'], '10');
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.equal(r.headers['content-type'], 'application/octet-stream');
  r = await request(port, '/data.bin', 'GET', { Range: 'bytes=2-5' });
  assert.equal(r.status, 206);
  assert.equal(r.body, '2345');
  assert.equal(r.headers['content-range'], 'bytes 2-5/10');
  r = await request(port, '/data.bin', 'GET', { Range: 'bytes=-3' });
  assert.equal(r.body, '789');
  r = await request(port, '/data.bin', 'GET', { Range: 'bytes=20-' });
  assert.equal(r.status, 416);
  assert.equal(r.headers['content-range'], 'bytes */10');
  r = await request(port, '/docs');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, '/docs/');
  r = await request(port, '/docs/');
  assert.match(r.body, /<a href="a%20b\.txt">a b\.txt<\/a>/);
  r = await request(port, '/docs/a%20b.txt');
  assert.equal(r.body, 'spaced\n');
  r = await request(port, '/inside.css');
  assert.equal(r.status, 200, 'a symlink inside the root is fine');
  r = await request(port, '/missing');
  assert.equal(r.status, 404);
  r = await request(port, '/data.bin', 'POST');
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'GET, HEAD');

  for (const evil of ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/docs/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/escape.txt', '/x%00.txt']) {
    r = await request(port, evil);
    assert.ok(r.status === 403 || r.status === 400, `${evil} → ${r.status}`);
    assert.ok(!r.body.includes('top secret'), `${evil} leaked the secret`);
  }

  child.kill('SIGTERM');
  const end = await done;
  assert.equal(end.signal, 'SIGTERM', end.stderr);
});

test('web helpers: ranges, content types, request path resolution', () => {
  assert.deepEqual(parseRange('bytes=0-0', 5), { start: 0, end: 0 });
  assert.deepEqual(parseRange('bytes=3-99', 5), { start: 3, end: 4 });
  assert.equal(parseRange('bytes=0-1,3-4', 5), null);
  assert.equal(parseRange(undefined, 5), null);
  assert.equal(parseRange('bytes=5-', 5), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 5), 'unsatisfiable');
  assert.equal(contentTypeOf('a.JSON'), 'application/json');
  assert.equal(contentTypeOf('noext'), 'application/octet-stream');
  assert.deepEqual(resolveRequestPath('/srv', '/%zz'), { status: 400 });
  assert.deepEqual(resolveRequestPath('/srv', '/a/../../etc/passwd'), { status: 403 });
});

test('web --path that is not a directory: 64', async () => {
  const child = startTacd(['-n', '--pidfile=', 'web', '--path', '/nonexistent-dir']);
  const r = await finished(child);
  assert.equal(r.code, 64);
  assert.equal(r.stderr, 'tacd: --path: not a directory: /nonexistent-dir\n');
});

test('tacd web --listen: a UNIX socket endpoint, and socket activation (systemd-socket-activate --fdname=web)', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello over an endpoint\n');
  const sock = path.join(dir, 'web.sock');
  const child = startTacd(['-n', '--pidfile=', 'web', '--path', dir, '--listen', `unix:${sock}`]);
  const done = finished(child);
  t.after(() => child.kill('SIGKILL'));
  await waitFor('unix socket', () => fs.existsSync(sock));
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get({ socketPath: sock, path: '/hello.txt', agent: false }, (res) => {
        let b = '';
        res.on('data', (d: Buffer) => (b += d.toString()));
        res.on('end', () => resolve(`${res.statusCode} ${res.headers['content-type']} ${b}`));
      })
      .on('error', reject);
  });
  assert.equal(body, '200 text/plain; charset=utf-8 hello over an endpoint\n');
  child.kill('SIGTERM');
  assert.equal((await done).signal, 'SIGTERM');

  const port = await freePort();
  const sa = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, '--fdname=web', '--', process.execPath, TACD_BIN, '--pidfile=', 'web', '--path', dir, '--listen', 'systemd:domain=INET:name=web'], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const saDone = finished(sa);
  t.after(() => sa.kill('SIGKILL'));
  await waitFor('activation socket', () => portAnswers(port));
  const r = await request(port, '/hello.txt', 'GET', { Range: 'bytes=0-4' });
  assert.equal(r.status, 206);
  assert.equal(r.body, 'hello');
  sa.kill('SIGTERM');
  const end = await saDone;
  assert.equal(end.signal, 'SIGTERM', end.stdout + end.stderr);
});
