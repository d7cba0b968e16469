import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeVersionRequest, type NodeVersionInput } from '../../src/plan/node-version.js';
import { hostDebianArch } from '../../src/bundle/native.js';
import { UsageError } from '../../src/core/errors.js';

const base: NodeVersionInput = { cliNode: undefined, cliRange: undefined, keyNode: undefined, keyRange: undefined, engines: undefined, where: '/app/package.json', runtime: 'bundled', arch: undefined };
const foreign = hostDebianArch() === 'arm64' ? 'amd64' : 'arm64';

test('--node-version, then tacd.nodeVersion, then engines.node', () => {
  const all = { ...base, cliRange: '24', keyRange: '22', engines: { node: '>=20' } };
  assert.deepEqual(nodeVersionRequest(all), { range: '24', field: '--node-version' });
  assert.deepEqual(nodeVersionRequest({ ...all, cliRange: undefined }), { range: '22', field: '/app/package.json: tacd.nodeVersion' });
  assert.deepEqual(nodeVersionRequest({ ...all, cliRange: undefined, keyRange: undefined }), { range: '>=20', field: '/app/package.json: engines.node' });
});

test('no request: this node; a foreign --arch: this node version for that arch', () => {
  assert.equal(nodeVersionRequest(base), undefined);
  assert.equal(nodeVersionRequest({ ...base, arch: hostDebianArch() }), undefined);
  assert.deepEqual(nodeVersionRequest({ ...base, arch: foreign }), { range: process.versions.node, field: `--arch ${foreign} (this node's version)` });
});

test('--node is the explicit override; tacd.node beats engines.node', () => {
  assert.equal(nodeVersionRequest({ ...base, cliNode: '/opt/node', engines: { node: '22' }, arch: foreign }), undefined);
  assert.equal(nodeVersionRequest({ ...base, keyNode: '/opt/node', engines: { node: '22' } }), undefined);
  assert.equal(nodeVersionRequest({ ...base, runtime: 'system', engines: { node: '22' } }), undefined);
});

test('--node-version with --node or --runtime system is a usage error (64)', () => {
  assert.throws(() => nodeVersionRequest({ ...base, cliRange: '22', cliNode: '/opt/node' }), (e: unknown) => e instanceof UsageError && e.exitCode === 64 && e.message === "--node-version '22' conflicts with --node /opt/node; give one of them");
  assert.throws(() => nodeVersionRequest({ ...base, cliRange: '22', runtime: 'system' }), (e: unknown) => e instanceof UsageError && /--runtime system/.test(e.message));
});
