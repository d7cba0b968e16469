// Fastify and Koa apps as users bring them (fixtures/apps/fastify-ws and
// koa-static, real npm packages from a pinned lock): packaged with ts2deb
// and ts2rpm and installed in a real systemd, where each answers a request
// that uses a native addon, serves a static file, answers a websocket
// upgrade (ws, with bufferutil masking frames), stops cleanly and is purged;
// koa-ws also reads a file relative to process.cwd() (/usr/lib/NAME/app).
// fastify-ws's description has a colon and is 200 characters: the summary
// is cut at a word, the whole text is the extended description, and the
// system account's comment carries no colon.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { rpmAdapter } from '../../src/cli/ts2rpm.js';
import { buildApp, expectOutput, httpProbe, installOrSkip, verifyInSystemd, websocketCheck } from './real-app-helpers.js';

const FAMILIES = [['deb', debAdapter], ['rpm', rpmAdapter]] as const;

const FASTIFY_DESCRIPTION =
  'Fastify demo: an HTTP API that hashes passwords with a native addon, serves static files from its public folder and echoes websocket messages, packaged as a systemd service with tacd for Debian or RPM';

// In the container: the installed package's description and the account's full name (the comment's first
// subfield, which Debian's adduser pads with ',,,'): no colon, no comma, cut at a word.
function descriptionChecks(family: 'deb' | 'rpm'): string[] {
  const query = family === 'deb' ? `dpkg-query -W -f '\${Description}' fastify-ws` : `rpm -q --qf '%{SUMMARY}\\n%{DESCRIPTION}' fastify-ws`;
  return [
    expectOutput(`${query} | head -1`, 'Fastify demo: an HTTP API that hashes passwords with a native addon, serves'),
    expectOutput(`${query} | tail -n +2 | tr '\\n' ' ' | tr -s ' ' | sed 's/^ //; s/ $//'`, FASTIFY_DESCRIPTION),
    expectOutput('getent passwd fastify-ws | cut -d: -f5 | cut -d, -f1', 'Fastify demo - an HTTP API that hashes passwords with a native addon; serves'),
  ];
}

describe('fastify-ws: Fastify 5 + @fastify/static + @fastify/websocket (ws, bufferutil) + @node-rs/bcrypt; a 200-character description with a colon', () => {
  let app: string | { skip: string };
  before(() => {
    app = installOrSkip('fastify-ws');
  });
  test('the description has a colon and is 200 characters long', () => {
    assert.equal(FASTIFY_DESCRIPTION.length, 200);
  });
  for (const [family, adapter] of FAMILIES) {
    test(`ts2${family}: installs in systemd, serves the addon, a static file and a websocket echo, stops and purges`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      const r = await buildApp(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader}`).sort(), ['@node-rs/bcrypt napi-rs', 'bufferutil node-gyp-build']);
      assert.deepEqual(r.runFiles, ['public/hello.txt']);
      assert.equal(r.loadCheck.ran, true);
      const probe = httpProbe(8080, [['hash', 'bcrypt ok'], ['static/hello.txt', 'hello from fastify public']], [websocketCheck(8080, '/echo', 'hi', 'echo hi'), ...descriptionChecks(family)]);
      await verifyInSystemd(t, r.file, family, probe);
    });
  }
});

describe('koa-ws: Koa 3 + koa-static + ws (bufferutil)', () => {
  let app: string | { skip: string };
  before(() => {
    app = installOrSkip('koa-ws');
  });
  for (const [family, adapter] of FAMILIES) {
    test(`ts2${family}: installs in systemd, serves the addon, a static file and a websocket echo, stops and purges`, { timeout: 600_000 }, async (t) => {
      if (typeof app !== 'string') return t.skip(app.skip);
      const r = await buildApp(adapter, app);
      t.diagnostic(`${path.basename(r.file)}: ${r.size} bytes`);
      assert.deepEqual(r.addons.map((a) => `${a.package} ${a.loader}`), ['bufferutil node-gyp-build']);
      assert.deepEqual(r.runFiles, ['public/hello.txt']);
      assert.equal(r.loadCheck.ran, true);
      const probe = httpProbe(8081, [['mask', 'mask 60606060'], ['hello.txt', 'hello from koa public'], ['cwd', 'cwd /usr/lib/koa-ws/app: hello from koa public']], [websocketCheck(8081, '/ws', 'hi', 'koa hi')]);
      await verifyInSystemd(t, r.file, family, probe);
    });
  }
});
