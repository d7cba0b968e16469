// Log destinations through the real bin/tacd.js: JSON lines to a file, --syslog datagrams, --log-level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { finished, freePort, startTacd, tempDir, waitFor, waitForChildPort } from './helpers.js';

test('--log-format json: one JSON object per line in the log file; --log-level warn filters info', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'app.json.log');
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', '-l', log, '--log-format', 'json', 'echo', '--port', String(port), '--interface', '127.0.0.1']);
  const done = finished(child);
  await waitForChildPort(child, port);
  child.kill('SIGTERM');
  await done;
  const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; namespace: string; message: string; time: string });
  assert.ok(events.some((e) => e.namespace === 'tacd' && e.level === 'info' && /starting up\.$/.test(e.message)));
  assert.ok(events.every((e) => !Number.isNaN(Date.parse(e.time))));

  const quiet = path.join(dir, 'quiet.log');
  const port2 = await freePort();
  const c2 = startTacd(['-n', '--pidfile=', '-l', quiet, '--log-level', 'warn', 'echo', '--port', String(port2), '--interface', '127.0.0.1']);
  const d2 = finished(c2);
  await waitForChildPort(c2, port2);
  c2.kill('SIGTERM');
  await d2;
  assert.equal(fs.readFileSync(quiet, 'utf8'), '');
});

test('--syslog outside the journal: RFC 3164 datagrams to 127.0.0.1:514 with --prefix as the tag', async (t) => {
  const sock = dgram.createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(514, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    t.skip(`cannot bind udp 127.0.0.1:514 here: ${(e as Error).message}`);
    sock.close();
    return;
  }
  t.after(() => sock.close());
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', '--syslog', '--prefix', 'echoapp', 'echo', '--port', String(port), '--interface', '127.0.0.1']);
  const done = finished(child);
  await waitForChildPort(child, port);
  await waitFor('syslog lines', () => got.some((l) => /started/.test(l)));
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.stdout, '', 'nothing on stdout with --syslog');
  assert.ok(got.some((l) => new RegExp(`^<14>echoapp\\[${child.pid}\\]: \\[tacd#info\\] tacd \\S+ \\(node v[^)]+\\) starting up\\.$`).test(l)), got.join('\n'));
});
