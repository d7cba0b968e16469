import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { validateDebPlan, writeDeb } from '../../../src/formats/deb/deb.js';
import type { PackageMeta, PackagePlan, PayloadEntry } from '../../../src/formats/plan.js';

const enc = new TextEncoder();
const meta: PackageMeta = {
  name: 'echo',
  version: '1.0.0',
  release: '1',
  arch: 'amd64',
  maintainer: 'Jane Doe <jane@example.org>',
  summary: 'echo service',
  description: 'An echo service.',
  license: 'MIT',
  mtime: 1700000000,
};
const payload: PayloadEntry[] = [
  { kind: 'file', path: '/usr/bin/echo-svc', mode: 0o755, data: enc.encode('#!/bin/sh\n') },
  { kind: 'file', path: '/etc/echo/echo.conf', mode: 0o644, data: enc.encode('x=1\n'), config: true },
];
const ok: PackagePlan = { meta, payload };

/** Asserts that `plan` is rejected with a DataError whose field is `field` and whose message matches `message`. */
function rejects(plan: PackagePlan, field: string, message: RegExp): void {
  assert.throws(
    () => validateDebPlan(plan),
    (e: unknown) => {
      assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
      assert.equal(e.field, field);
      assert.match(e.message, message);
      assert.equal(e.exitCode, 65);
      return true;
    },
  );
}
const withMeta = (m: Partial<PackageMeta>): PackagePlan => ({ meta: { ...meta, ...m }, payload });
const withPayload = (p: PayloadEntry[]): PackagePlan => ({ meta, payload: p });

test('a valid plan passes', () => {
  validateDebPlan(ok);
  validateDebPlan(withMeta({ version: '1:2.0', epoch: 1 }));
  validateDebPlan(withMeta({ version: '2.0-beta', release: '0ubuntu1' }));
  validateDebPlan(withMeta({ version: '1.0~rc1+git20230101', release: '' }));
  validateDebPlan(withMeta({ arch: 'all' }));
  validateDebPlan(withPayload([{ kind: 'dir', path: '/', mode: 0o755 }, ...payload]));
});

test('package names follow Debian policy 5.6.1', () => {
  for (const name of ['Echo', 'e', '-echo', 'echo_svc', 'echo svc', '']) rejects(withMeta({ name }), 'meta.name', /Debian package name/);
  validateDebPlan(withMeta({ name: 'lib0+x.y-z' }));
});

test('versions follow deb-version(7)', () => {
  rejects(withMeta({ version: 'v1.0' }), 'meta.version', /start with a digit/);
  rejects(withMeta({ version: '' }), 'meta.version', /empty/);
  rejects(withMeta({ version: '1.0_1' }), 'meta.version', /contains '_'/);
  rejects(withMeta({ version: '1.0-1', release: '' }), 'meta.version', /hyphen/);
  rejects(withMeta({ version: '1:1.0' }), 'meta.version', /meta\.epoch/);
  rejects(withMeta({ release: '1-2' }), 'meta.release', /letters, digits/);
  rejects(withMeta({ epoch: -1 }), 'meta.epoch', /non-negative/);
  rejects(withMeta({ epoch: 1.5 }), 'meta.epoch', /non-negative/);
});

test('architecture must be a Debian architecture', () => {
  rejects(withMeta({ arch: 'x86_64' }), 'meta.arch', /not a Debian architecture.*amd64/);
  rejects(withMeta({ arch: 'any' }), 'meta.arch', /not a Debian architecture/);
  for (const arch of ['arm64', 'armhf', 'armel', 'i386', 'ppc64el', 's390x', 'riscv64', 'mips64el', 'loong64']) validateDebPlan(withMeta({ arch }));
});

test('maintainer needs a name and an email', () => {
  rejects(withMeta({ maintainer: 'Jane Doe' }), 'meta.maintainer', /Full Name <user@example.org>/);
  rejects(withMeta({ maintainer: '<jane@example.org>' }), 'meta.maintainer', /name and an email/);
  rejects(withMeta({ maintainer: 'Jane Doe <jane>' }), 'meta.maintainer', /email/);
  rejects(withMeta({ maintainer: 'Doe, Jane <jane@example.org>' }), 'meta.maintainer', /no commas/);
});

test('duplicate paths are rejected naming both entries', () => {
  rejects(withPayload([...payload, { kind: 'dir', path: '/usr/bin/echo-svc', mode: 0o755 }]), 'payload[2].path', /duplicates payload\[0\]/);
});

test('a config flag on anything but a regular file is rejected', () => {
  const dir = { kind: 'dir', path: '/etc/echo', mode: 0o755, config: true } as unknown as PayloadEntry;
  rejects(withPayload([...payload, dir]), 'payload[2].config', /only regular files/);
  const link = { kind: 'symlink', path: '/etc/echo/link', mode: 0o777, target: 'echo.conf', config: true } as unknown as PayloadEntry;
  rejects(withPayload([...payload, link]), 'payload[2].config', /symlink/);
});

test('paths must be absolute and normalized, and parents must be directories', () => {
  for (const path of ['usr/bin/x', '/usr//x', '/usr/./x', '/usr/../x', '/usr/x/']) {
    rejects(withPayload([{ kind: 'file', path, mode: 0o644, data: new Uint8Array(0) }]), 'payload[0].path', /absolute|normalized/);
  }
  rejects(withPayload([{ kind: 'file', path: '/a\nb', mode: 0o644, data: new Uint8Array(0) }]), 'payload[0].path', /newline/);
  rejects(withPayload([...payload, { kind: 'file', path: '/usr/bin/echo-svc/x', mode: 0o644, data: new Uint8Array(0) }]), 'payload[2].path', /declares as a file/);
  rejects(withPayload([{ kind: 'file', path: '/', mode: 0o644, data: new Uint8Array(0) }]), 'payload[0].path', /directory/);
});

test('modes, owners, symlink targets and file data are checked', () => {
  rejects(withPayload([{ kind: 'dir', path: '/x', mode: 0o10755 }]), 'payload[0].mode', /07777/);
  rejects(withPayload([{ kind: 'dir', path: '/x', mode: 0o755, owner: 'Bad User' }]), 'payload[0].owner', /user\/group name/);
  rejects(withPayload([{ kind: 'symlink', path: '/x', mode: 0o777, target: '' }]), 'payload[0].target', /non-empty/);
  rejects(withPayload([{ kind: 'file', path: '/x', mode: 0o644, data: { size: -1, open: async function* () {} } }]), 'payload[0].data', /size/);
});

test('relations, homepage, section, priority, scripts and mtime are checked', () => {
  rejects(withMeta({ relations: { depends: [{ name: 'libc6', op: '>=' }] } }), 'meta.relations.depends[0]', /both op and version/);
  rejects(withMeta({ relations: { depends: [{ name: 'Libc6' }] } }), 'meta.relations.depends[0].name', /Debian package name/);
  rejects(withMeta({ relations: { depends: [{ name: 'aa', or: [{ name: 'bb', op: '>=', version: 'x1' }] }] } }), 'meta.relations.depends[0].or[0].version', /start with a digit/);
  rejects(withMeta({ relations: { provides: [{ name: 'aa', op: '>=', version: '1' }] } }), 'meta.relations.provides[0].op', /Provides only allows '='/);
  rejects(withMeta({ homepage: 'example.org' }), 'meta.homepage', /http/);
  rejects(withMeta({ section: 'Net Work' }), 'meta.section', /section/);
  rejects(withMeta({ priority: 'high' }), 'meta.priority', /optional/);
  rejects(withMeta({ summary: 'two\nlines' }), 'meta.summary', /one line/);
  rejects(withMeta({ summary: ' ' }), 'meta.summary', /must not be empty/);
  rejects(withMeta({ mtime: -1 }), 'meta.mtime', /whole seconds/);
  // lintian's package-contains-ancient-file: 1975 and earlier.
  rejects(withMeta({ mtime: 0 }), 'meta.mtime', /from 189302400 \(1976-01-01T00:00:00Z\)/);
  rejects(withMeta({ mtime: 189302399 }), 'meta.mtime', /from 189302400/);
  validateDebPlan(withMeta({ mtime: 189302400 }));
  rejects({ ...ok, scripts: { postinst: 'set -e\n' } }, 'scripts.postinst', /#!\/bin\/sh/);
  validateDebPlan(withMeta({ relations: { depends: [{ name: 'libc6', op: '>=', version: '2.36-9+deb12u1' }, { name: 'foo:any' }] } }));
});

test('writeDeb validates before writing', async () => {
  await assert.rejects(writeDeb(withMeta({ name: 'Bad' }), { compression: gzipCompressor() }), (e: unknown) => e instanceof DataError && e.field === 'meta.name');
});

test('a FileData whose stream disagrees with its size fails the build, naming the file', async () => {
  const plan = withPayload([{ kind: 'file', path: '/usr/lib/x', mode: 0o644, data: { size: 10, open: async function* () { yield new Uint8Array(3); } } }]);
  await assert.rejects(writeDeb(plan, { compression: gzipCompressor() }), (e: unknown) => e instanceof DataError && /usr\/lib\/x.*3 bytes.*10/.test(e.message));
});

test('Section must be one lintian knows, optionally after contrib/, non-free/ or non-free-firmware/', () => {
  for (const section of ['net', 'web', 'javascript', 'contrib/net', 'non-free/admin', 'non-free-firmware/kernel']) validateDebPlan(withMeta({ section }));
  for (const section of ['network', 'default', 'base', 'main/net', 'contrib/bogus', 'foo/net', 'contrib/non-free/net', 'Net', '']) {
    rejects(withMeta({ section }), 'meta.section', /is not a Debian archive section \(lintian unknown-section\); expected one such as net, web, admin/);
  }
});

test('a description line of a lone "." is refused (no deb-control spelling); other "." lines are fine', () => {
  rejects(withMeta({ description: 'one\n.\ntwo' }), 'meta.description', /line 2 is a lone '\.'/);
  rejects(withMeta({ description: 'one\n   .  ' }), 'meta.description', /line 2 is a lone '\.'/);
  validateDebPlan(withMeta({ description: '.NET service\n... and more\n . x' }));
});
