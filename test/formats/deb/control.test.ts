import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debVersion, formatRelations, renderControl, renderDescription } from '../../../src/formats/deb/control.js';
import { debFileName } from '../../../src/formats/deb/deb.js';
import { installedSizeKiB } from '../../../src/formats/deb/installed-size.js';
import { renderConffiles, renderMd5sums } from '../../../src/formats/deb/md5sums.js';
import { debTree, tarName } from '../../../src/formats/deb/tree.js';
import type { PackageMeta, PackagePlan } from '../../../src/formats/plan.js';
import { assertGolden } from '../../helpers/golden.js';

const meta: PackageMeta = {
  name: 'echo',
  version: '1.0.0',
  release: '1',
  arch: 'amd64',
  maintainer: 'Jane Doe <jane@example.org>',
  summary: 'echo service',
  description: '',
  license: 'MIT',
  mtime: 1700000000,
};

test('Version is [epoch:]upstream[-revision]; the file name omits the epoch', () => {
  assert.equal(debVersion(meta), '1.0.0-1');
  assert.equal(debVersion({ ...meta, release: '' }), '1.0.0');
  assert.equal(debVersion({ ...meta, epoch: 3 }), '3:1.0.0-1');
  assert.equal(debVersion({ ...meta, epoch: 0 }), '1.0.0-1');
  assert.equal(debFileName({ ...meta, epoch: 3 }), 'echo_1.0.0-1_amd64.deb');
  assert.equal(debFileName({ ...meta, release: '', arch: 'all' }), 'echo_1.0.0_all.deb');
});

test('relations: versions in parentheses, alternatives with |, list with commas', () => {
  assert.equal(
    formatRelations([{ name: 'a' }, { name: 'b', op: '>=', version: '1:2.0-1' }, { name: 'c', or: [{ name: 'd', op: '<<', version: '3' }, { name: 'e' }] }]),
    'a, b (>= 1:2.0-1), c | d (<< 3) | e',
  );
});

test('Description: synopsis, continuation lines, " ." for blank lines, verbatim indented lines, wrap at 80', () => {
  assert.equal(renderDescription('synopsis', ''), 'synopsis');
  assert.equal(renderDescription('s', '\n\npara one\n\n\npara two\n  verbatim   spaced\n\n'), 's\n para one\n .\n .\n para two\n   verbatim   spaced');
  const long = renderDescription('s', `${'word '.repeat(40)}supercalifragilistic`).split('\n').slice(1);
  assert.ok(long.every((l) => l.length <= 80 && l.startsWith(' ') && !l.startsWith('  ')), long.join('|'));
  assert.equal(long.join(' ').replace(/ +/g, ' ').trim(), `${'word '.repeat(40)}supercalifragilistic`);
  assert.equal(renderDescription('s', 'a\tb'), 's\n a b', 'tabs become spaces (lintian description-contains-tabs)');
});

test('Description: no continuation line is " ." followed by text (policy 5.6.13 reserves it)', () => {
  // A paragraph's first line starting with '.' becomes a verbatim line (one more space), its text intact.
  assert.equal(renderDescription('s', '.NET service\nplain'), 's\n  .NET service\n plain');
  assert.equal(renderDescription('s', 'para\n\n... and more'), 's\n para\n .\n  ... and more');
  // Running text continued on a line starting with '.': the word before it comes along.
  // (A one-word line has no word to give: the '.' line is escaped instead.)
  assert.equal(renderDescription('s', 'A service built for\n.NET and more.\nword\n.x'), 's\n A service built\n for .NET and more.\n word\n  .x');
  assert.equal(renderDescription('s', ' .indented'), 's\n  .indented');
  // Wrapping never starts a line with a '.' word: the word before it comes along.
  const wrapped = renderDescription('s', `${'word '.repeat(15)}ab .NET and ${'more '.repeat(20)}`).split('\n').slice(1);
  assert.ok(wrapped.every((l) => !/^ \.\S/.test(l) && l.length <= 80), wrapped.join('|'));
  assert.equal(wrapped[1]?.startsWith(' ab .NET and'), true, wrapped.join('|'));
  // A first word of 80 columns followed by a '.' word: the line runs long rather than start with '.'.
  assert.deepEqual(renderDescription('s', `${'x'.repeat(79)} .y z`).split('\n').slice(1), [` ${'x'.repeat(79)} .y`, ' z']);
  // A line starting with '.' is wrapped one column shorter, so with its two spaces it still fits 80.
  const dotted = renderDescription('s', `.dot ${'word '.repeat(30)}`).split('\n').slice(1);
  assert.ok(dotted[0]!.startsWith('  .dot ') && dotted.every((l) => l.length <= 80), dotted.join('|'));
});

test('control file: canonical field order, empty relations omitted, no License (golden)', () => {
  const text = renderControl(
    {
      ...meta,
      epoch: 1,
      homepage: 'https://example.org/echo',
      section: 'net',
      priority: 'optional',
      description: 'First paragraph.\n\nSecond paragraph.',
      relations: { depends: [{ name: 'libc6', op: '>=', version: '2.36' }], suggests: [], provides: [{ name: 'echo-api' }], preDepends: [{ name: 'dpkg' }] },
    },
    42,
  );
  assertGolden('deb/control-minimal', text);
  assert.deepEqual(
    text.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(':')[0]),
    ['Package', 'Version', 'Architecture', 'Maintainer', 'Installed-Size', 'Pre-Depends', 'Depends', 'Provides', 'Section', 'Priority', 'Homepage', 'Description'],
  );
  assert.doesNotMatch(text, /License|Suggests/);
  assert.ok(text.endsWith('\n'));
});

test('Installed-Size: ceil(KiB) per file and symlink, 1 per directory (root included)', () => {
  const plan = {
    meta,
    payload: [
      { kind: 'file', path: '/usr/bin/a', mode: 0o755, data: new Uint8Array(1) }, // 1
      { kind: 'file', path: '/usr/bin/b', mode: 0o755, data: new Uint8Array(1024) }, // 1
      { kind: 'file', path: '/usr/bin/c', mode: 0o755, data: { size: 1025, open: async function* () {} } }, // 2
      { kind: 'file', path: '/usr/bin/zero', mode: 0o644, data: new Uint8Array(0) }, // 0
      { kind: 'symlink', path: '/usr/bin/l', mode: 0o777, target: 'a' }, // 1
      { kind: 'ghost', path: '/var/log/x', mode: 0o644 }, // not installed; its parents are not implied either
    ],
  } as PackagePlan;
  const tree = debTree(plan);
  assert.deepEqual(tree.map(tarName), ['./', './usr/', './usr/bin/', './usr/bin/a', './usr/bin/b', './usr/bin/c', './usr/bin/l', './usr/bin/zero']);
  assert.equal(installedSizeKiB(tree), 3 + 1 + 1 + 2 + 0 + 1);
});

test('tree order: directories before children, siblings by byte order, a-b before a/', () => {
  const plan = {
    meta,
    payload: ['/a/z', '/a-b', '/a/b', '/B', '/é'].map((path) => ({ kind: 'file', path, mode: 0o644, data: new Uint8Array(0) })),
  } as PackagePlan;
  assert.deepEqual(debTree(plan).map(tarName), ['./', './B', './a/', './a/b', './a/z', './a-b', './é']);
});

test('md5sums lines have two spaces and no leading slash; conffiles are absolute', () => {
  assert.equal(renderMd5sums([{ path: '/usr/bin/a', md5: 'd41d8cd98f00b204e9800998ecf8427e' }]), 'd41d8cd98f00b204e9800998ecf8427e  usr/bin/a\n');
  assert.equal(renderMd5sums([]), undefined);
  assert.equal(renderConffiles(['/etc/a', '/etc/b']), '/etc/a\n/etc/b\n');
  assert.equal(renderConffiles([]), undefined);
});
