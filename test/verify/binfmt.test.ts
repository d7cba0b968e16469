// Foreign-arch verify: the binfmt_misc entry states. The one package verified
// under emulation (an arm64 root under qemu-user-static, from this amd64
// host) is the web-native real app built for arm64 with Node 22 from the
// registry and its addons fetched for arm64: test/packaging/real-apps.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryProblem, hostDebianArch, isForeign } from '../../src/verify/binfmt.js';

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
