// Foreign-arch verify: the binfmt_misc entry states, and the echo package
// built for arm64 (Node 22 from the registry) verified in an arm64 root under
// qemu-user-static, from this amd64 host. One package only: emulation is slow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { entryProblem, hostDebianArch, isForeign } from '../../src/verify/binfmt.js';
import { packageArch } from '../../src/verify/package-arch.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { skipUnlessSystemd } from '../helpers/systemd.js';
import { buildPackage, sink, tempDir } from '../packaging/helpers.js';

test('an entry is usable only when enabled with the F flag', () => {
  assert.equal(entryProblem(undefined), 'not registered');
  assert.equal(entryProblem('disabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\n'), 'registered but disabled');
  assert.equal(entryProblem('enabled\ninterpreter /x\nflags: P\n'), 'registered without the F flag (flags: P)');
  assert.equal(entryProblem('enabled\ninterpreter /x\nflags: PF\n'), undefined);
});

test('the host arch is not foreign, nor is all', () => {
  assert.equal(isForeign(hostDebianArch()), false);
  assert.equal(isForeign('all'), false);
  assert.equal(isForeign(hostDebianArch() === 'arm64' ? 'amd64' : 'arm64'), true);
});

test('an arm64 echo package passes verify under qemu-user-static', { timeout: 1_800_000 }, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  if (hostDebianArch() !== 'amd64') return t.skip(`this test emulates arm64 on amd64; the host is ${hostDebianArch()}`);
  const out = tempDir('tacd-arm64-');
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--arch', 'arm64', '--node-version', '22', '--output', out, '--', '--port', '8125']);
    assert.equal(await packageArch(deb, 'deb'), 'arm64');
    const stdout = sink();
    const stderr = sink();
    const t0 = Date.now();
    const status = await verifyCommand([deb, '--settle', '5'], 'deb', { stdout, stderr });
    t.diagnostic(`arm64 verify under qemu took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    assert.equal(status, 0, `${stdout.text()}\n${stderr.text()}`);
    assert.match(stdout.text(), /PASS +probe/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
