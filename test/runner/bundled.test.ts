// A packaged app (ts2deb/ts2rpm bundle) registers its tac's application and
// calls the CLI with runner options only: tacd() runs that application.
// In-process: the stop "signal" is emitted on process, and tacd() returns
// the outcome instead of re-raising it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { tacd } from '../../src/cli/tacd.js';
import { setBundledApplication } from '../../src/runner/bundled-app.js';
import { Application } from '../../src/application/application.js';
import { Service } from '../../src/application/service.js';
import { DataError } from '../../src/core/errors.js';
import { cleanEnv, waitFor } from './helpers.js';

function io(): { stdout: PassThrough; stderr: PassThrough; text: () => string; cwd: string; env: NodeJS.ProcessEnv } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { stdout, stderr: new PassThrough(), text: () => text, cwd: process.cwd(), env: cleanEnv() };
}

test('a bundled application runs when neither -y nor a plugin is given; SIGTERM stops it', async (t) => {
  t.after(() => setBundledApplication(undefined));
  const events: string[] = [];
  class Probe extends Service {
    override startService(): void {
      super.startService();
      events.push('start');
    }
    override stopService(): void {
      super.stopService();
      events.push('stop');
    }
  }
  const app = new Application('bundled');
  await new Probe().setServiceParent(app);
  setBundledApplication(app);
  const out = io();
  const run = tacd(['-n', '--pidfile='], out);
  await waitFor('started', () => events.includes('start'));
  await waitFor('armed', () => out.text().includes('bundled started'));
  process.emit('SIGTERM', 'SIGTERM');
  assert.deepEqual(await run, { signal: 'SIGTERM' });
  assert.deepEqual(events, ['start', 'stop']);
  assert.match(out.text(), /Server Shut Down\./);
});

test("a bundled module without 'application': 65 with Twisted's message", async (t) => {
  t.after(() => setBundledApplication(undefined));
  setBundledApplication(null);
  await assert.rejects(tacd(['-n', '--pidfile='], io()), (e: unknown) => e instanceof DataError && e.exitCode === 65 && /Could not find 'application'/.test(e.message));
});
