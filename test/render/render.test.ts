// Rendering: the built-in templates against golden files, the ban on `<%=`,
// errors naming the template file and line, overrides by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { exitCodeOf, describeError } from '../../src/core/errors.js';
import { run } from '../../src/core/exec.js';
import { createRenderer, render, renderText, templateFile } from '../../src/render/render.js';
import { TEMPLATE_NAMES } from '../../src/render/locals.js';
import { TEMPLATES_DIR } from '../../src/core/paths.js';
import { assertGolden } from '../helpers/golden.js';

import { SERVICE } from './service-locals.js';

const SERVICE_TEMPLATES = ['systemd/service', 'deb/preinst', 'deb/postinst', 'deb/prerm', 'deb/postrm', 'rpm/pre', 'rpm/post', 'rpm/preun', 'rpm/postun', 'initd/debian', 'initd/redhat', 'default', 'sysusers', 'tmpfiles', 'lintian-overrides'] as const;

test('every built-in template exists', () => {
  for (const name of TEMPLATE_NAMES) assert.equal(templateFile(name), path.join(TEMPLATES_DIR, `${name}.ejs`));
});

test('service templates render as their golden files', () => {
  for (const name of SERVICE_TEMPLATES) {
    const family = name.startsWith('rpm/') || name === 'initd/redhat' ? 'rpm' : 'deb';
    const envFile = family === 'rpm' ? '/etc/sysconfig/echo' : '/etc/default/echo';
    assertGolden(`render/${name}.txt`, render(name, { ...SERVICE, family, envFile }));
  }
  const priv = render('systemd/service', { ...SERVICE, privilegedPort: true, socketPorts: [80], units: ['echo.socket', 'echo.service'] });
  assertGolden('render/systemd/service-port80-socket.txt', priv);
  assertGolden('render/systemd/socket.txt', render('systemd/socket', { ...SERVICE, socketPorts: [80] }));
  assertGolden('render/changelog.txt', render('changelog', { name: 'echo', entries: [{ version: '1.0.0-1', distribution: 'unstable', urgency: 'medium', changes: ['First.'], author: 'Ann <ann@example.org>', date: 'Thu, 21 Sep 2026 00:00:00 +0000' }] }));
  assertGolden('render/copyright.txt', render('copyright', { name: 'echo', source: 'https://example.org', holders: ['2026 Ann <ann@example.org>'], license: 'MIT', licenseText: 'line one\n\nline two', packagingHolders: ['2026 Ann <ann@example.org>'] }));
});

test('the unit keeps R&D as is (no HTML escaping) and doubles %', () => {
  const unit = render('systemd/service', SERVICE);
  assert.match(unit, /^Description=TCP echo server \(R&D, 100%%\)$/m);
  assert.match(unit, /^ExecStart=\/usr\/lib\/echo\/node --enable-source-maps \/usr\/lib\/echo\/launcher\.cjs --nodaemon --pidfile= --env-args=TACD_ARGS echo$/m);
  assert.match(unit, /^Environment="TACD_ARGS=--port 7001"$/m);
});

test('maintainer scripts and init scripts are valid sh (sh -n)', async () => {
  for (const name of SERVICE_TEMPLATES.filter((n) => n.startsWith('deb/') || n.startsWith('rpm/') || n.startsWith('initd/') || n === 'default')) {
    const r = await run('sh', ['-n'], { input: render(name, SERVICE), allowFailure: true });
    assert.equal(r.exitCode, 0, `${name}: ${r.stderr}`);
  }
});

const WITH_ENV = {
  ...SERVICE,
  env: [
    { name: 'PORT', value: '3000' },
    { name: 'GREETING', value: 'say "hi" to $USER\nand `them`' },
  ],
  credentials: [
    { name: 'api-token', description: 'Token for api.example.org (100%)' },
    { name: 'db.password', description: undefined },
  ],
};

test('tacd.env: the default file gets NAME="value" lines that sh reads back exactly; the init scripts export them', async () => {
  const dflt = render('default', WITH_ENV);
  assert.ok(dflt.startsWith(render('default', SERVICE)), 'only lines added after the options');
  assert.match(dflt, /^PORT="3000"$/m);
  assert.match(dflt, /^GREETING="say \\"hi\\" to \\\$USER$/m);
  const r = await run('sh', ['-c', `${dflt}\nprintf '%s|%s|%s' "$TACD_ARGS" "$PORT" "$GREETING"`]);
  assert.equal(r.stdout, '--port 7001|3000|say "hi" to $USER\nand `them`');
  for (const name of ['initd/debian', 'initd/redhat'] as const) {
    const script = render(name, WITH_ENV);
    assert.match(script, /^export TACD_ARGS PORT GREETING$/m, name);
    assert.equal(script.replace('export TACD_ARGS PORT GREETING\n', 'export TACD_ARGS\n'), render(name, SERVICE), `${name}: the names added to the export line, nothing else`);
  }
});

test('tacd.credentials: a LoadCredential=NAME line each in the unit (described), and where to put them in the default file', () => {
  const unit = render('systemd/service', WITH_ENV);
  assert.match(unit, /^# api-token: Token for api\.example\.org \(100%\)\nLoadCredential=api-token\nLoadCredential=db\.password$/m);
  assert.match(unit, /^UMask=0027\n# Secrets: systemd copies \/etc\/credstore\/NAME/m);
  assert.doesNotMatch(unit, /LoadCredential=.*:/, 'no path: a missing credential does not fail the start');
  const dflt = render('default', WITH_ENV);
  assert.match(dflt, /^# {3}\/etc\/credstore\/api-token {2}\(Token for api\.example\.org \(100%\)\)$/m);
  assert.match(dflt, /^# {3}\/etc\/credstore\/db\.password$/m);
  assert.match(dflt, /LoadCredentialEncrypted=NAME added by\n# 'systemctl edit echo'/);
});

test('with env and credentials the scripts are still valid sh (sh -n)', async () => {
  for (const name of ['default', 'initd/debian', 'initd/redhat'] as const) {
    const r = await run('sh', ['-n'], { input: render(name, WITH_ENV), allowFailure: true });
    assert.equal(r.exitCode, 0, `${name}: ${r.stderr}`);
  }
});

test('--socket-activation: an upgrade restarts the service only, the socket too when its Listen changed (valid sh)', async () => {
  const sock = { ...SERVICE, socketPorts: [8086], units: ['echo.socket', 'echo.service'] };
  const postinst = render('deb/postinst', sock);
  assert.match(postinst, /^_tacd_listen=\$\(systemctl show -p Listen --value echo\.socket 2>\/dev\/null \|\| true\)$/m);
  assert.ok(postinst.indexOf('_tacd_listen=') < postinst.indexOf('update-rc.d echo defaults'), 'read before update-rc.d reloads systemd');
  assert.match(postinst, /"\$_tacd_listen" \]; then\n {8}deb-systemd-invoke restart echo\.socket echo\.service .*\n {4}elif \[ -n "\$2" \]; then\n {8}deb-systemd-invoke restart echo\.service /);
  assert.match(postinst, /^ {8}deb-systemd-invoke start echo\.socket echo\.service /m);
  const post = render('rpm/post', { ...sock, family: 'rpm' });
  assert.match(post, /"\$_tacd_listen" \]; then\n {8}systemctl try-restart echo\.socket /);
  const postun = render('rpm/postun', { ...sock, family: 'rpm' });
  assert.match(postun, /mark-restart-system-units echo\.service \|\| :/);
  assert.match(postun, /try-restart echo\.service >/);
  for (const [name, text] of [['deb/postinst', postinst], ['rpm/post', post], ['rpm/postun', postun]] as const) {
    const r = await run('sh', ['-n'], { input: text, allowFailure: true });
    assert.equal(r.exitCode, 0, `${name}: ${r.stderr}`);
  }
});

test("'<%=' is refused with the file and line", () => {
  assert.throws(
    () => renderText('line one\n<%= it.name %>\n', '/t/x.ejs', { name: 'a' }),
    (e: unknown) => exitCodeOf(e) === 65 && /^\/t\/x\.ejs:2: '<%=' is not allowed/.test(describeError(e)),
  );
});

test('a template that throws names its file and line', () => {
  assert.throws(
    () => renderText('a\nb\n<%- it.missing.deeper %>\n', '/t/bad.ejs', {}),
    (e: unknown) => exitCodeOf(e) === 65 && /^\/t\/bad\.ejs:3: template failed to render: .*deeper/.test(describeError(e)),
  );
});

test('a template with a syntax error names its file and line', () => {
  assert.throws(
    () => renderText('one\ntwo\n<% if (it.x { %>\nz\n<% } %>\n', '/t/syntax.ejs', {}),
    (e: unknown) => exitCodeOf(e) === 65 && /^\/t\/syntax\.ejs:3: template does not compile/.test(describeError(e)),
  );
});

test('--templates DIR overrides a template by name; others stay built-in', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tacd-tpl-'));
  try {
    mkdirSync(path.join(dir, 'systemd'));
    writeFileSync(path.join(dir, 'systemd', 'service.ejs'), '# mine for <%- systemdValue(it.name) %>\n');
    const r = createRenderer(dir);
    assert.equal(r('systemd/service', SERVICE), '# mine for echo\n');
    assert.match(r('default', SERVICE), /^TACD_ARGS="--port 7001"$/m);
    assert.throws(() => createRenderer(path.join(dir, 'nope')), (e: unknown) => exitCodeOf(e) === 66);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
