// src/verify/rootfs/node-deb.ts: the host's Node as package nodejs, cached,
// installed into a container; and the pure pieces (control file, ldd filter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foreignLibraries, hostNodeDeb, nodeControl } from '../../../src/verify/rootfs/node-deb.js';
import { LIFECYCLE_ROOTFS, skipUnlessSystemd, withSystemd } from '../../helpers/systemd.js';

const ROOTFS = LIFECYCLE_ROOTFS;

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

test('hostNodeDeb() is cached and (re)installs with dpkg -i', async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const t0 = Date.now();
  const deb = await hostNodeDeb({ onProgress: (l) => t.diagnostic(l) });
  const again = await hostNodeDeb();
  assert.equal(again.path, deb.path);
  t.diagnostic(`timing: hostNodeDeb (${deb.source}, ${deb.version}) ${secs(Date.now() - t0)}`);
  await withSystemd(t, { rootfs: ROOTFS }, async (c) => {
    const t1 = Date.now();
    const r = await c.installDeb(deb.path);
    assert.equal(r.exitCode, 0, r.stderr);
    t.diagnostic(`timing: copy in + dpkg -i nodejs ${secs(Date.now() - t1)}`);
    assert.equal((await c.exec(['node', '-e', 'console.log(process.version)'])).stdout.trim(), `v${process.versions.node}`);
  });
});

test('nodeControl: a control file for package nodejs that dpkg accepts field by field', () => {
  const text = nodeControl('20.1.0-0tacd1', 'amd64', 90_000, '20.1.0');
  assert.match(text, /^Package: nodejs\nVersion: 20\.1\.0-0tacd1\nArchitecture: amd64\n/);
  assert.match(text, /^Installed-Size: 90000$/m);
  assert.match(text, /^Depends: libc6, libgcc-s1, libstdc\+\+6$/m);
  assert.match(text, /^Description: Node\.js 20\.1\.0 copied from the build host \(tacd tests\)\n .+\n$/m);
  assert.ok(text.endsWith('\n'));
});

test('foreignLibraries: only libraries outside libc/libstdc++/libgcc_s count', () => {
  const ldd = [
    '\tlinux-vdso.so.1 (0x00007ffd)',
    '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x1)',
    '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x2)',
    '\tlibnode.so.108 => /lib/x86_64-linux-gnu/libnode.so.108 (0x3)',
    '\tlibuv.so.1 => /lib/x86_64-linux-gnu/libuv.so.1 (0x4)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x5)',
  ].join('\n');
  assert.deepEqual(foreignLibraries(ldd), ['libnode.so.108', 'libuv.so.1']);
  assert.deepEqual(foreignLibraries(''), []);
});
