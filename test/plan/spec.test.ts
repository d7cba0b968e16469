// Spec normalization: precedence (CLI > package.json "tacd" > package.json
// fields > defaults), version mapping, validation messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { normalizeSpec, portsFromArgs, synopsis, upstreamVersion, wrapText, type SpecInput } from '../../src/plan/spec.js';
import { parseRelations } from '../../src/plan/relations.js';
import { tempDir } from '../packaging/helpers.js';

function withProject(pkg: object, fn: (tac: string) => void): void {
  const dir = tempDir('tacd-spec-');
  try {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    writeFileSync(path.join(dir, 'app.tac.ts'), '');
    fn(path.join(dir, 'app.tac.ts'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PKG = { name: '@acme/hello-svc', version: '1.2.3-rc.1', description: 'The hello service.', author: { name: 'Ann Example', email: 'ann@example.org' }, license: 'ISC', homepage: 'https://example.org/h' };

function spec(tac: string, cli: SpecInput = {}) {
  return normalizeSpec({ cli, source: { kind: 'tac', file: tac }, cwd: path.dirname(tac), execPath: process.execPath });
}

test('defaults come from package.json', () => {
  withProject(PKG, (tac) => {
    const s = spec(tac);
    assert.equal(s.name, 'hello-svc');
    assert.equal(s.version, '1.2.3~rc.1');
    assert.equal(s.release, '1');
    assert.equal(s.maintainer, 'Ann Example <ann@example.org>');
    assert.equal(s.summary, 'Hello service');
    assert.equal(s.license, 'ISC');
    assert.equal(s.homepage, 'https://example.org/h');
    assert.equal(s.user, 'hello-svc');
    assert.equal(s.group, 'hello-svc');
    assert.equal(s.runtime, 'bundled');
    assert.equal(s.node, process.execPath);
  });
});

test('the "tacd" key overrides package.json fields and the CLI overrides both', () => {
  withProject({ ...PKG, tacd: { name: 'from-key', user: 'svc', depends: 'curl', ports: [443] } }, (tac) => {
    const s = spec(tac);
    assert.equal(s.name, 'from-key');
    assert.equal(s.user, 'svc');
    assert.deepEqual(s.ports, [443]);
    assert.deepEqual(s.relations.depends, [{ name: 'curl' }]);
    const c = spec(tac, { name: 'from-cli', version: '9', maintainer: 'Bo <bo@example.org>', depends: 'jq (>= 1.6)' });
    assert.equal(c.name, 'from-cli');
    assert.equal(c.version, '9');
    assert.equal(c.maintainer, 'Bo <bo@example.org>');
    assert.deepEqual(c.relations.depends, [{ name: 'curl' }, { name: 'jq', op: '>=', version: '1.6' }]);
  });
});

test("an app inside tacd's tree takes tacd's version, not its name", () => {
  const s = spec(path.join(PROJECT_ROOT, 'fixtures/echo/app.tac.ts'));
  assert.equal(s.name, 'echo');
  assert.match(s.summary, /^System service run by tacd from app\.tac\.ts$/);
  assert.equal(s.packageJson, path.join(PROJECT_ROOT, 'package.json'));
});

test('plugins: name from the plugin, ports from its options', () => {
  const s = normalizeSpec({ cli: { runtime: 'system' }, source: { kind: 'plugin', plugin: 'echo', args: ['--port', '80'] }, cwd: PROJECT_ROOT, execPath: process.execPath, pluginDescription: 'A TCP echo server (RFC 862).' });
  assert.equal(s.name, 'echo');
  assert.equal(s.summary, 'TCP echo server (RFC 862)');
  assert.deepEqual(s.ports, [80]);
  assert.deepEqual(portsFromArgs(['--port=7', '-p', '8', '--port', 'x']), [7, 8]);
});

test('validation errors name the field and what was expected', () => {
  withProject(PKG, (tac) => {
    const bad: [SpecInput, number, RegExp][] = [
      [{ name: 'Hello' }, 65, /--name: 'Hello' is not a valid package name/],
      [{ version: 'v-1' }, 65, /version 'v-1' is not usable/],
      [{ release: 'a b' }, 65, /--release 'a b'/],
      [{ maintainer: 'nobody@example.org' }, 65, /expected 'Name <email@example.org>'/],
      [{ description: 'x'.repeat(81) }, 65, /expected one line of 1 to 80 characters/],
      [{ homepage: 'example.org' }, 65, /expected an http\(s\) URL/],
      [{ runtime: 'docker' }, 64, /--runtime 'docker'/],
      [{ user: 'Root!' }, 65, /--user 'Root!'/],
      [{ depends: 'a (~ 1)' }, 65, /--depends: expected 'name' or 'name \(op version\)'/],
      [{ socketActivation: true }, 64, /--socket-activation needs a port/],
    ];
    for (const [cli, status, re] of bad) {
      assert.throws(() => spec(tac, cli), (e: unknown) => exitCodeOf(e) === status && re.test(describeError(e)), JSON.stringify(cli));
    }
  });
  withProject({ name: 'x1', version: '1' }, (tac) => {
    assert.throws(() => spec(tac), /no maintainer: give --maintainer/);
  });
  assert.throws(
    () => normalizeSpec({ cli: {}, source: { kind: 'plugin', plugin: 'echo', args: ['--interface', 'x\ny'] }, cwd: PROJECT_ROOT, execPath: process.execPath }),
    /plugin option 'x\\ny': a newline or control character cannot be stored/,
  );
});

test('helpers: upstreamVersion, synopsis, wrapText, parseRelations', () => {
  assert.equal(upstreamVersion('1.2.3'), '1.2.3');
  assert.equal(upstreamVersion('1.2.3-beta-2+build-7'), '1.2.3~beta.2+build.7');
  assert.equal(upstreamVersion('v2.0.0'), '2.0.0');
  assert.equal(synopsis('an HTTP server.'), 'HTTP server');
  assert.equal(wrapText('aaa bbb ccc', 7), 'aaa bbb\nccc');
  assert.equal(wrapText('p1 word\n\np2', 80), 'p1 word\n\np2');
  assert.equal(wrapText(' keep   this\n as is', 4), ' keep   this\n as is');
  assert.deepEqual(parseRelations('a, b (>> 2) | c, ', 'depends'), [{ name: 'a' }, { name: 'b', op: '>>', version: '2', or: [{ name: 'c' }] }]);
  assert.deepEqual(parseRelations(['x (> 1)'], 'depends'), [{ name: 'x', op: '>=', version: '1' }]);
});
