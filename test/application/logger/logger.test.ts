import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LogPublisher,
  Logger,
  filteringObserver,
  formatMessage,
  levelAtLeast,
  parseLogLevel,
  type LogEvent,
} from '../../../src/application/logger/logger.js';

const fixedClock = (): number => Date.UTC(2026, 10, 21, 10, 0, 0) / 1000; // seconds, as Twisted's log_time

function collect(publisher: LogPublisher): LogEvent[] {
  const seen: LogEvent[] = [];
  publisher.addObserver((e) => seen.push(e));
  return seen;
}

test('a logger emits structured events with level, namespace, time, message and fields', () => {
  const pub = new LogPublisher();
  const seen = collect(pub);
  const log = new Logger('echo.EchoProtocol', pub, fixedClock);
  log.info('connection from {peer} ({count} so far)', { peer: '127.0.0.1:5000', count: 3 });
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], {
    time: fixedClock(),
    level: 'info',
    namespace: 'echo.EchoProtocol',
    message: 'connection from 127.0.0.1:5000 (3 so far)',
    fields: { peer: '127.0.0.1:5000', count: 3 },
  });
});

test('every level method emits its level; failure() carries the error', () => {
  const pub = new LogPublisher();
  const seen = collect(pub);
  const log = new Logger('ns', pub, fixedClock);
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  log.critical('c');
  const boom = new TypeError('boom');
  log.failure('stopping {service} failed', boom, { service: 'web' });
  assert.deepEqual(
    seen.map((e) => e.level),
    ['debug', 'info', 'warn', 'error', 'critical', 'error'],
  );
  assert.equal(seen[5]?.error, boom);
  assert.equal(seen[5]?.message, 'stopping web failed');
});

test('formatMessage: placeholders, literal braces, unknown keys kept, errors and objects rendered', () => {
  assert.equal(formatMessage('a {x} b', { x: 'X' }), 'a X b');
  assert.equal(formatMessage('{{x}} is {x}', { x: 1 }), '{x} is 1');
  assert.equal(formatMessage('keep {missing}', { x: 1 }), 'keep {missing}');
  assert.equal(formatMessage('e={e}', { e: new Error('bad') }), 'e=bad');
  assert.equal(formatMessage('o={o}', { o: { a: [1] } }), 'o={"a":[1]}');
  assert.equal(formatMessage('no fields {x}', undefined), 'no fields {x}');
});

test('child loggers extend the namespace', () => {
  const pub = new LogPublisher();
  const seen = collect(pub);
  new Logger('tacd', pub).child('runner').warn('x');
  new Logger('-', pub).child('top').warn('y');
  assert.deepEqual(
    seen.map((e) => e.namespace),
    ['tacd.runner', 'top'],
  );
});

test('levels parse case-insensitively (warning = warn) and order by severity', () => {
  assert.equal(parseLogLevel('WARNING'), 'warn');
  assert.equal(parseLogLevel('Critical'), 'critical');
  assert.equal(parseLogLevel('verbose'), undefined);
  assert.ok(levelAtLeast('error', 'warn'));
  assert.ok(levelAtLeast('info', 'info'));
  assert.ok(!levelAtLeast('debug', 'info'));
});

test('filteringObserver passes only events at or above the minimum level', () => {
  const pub = new LogPublisher();
  const seen: string[] = [];
  pub.addObserver(filteringObserver('warn', (e) => seen.push(e.message)));
  const log = new Logger('ns', pub);
  log.info('quiet');
  log.warn('loud');
  log.critical('louder');
  assert.deepEqual(seen, ['loud', 'louder']);
});

test('a publisher buffers events until logging begins, bounded, then replays them in order', () => {
  const pub = new LogPublisher(3);
  const log = new Logger('early', pub);
  for (const m of ['1', '2', '3', '4']) log.info(m);
  const seen: string[] = [];
  pub.beginLoggingTo([(e) => seen.push(e.message)]);
  assert.deepEqual(seen, ['2', '3', '4'], 'the oldest event past the bound is dropped');
  log.info('5');
  assert.deepEqual(seen, ['2', '3', '4', '5']);
});

test('an observer that throws does not break logging or the other observers', () => {
  const pub = new LogPublisher();
  const seen: string[] = [];
  pub.addObserver(() => {
    throw new Error('broken observer');
  });
  pub.addObserver((e) => seen.push(e.message));
  assert.doesNotThrow(() => new Logger('ns', pub).info('still delivered'));
  assert.deepEqual(seen, ['still delivered']);
});

test('removeObserver stops delivery', () => {
  const pub = new LogPublisher();
  const seen: string[] = [];
  const o = (e: LogEvent): void => void seen.push(e.message);
  pub.addObserver(o);
  const log = new Logger('ns', pub);
  log.info('a');
  pub.removeObserver(o);
  log.info('b');
  assert.deepEqual(seen, ['a']);
});

test('a Logger accepts an observer function as its destination (Twisted\'s Logger(observer=...)); other types are a TypeError at construction', () => {
  const seen: LogEvent[] = [];
  const log = new Logger('x', (e) => seen.push(e), fixedClock);
  log.info('hi {who}', { who: 'there' });
  log.child('y').warn('w');
  assert.deepEqual(
    seen.map((e) => [e.namespace, e.level, e.message]),
    [
      ['x', 'info', 'hi there'],
      ['x.y', 'warn', 'w'],
    ],
  );
  // An observer that throws never breaks the code that logs.
  const broken = new Logger('b', () => {
    throw new Error('observer broke');
  });
  assert.doesNotThrow(() => broken.error('still fine'));
  // Any object with publish(event) works too.
  const sink: LogEvent[] = [];
  new Logger('s', { publish: (e: LogEvent) => sink.push(e) }).info('via sink');
  assert.equal(sink.length, 1);
  assert.throws(() => new Logger('x', {} as never), (e: unknown) => e instanceof TypeError && /publisher/.test(e.message));
  assert.throws(() => new Logger('x', 'stdout' as never), (e: unknown) => e instanceof TypeError && /publisher/.test(e.message));
  assert.throws(() => new Logger('x', undefined, 5 as never), (e: unknown) => e instanceof TypeError && /clock/.test(e.message));
});
