// UNIXServer over real UNIX sockets: checklist item 24 of twisted-runtime.md §5,
// the lock file, stale socket files and abstract sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { UNIXServer } from '../../../src/application/internet/servers.js';
import { CannotListenError } from '../../../src/application/internet/errors.js';
import { serverFromString } from '../../../src/application/endpoints/parse.js';
import { UNIXServerEndpoint } from '../../../src/application/endpoints/endpoints.js';
import { echoFactory, roundTrip, connectOutcome, tempDir } from './net-helpers.js';

test('item 24: UNIXServer serves on a path, can be stopped and restarted on the same path; mode and lock file apply', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'echo.sock');
    const server = new UNIXServer(sock, echoFactory(), { mode: 0o660, lockfile: true });
    await server.startService();
    assert.equal(fs.statSync(sock).mode & 0o777, 0o660);
    assert.equal(fs.readlinkSync(`${sock}.lock`), String(process.pid), 'PATH.lock names our PID');
    assert.equal(await roundTrip({ path: sock }, 'hello unix'), 'hello unix');
    assert.deepEqual(server.getHost(), { type: 'UNIX', path: sock });
    await server.stopService();
    assert.equal(fs.existsSync(sock), false, 'the socket file is removed on stop');
    assert.equal(fs.existsSync(`${sock}.lock`), false, 'the lock is released on stop');
    await server.startService();
    assert.equal(await roundTrip({ path: sock }, 'again'), 'again');
    await server.stopService();
  } finally {
    cleanup();
  }
});

test('UNIXServer takes no lock file by default, as Twisted\'s listenUNIX (wantPID=0); the unix: endpoint string still does (lockfile=1)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 'plain.sock');
    fs.symlinkSync('1', `${sock}.lock`); // a lock held by a live process does not concern a server that takes none
    const server = new UNIXServer(sock, echoFactory());
    await server.startService();
    assert.equal(fs.readlinkSync(`${sock}.lock`), '1', 'the foreign lock is left alone');
    assert.equal(await roundTrip({ path: sock }, 'no lock by default'), 'no lock by default');
    await server.stopService();
    assert.equal(fs.readlinkSync(`${sock}.lock`), '1');
    assert.equal((serverFromString(`unix:${sock}`) as UNIXServerEndpoint).wantPID, true);
  } finally {
    cleanup();
  }
});

test('item 24b: UNIXServer removes a socket file left by a dead process (stale lock) and refuses a lock held by a live one', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sock = path.join(dir, 's.sock');
    // A leftover from a crashed server: a dead listener's socket file and a lock naming a dead PID.
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(sock, () => r()));
    // Closing a UNIX server unlinks its file; keep a copy by re-creating a plain file in its place.
    await new Promise<void>((r) => dead.close(() => r()));
    fs.writeFileSync(sock, '');
    fs.symlinkSync('999999', `${sock}.lock`);
    const server = new UNIXServer(sock, echoFactory(), { lockfile: true });
    await server.startService();
    assert.equal(await roundTrip({ path: sock }, 'recovered'), 'recovered');
    await server.stopService();

    fs.symlinkSync('1', `${sock}.lock`); // PID 1 is alive
    const blocked = new UNIXServer(sock, echoFactory(), { lockfile: true });
    await assert.rejects(Promise.resolve(blocked.startService()), (e: unknown) => {
      assert.ok(e instanceof CannotListenError);
      assert.match(e.message, new RegExp(`^cannot listen on unix ${sock}: Cannot acquire lock`));
      return true;
    });
    const noLock = new UNIXServer(sock, echoFactory(), { lockfile: false });
    await noLock.startService();
    assert.equal(await roundTrip({ path: sock }, 'no lock'), 'no lock');
    await noLock.stopService();
  } finally {
    cleanup();
  }
});

test('UNIXServer on a Linux abstract socket (a path starting with NUL): no lock file, no chmod, restartable', async () => {
  const name = `\0tacd-test-${process.pid}-${Date.now()}`;
  const server = new UNIXServer(name, echoFactory());
  for (let i = 0; i < 2; i++) {
    await server.startService();
    assert.equal(await roundTrip({ path: name }, `abstract ${i}`), `abstract ${i}`);
    await server.stopService();
  }
  assert.equal(await connectOutcome({ path: name }), 'ECONNREFUSED');
});
