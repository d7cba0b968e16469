// The plugin contract: defineServiceMaker, parsePluginOptions, formatPluginHelp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defineServiceMaker,
  formatPluginHelp,
  parseInteger,
  parsePluginOptions,
  parsePort,
  ServiceMakerError,
  type OptionSpec,
} from '../../src/application/service-maker.js';
import { Service } from '../../src/application/service.js';
import { TacError, UsageError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';

const web = defineServiceMaker({
  tapname: 'web',
  description: 'A web server.',
  options: [
    { long: 'port', short: 'p', default: 8080, description: 'The port to listen on.', parse: parsePort },
    { long: 'log-level', description: 'How much to log.', default: 'info' },
    { long: 'verbose', short: 'v', flag: true, description: 'Log more.' },
    { long: 'quiet', short: 'q', flag: true, description: 'Log less.' },
    { long: 'root', description: 'The directory to serve.', required: true, metavar: 'DIR' },
    { long: 'workers', description: 'Worker count.', parse: parseInteger },
  ],
  makeService(options) {
    // Typed: port is a number, verbose a boolean, workers number | undefined.
    const port: number = options.port;
    const verbose: boolean = options.verbose;
    const workers: number | undefined = options.workers;
    const s = new Service();
    s.setName(`web:${port}:${verbose}:${workers ?? '-'}:${options.logLevel}:${options.root}`);
    return s;
  },
});

function usageError(pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    assert.equal(e.exitCode, ExitCode.USAGE);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one-line message');
    return true;
  };
}

test('parsePluginOptions: --port 7001, --port=7001, -p 7001, -p7001 all give the number 7001', () => {
  for (const argv of [['--port', '7001'], ['--port=7001'], ['-p', '7001'], ['-p7001']]) {
    const { values, help } = parsePluginOptions(web, [...argv, '--root', '/srv']);
    assert.equal(help, false);
    assert.equal(values.port, 7001, argv.join(' '));
  }
});

test('parsePluginOptions: defaults, flags (also grouped), camelCased keys, last occurrence wins', () => {
  const d = parsePluginOptions(web, ['--root=/srv']).values;
  assert.deepEqual(d, { port: 8080, logLevel: 'info', verbose: false, quiet: false, root: '/srv', workers: undefined });
  const v = parsePluginOptions(web, ['-vq', '--log-level', 'debug', '--root', '/a', '--root', '/b', '--workers', '-3']).values;
  assert.equal(v.verbose, true);
  assert.equal(v.quiet, true);
  assert.equal(v.logLevel, 'debug');
  assert.equal(v.root, '/b');
  assert.equal(v.workers, -3);
  assert.equal(parsePluginOptions(web, ['-vp', '81', '--root', '/']).values.port, 81, 'a value-taking short option ends a group');
});

test('parsePluginOptions: --help (or -h) is detected and wins over errors', () => {
  assert.equal(parsePluginOptions(web, ['--help']).help, true);
  assert.equal(parsePluginOptions(web, ['--port', 'abc', '-h']).help, true);
  assert.equal(parsePluginOptions(web, ['--bogus', '--help']).help, true, 'required options are not checked with --help');
  const withH = defineServiceMaker({ tapname: 'h', description: 'd', options: [{ long: 'host', short: 'h', description: 'Host.' }], makeService: () => new Service() });
  const r = parsePluginOptions(withH, ['-h', 'example.org']);
  assert.equal(r.help, false, 'a plugin declaring -h keeps it');
  assert.equal(r.values.host, 'example.org');
});

test('parsePluginOptions errors name the option and what was expected', () => {
  assert.throws(() => parsePluginOptions(web, ['--port', 'abc', '--root', '/']), usageError(/^--port: expected a port number 0-65535, got 'abc'$/));
  assert.throws(() => parsePluginOptions(web, ['--port=70000', '--root', '/']), usageError(/--port: expected a port number 0-65535, got '70000'/));
  assert.throws(() => parsePluginOptions(web, ['--prot', '1']), usageError(/unknown option '--prot'.*web/));
  assert.throws(() => parsePluginOptions(web, ['-x']), usageError(/unknown option '-x'/));
  assert.throws(() => parsePluginOptions(web, ['--root']), usageError(/--root: missing value \(expected DIR\)/));
  assert.throws(() => parsePluginOptions(web, ['--root', '/', '-p']), usageError(/--port: missing value \(expected PORT\)/));
  assert.throws(() => parsePluginOptions(web, ['--verbose=yes', '--root', '/']), usageError(/--verbose is a flag and takes no value, got 'yes'/));
  assert.throws(() => parsePluginOptions(web, []), usageError(/missing required option --root/));
  assert.throws(() => parsePluginOptions(web, ['--root', '/', 'stray']), usageError(/unexpected argument 'stray'/));
  assert.throws(() => parsePluginOptions(web, ['--root', '/', '--workers', 'many']), usageError(/--workers: expected an integer, got 'many'/));
  const codes = (argv: string[]): string => {
    try {
      parsePluginOptions(web, argv);
    } catch (e) {
      return (e as TacError).code;
    }
    return 'none';
  };
  assert.equal(codes(['--prot']), 'tacd.usage.unknownOption');
  assert.equal(codes(['--root']), 'tacd.usage.missingValue');
  assert.equal(codes(['--port', 'x']), 'tacd.usage.badValue');
  assert.equal(codes([]), 'tacd.usage.missingOption');
});

test('parsePluginOptions: a parser returning NaN is a usage error', () => {
  const m = defineServiceMaker({ tapname: 'n', description: 'd', options: [{ long: 'ratio', description: 'r', parse: Number }], makeService: () => new Service() });
  assert.equal(parsePluginOptions(m, ['--ratio', '0.5']).values.ratio, 0.5);
  assert.throws(() => parsePluginOptions(m, ['--ratio', 'half']), usageError(/--ratio: expected a number, got 'half'/));
});

test('makeService receives the parsed, typed values', async () => {
  const { values } = parsePluginOptions(web, ['-p', '9000', '-v', '--root', '/srv', '--workers', '4']);
  const s = await web.makeService(values);
  assert.equal(s.name, 'web:9000:true:4:info:/srv');
});

test('formatPluginHelp: usage line, description, aligned table with defaults', () => {
  const text = formatPluginHelp(web);
  const expected = [
    'Usage: tacd [options] web [web options]',
    '',
    'A web server.',
    '',
    'Options:',
    '  -p, --port=PORT            The port to listen on. [default: 8080]',
    '      --log-level=LOG_LEVEL  How much to log. [default: info]',
    '  -v, --verbose              Log more.',
    '  -q, --quiet                Log less.',
    '      --root=DIR             The directory to serve. [required]',
    '      --workers=WORKERS      Worker count.',
    '  -h, --help                 Display this help and exit.',
    '',
  ].join('\n');
  assert.equal(text, expected);
  assert.match(formatPluginHelp(web, 'twistd'), /^Usage: twistd \[options\] web/);
});

test('defineServiceMaker rejects broken definitions with a ServiceMakerError naming the problem', () => {
  const make = (options: readonly OptionSpec[], tapname = 'ok') => () =>
    defineServiceMaker({ tapname, description: 'd', options, makeService: () => new Service() });
  const invalid = (pattern: RegExp) => (e: unknown) => e instanceof ServiceMakerError && e.code === 'tacd.plugin.invalid' && pattern.test(e.message);
  assert.throws(make([], 'Bad Name'), invalid(/plugin 'Bad Name': tapname/));
  assert.throws(make([{ long: 'port', description: 'a' }, { long: 'port', description: 'b' }]), invalid(/--port is declared twice/));
  assert.throws(make([{ long: 'help', description: 'a' }]), invalid(/--help is built in/));
  assert.throws(make([{ long: 'a', short: 'x', description: 'a' }, { long: 'b', short: 'x', description: 'b' }]), invalid(/-x is declared twice/));
  assert.throws(make([{ long: '--port', description: 'a' }]), invalid(/option '--port': long name/));
  assert.throws(make([{ long: 'port', short: 'pp', description: 'a' }]), invalid(/short name must be one letter/));
  assert.throws(make([{ long: 'v', flag: true, parse: String, description: 'a' }]), invalid(/a flag takes no value/));
});

test('parsePort and parseInteger', () => {
  assert.equal(parsePort('0'), 0);
  assert.equal(parsePort('65535'), 65535);
  for (const bad of ['-1', '65536', '1.5', '', ' 80', '0x50']) assert.throws(() => parsePort(bad), /expected a port number 0-65535/);
  assert.equal(parseInteger('+7'), 7);
  assert.throws(() => parseInteger('7.0'), /expected an integer/);
});
