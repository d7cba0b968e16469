// systemd socket activation end to end (checklist items 48-49 with a real
// service manager stand-in): `systemd-socket-activate -l 127.0.0.1:PORT
// --fdname=web node script.mjs` hands the script an inherited listening
// socket; the script serves it through `systemd:domain=INET:name=web` with
// the built tacd (dist/src/index.js) and echoes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_SRC_DIR } from '../../../src/core/paths.js';
import { haveProgram, spawnProgram } from '../../../src/core/exec.js';
import { freePort, roundTrip, tempDir, until } from '../internet/net-helpers.js';

const SCRIPT = (indexUrl: string): string => `
import { Application, Factory, Protocol, strports, disconnectAll } from ${JSON.stringify(indexUrl)};
const description = process.argv[2];
class Echo extends Protocol {
  dataReceived(data) {
    this.transport.write(data);
  }
}
const app = new Application('socket-activated');
let svc = null;
try {
  svc = strports.service(description, Factory.forProtocol(Echo));
  svc.setServiceParent(app);
  await app.privilegedStartService();
  await app.startService();
} catch (e) {
  process.stdout.write('FAILED ' + e.message + '\\n');
  process.exit(3);
}
const seen = { pid: process.pid, host: svc.port.getHost(), LISTEN_PID: process.env.LISTEN_PID ?? null, LISTEN_FDS: process.env.LISTEN_FDS ?? null, LISTEN_FDNAMES: process.env.LISTEN_FDNAMES ?? null };
process.stdout.write('READY ' + JSON.stringify(seen) + '\\n');
process.on('SIGTERM', async () => {
  await app.stopService();
  disconnectAll();
  process.stdout.write('STOPPED\\n');
});
`;

interface Activated {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | undefined>;
  kill: () => void;
}

async function activate(dir: string, listen: number | string, extraArgs: string[], description: string): Promise<Activated> {
  const script = path.join(dir, 'serve.mjs');
  fs.writeFileSync(script, SCRIPT(pathToFileURL(path.join(DIST_SRC_DIR, 'index.js')).href));
  const { child } = await spawnProgram('systemd-socket-activate', ['-l', typeof listen === 'number' ? `127.0.0.1:${listen}` : listen, ...extraArgs, process.execPath, script, description], {
    buffer: false,
    stdin: 'ignore',
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = child.then((r) => r.exitCode);
  await until(() => err.includes('Listening on'), 5000, `systemd-socket-activate to listen (stderr: ${err})`);
  return { stdout: () => out, stderr: () => err, exited, kill: () => child.kill('SIGKILL') };
}

const skip = !(await haveProgram('systemd-socket-activate')) ? 'systemd-socket-activate is not installed' : false;

test('socket activation: systemd:domain=INET:name=web serves the inherited socket; LISTEN_PID/LISTEN_FDS are consumed; SIGTERM stops cleanly', { skip }, async () => {
  const { dir, cleanup } = tempDir('tacd-sa-');
  const port = await freePort();
  const sa = await activate(dir, port, ['--fdname=web'], 'systemd:domain=INET:name=web');
  try {
    // The first connection makes systemd-socket-activate start the script; it waits in the backlog meanwhile.
    assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'activated!'), 'activated!');
    assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'second'), 'second');
    await until(() => sa.stdout().includes('READY'), 5000, 'READY');
    const seen = JSON.parse(/READY (.*)/.exec(sa.stdout())![1]!) as { pid: number; host: unknown; LISTEN_PID: string | null; LISTEN_FDS: string | null; LISTEN_FDNAMES: string | null };
    assert.deepEqual(seen.host, { type: 'TCP', host: '127.0.0.1', port });
    assert.deepEqual({ ...seen, pid: 0, host: null }, { pid: 0, host: null, LISTEN_PID: null, LISTEN_FDS: null, LISTEN_FDNAMES: 'web' }, 'LISTEN_PID and LISTEN_FDS removed after reading, names kept');
    process.kill(seen.pid, 'SIGTERM');
    await until(() => sa.stdout().includes('STOPPED'), 5000, 'STOPPED');
    // With its port closed and no connection left, Node's event loop empties and the process exits by itself.
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([sa.exited, new Promise((r) => (timer = setTimeout(() => r('still running'), 5000)))]);
    clearTimeout(timer);
    assert.equal(code, 0, `exit status (stderr: ${sa.stderr()})`);
  } finally {
    sa.kill();
    cleanup();
  }
});

test('socket activation by index: systemd:domain=INET:index=0 serves the first inherited socket', { skip }, async () => {
  const { dir, cleanup } = tempDir('tacd-sa-');
  const port = await freePort();
  const sa = await activate(dir, port, ['--fdname=any'], 'systemd:domain=INET:index=0');
  try {
    assert.equal(await roundTrip({ port, host: '127.0.0.1' }, 'by index'), 'by index');
  } finally {
    sa.kill();
    await sa.exited;
    cleanup();
  }
});

test('socket activation without --fdname: Twisted-exact ListenFDs sees no descriptors and startup fails naming the endpoint', { skip }, async () => {
  const { dir, cleanup } = tempDir('tacd-sa-');
  const port = await freePort();
  const sa = await activate(dir, port, [], 'systemd:domain=INET:index=0');
  try {
    await roundTrip({ port, host: '127.0.0.1' }, 'x').catch(() => '');
    await until(() => sa.stdout().includes('FAILED'), 5000, `FAILED (stdout: ${sa.stdout()})`);
    assert.match(sa.stdout(), /FAILED no inherited socket at index 0 for endpoint 'systemd:domain=INET:index=0': the process was not socket-activated/);
    assert.equal(await sa.exited, 3);
  } finally {
    sa.kill();
    cleanup();
  }
});

test('socket activation of a UNIX stream socket: systemd:domain=UNIX:name=ctl (the adopted socket reports no address)', { skip }, async () => {
  const { dir, cleanup } = tempDir('tacd-sa-');
  const sock = path.join(dir, 'ctl.sock');
  const sa = await activate(dir, sock, ['--fdname=ctl'], 'systemd:domain=UNIX:name=ctl');
  try {
    assert.equal(await roundTrip({ path: sock }, 'over unix'), 'over unix');
    await until(() => sa.stdout().includes('READY'), 5000, 'READY');
    const seen = JSON.parse(/READY (.*)/.exec(sa.stdout())![1]!) as { host: unknown };
    assert.deepEqual(seen.host, { type: 'UNIX', path: null });
  } finally {
    sa.kill();
    await sa.exited;
    cleanup();
  }
});
