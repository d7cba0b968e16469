import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeLoggedError,
  formatEventAsJSON,
  formatEventAsText,
  formatEventForJournal,
  formatTime,
  syslogPriority,
} from '../../../src/application/logger/format.js';
import type { LogEvent } from '../../../src/application/logger/logger.js';

const time = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000 + 0.25; // seconds, as a LogEvent's time
const event: LogEvent = { time, level: 'warn', namespace: 'echo', message: 'slow client' };

test('formatTime renders twistd\'s %Y-%m-%dT%H:%M:%S%z, UTC by default, with offsets', () => {
  assert.equal(formatTime(time), '2026-01-02T03:04:05+0000');
  assert.equal(formatTime(time, 90), '2026-01-02T04:34:05+0130');
  assert.equal(formatTime(time, -300), '2026-01-01T22:04:05-0500');
});

test('text format: timestamp, [namespace#level], message; no timestamp on request', () => {
  assert.equal(formatEventAsText(event), '2026-01-02T03:04:05+0000 [echo#warn] slow client');
  assert.equal(formatEventAsText(event, { timestamps: false }), '[echo#warn] slow client');
});

test('text format appends a logged error, with its stack only when asked', () => {
  const error = new RangeError('port out of range');
  const e: LogEvent = { ...event, level: 'error', error };
  assert.equal(formatEventAsText(e, { timestamps: false }), '[echo#error] slow client: RangeError: port out of range');
  const withStack = formatEventAsText(e, { timestamps: false, stacks: true });
  assert.match(withStack, /RangeError: port out of range\n\s+at /);
  assert.equal(describeLoggedError('plain'), 'plain');
});

test('JSON format: one object per event with time, level, namespace, message, fields and error', () => {
  const e: LogEvent = { ...event, fields: { peer: '1.2.3.4', n: 2n, message: 'not overwritten' }, error: new Error('x') };
  const line = formatEventAsJSON(e);
  assert.ok(!line.includes('\n'), 'one line');
  const o = JSON.parse(line) as Record<string, unknown>;
  assert.equal(o['time'], '2026-01-02T03:04:05.250Z', 'time is in seconds, as Twisted\'s log_time');
  assert.equal(o['level'], 'warn');
  assert.equal(o['namespace'], 'echo');
  assert.equal(o['message'], 'slow client', 'fields never overwrite the core keys');
  assert.equal(o['peer'], '1.2.3.4');
  assert.equal(o['n'], '2', 'bigints are rendered as strings');
  assert.match(String(o['error']), /^Error: x/);
});

test('JSON format survives unserializable fields', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const o = JSON.parse(formatEventAsJSON({ ...event, fields: { cyclic } })) as Record<string, unknown>;
  assert.equal(o['cyclic'], '[object Object]');
});

test('journald format: sd-daemon priority prefix on every line, no timestamp', () => {
  assert.deepEqual(
    (['critical', 'error', 'warn', 'info', 'debug'] as const).map(syslogPriority),
    [2, 3, 4, 6, 7],
  );
  assert.equal(formatEventForJournal(event), '<4>[echo#warn] slow client');
  const multi: LogEvent = { ...event, level: 'error', message: 'line one\nline two' };
  assert.equal(formatEventForJournal(multi), '<3>[echo#error] line one\n<3>line two');
});
