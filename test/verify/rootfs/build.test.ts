// src/verify/rootfs/build.ts: the line that says what a build puts in and where it logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBanner } from '../../../src/verify/rootfs/build.js';

test('buildBanner: packages, baked-in debs, the mirrors (keyring options dropped) and the log', () => {
  const plan = { suite: 'bookworm', builder: 'mmdebstrap' as const, packages: ['dbus', 'systemd'], debs: ['/c/debs/nodejs_20_amd64.deb'] };
  assert.equal(
    buildBanner(plan, ['deb [signed-by=/k.gpg] http://m.example/debian bookworm main'], '/c/bookworm-k.log'),
    'building bookworm rootfs with mmdebstrap (minbase + dbus,systemd + nodejs_20_amd64.deb) from http://m.example/debian bookworm main; log /c/bookworm-k.log',
  );
  assert.equal(
    buildBanner({ ...plan, builder: 'debootstrap', debs: [] }, [], '/l'),
    "building bookworm rootfs with debootstrap (minbase + dbus,systemd) from debootstrap's default mirror (no Debian source in /etc/apt); log /l",
  );
});
