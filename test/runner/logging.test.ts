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

test('--logger MODULE#EXPORT: the factory\'s observer gets every event, ahead of --logfile; a bad --logger is 64 naming it', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'observed.ndjson');
  fs.writeFileSync(
    path.join(dir, 'observer.mjs'),
    `import fs from 'node:fs';\nexport function toFile() {\n  return (e) => fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({ ns: e.namespace, level: e.level, msg: e.message }) + '\\n');\n}\nexport const notAFactory = 3;\nexport default () => null;\n`,
  );
  const ignored = path.join(dir, 'ignored.log');
  const port = await freePort();
  const child = startTacd(['-n', '--pidfile=', '-l', ignored, '--logger', './observer.mjs#toFile', 'echo', '--port', String(port), '--interface', '127.0.0.1'], { cwd: dir });
  const done = finished(child);
  await waitForChildPort(child, port);
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.signal, 'SIGTERM', r.stderr);
  const events = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ns: string; level: string; msg: string });
  assert.ok(events.some((e) => e.ns === 'tacd' && /starting up\.$/.test(e.msg)));
  assert.ok(events.some((e) => /Server Shut Down\./.test(e.msg)));
  assert.ok(!fs.existsSync(ignored) || fs.readFileSync(ignored, 'utf8') === '', '--logger takes precedence over --logfile');

  for (const [spec, why] of [
    ['./missing.mjs', /could not be imported: \/.*\/missing\.mjs not found/],
    ['./observer.mjs#notAFactory', /has no function export 'notAFactory'/],
    ['./observer.mjs', /default\(\) returned null, not a log observer function/],
    ['no-such-package-xyz', /could not be imported: Cannot find module 'no-such-package-xyz'/],
  ] as const) {
    const c = startTacd(['-n', '--pidfile=', '--logger', spec, 'echo', '--port', '0'], { cwd: dir });
    const res = await finished(c);
    assert.equal(res.code, 64, `${spec}: ${res.stderr}`);
    assert.equal(res.stderr.split('\n').filter(Boolean).length, 1, res.stderr);
    assert.match(res.stderr, new RegExp(`^tacd: --logger: '${spec.replace(/[.#]/g, '\\$&')}' ${why.source}`));
  }
});
