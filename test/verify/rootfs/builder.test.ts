// src/verify/rootfs/builder.ts: the builders' command lines and progress filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debootstrapArgs, mmdebstrapArgs, progressLine } from '../../../src/verify/rootfs/builder.js';

const plan = {
  suite: 'bookworm',
  target: '/cache/.build-x',
  packages: ['dbus', 'systemd'],
  debs: ["/cache/debs/nodejs_20.1.0-0tacd1_amd64.deb"],
  sources: ['deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m.example/debian bookworm main', 'deb http://s.example/debian-security bookworm-security main'],
};

test('mmdebstrapArgs: minbase + packages, apt lists kept, each .deb installed by hooks, then suite, target, sources', () => {
  assert.deepEqual(mmdebstrapArgs(plan), [
    '--mode=root',
    '--variant=minbase',
    '--include=dbus,systemd',
    '--skip=cleanup/apt/lists',
    '--customize-hook=copy-in /cache/debs/nodejs_20.1.0-0tacd1_amd64.deb /tmp',
    `--customize-hook=chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends '/tmp/nodejs_20.1.0-0tacd1_amd64.deb'`,
    `--customize-hook=rm -f "$1"'/tmp/nodejs_20.1.0-0tacd1_amd64.deb'`,
    'bookworm',
    '/cache/.build-x',
    ...plan.sources,
  ]);
});

test('debootstrapArgs: the mirror of the suite\'s own source line, or the default mirror', () => {
  assert.deepEqual(debootstrapArgs(plan), ['--variant=minbase', '--include=dbus,systemd', 'bookworm', '/cache/.build-x', 'http://m.example/debian']);
  assert.deepEqual(debootstrapArgs({ ...plan, sources: [] }), ['--variant=minbase', '--include=dbus,systemd', 'bookworm', '/cache/.build-x']);
});

test('progressLine: I:/W:/E: lines shown without the prefix, the chatter and other lines dropped', () => {
  assert.equal(progressLine('mmdebstrap', 'I: downloading packages with apt...'), 'mmdebstrap: downloading packages with apt...');
  assert.equal(progressLine('mmdebstrap', 'W: no keyring'), 'mmdebstrap: no keyring');
  assert.equal(progressLine('mmdebstrap', 'I: running --customize-hook'), undefined);
  assert.equal(progressLine('mmdebstrap', 'Get:1 http://m.example bookworm InRelease'), undefined);
});
