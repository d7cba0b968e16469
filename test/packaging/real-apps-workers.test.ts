// Dependencies that start worker threads from their own files, loaded by
// path (fixtures/apps/workers: pino's transport through thread-stream, and
// a piscina pool running the app's own task file): found automatically and
// shipped unbundled, installed in a real systemd for .deb and .rpm, where a
// request's log line written through the transport reaches the log file in
// the service's state folder and a task runs in the pool.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { buildApp, httpProbe, installOrSkip, verifyInSystemd } from './real-app-helpers.js';

// The log line is written by the transport's worker thread: the check reads the file a few times.
const LOGGED = "for i in 1 2 3 4 5 6 7 8 9 10; do grep -q '\"probe\":\"from-systemd\"' /var/lib/workers/app.log 2>/dev/null && exit 0; sleep 0.2; done; echo 'no log line in /var/lib/workers/app.log' >&2; exit 1";

describe('workers: pino.transport({ target: "pino/file" }) (thread-stream) and piscina, found automatically', () => {
  let app: string | { skip: string };
  before(() => {
    app = installOrSkip('workers');
  });
  for (const [family, adapter] of [['deb', debAdapter], ['rpm', rpmAdapter]] as const) {
    test(`ts2${family}: pino, thread-stream and piscina shipped unbundled; the transport's log line reaches its file in systemd`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      const r = await buildApp(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      for (const p of ['pino', 'thread-stream', 'piscina']) assert.ok(r.external.includes(p), `${p} in ${r.external.join(', ')}`);
      assert.deepEqual(r.runFiles, ['workers/square.cjs']);
      assert.equal(r.loadCheck.ran, true);
      const probe = httpProbe(8082, [['log?msg=from-systemd', 'logged'], ['square?n=7', 'square 49']], [`(${LOGGED})`]);
      await verifyInSystemd(t, r.file, family, probe);
    });
  }
});
