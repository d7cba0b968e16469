// tacd.env / --env and tacd.credentials in a real systemd (nspawn, Debian 12's
// systemd 252): the values reach the packaged HTTP app (fixtures/greeter) byte
// for byte through /etc/default/NAME and EnvironmentFile=; the admin's edit of
// that conffile survives an upgrade and the upgraded service sees it; a
// credential in /etc/credstore (0600) or encrypted with systemd-creds reaches
// credential('api-token') with no world-readable copy anywhere. The .rpm
// carries the same file as %config(noreplace) (read back with rpm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { describeError, exitCodeOf } from '../../src/core/errors.js';
import { haveProgram, run } from '../../src/core/exec.js';
import { runPackageCli } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import type { Container } from '../../src/verify/container.js';
import { ENV_VALUES } from '../helpers/env-values.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { buildPackage, tempDir, testIO } from './helpers.js';
import { httpGet, httpWait } from './http-probe.js';
import { rpmIn } from './rpm-in.js';
import { prop } from './probe.js';

const APP = 'fixtures/greeter/app.tac.ts';
const URL = 'http://127.0.0.1:8086';
const ENV_ARGS = ENV_VALUES.flatMap((v, i) => ['--env', `TEST_V${i}=${v}`]);
const EXPECTED_ENV = Object.fromEntries(ENV_VALUES.map((v, i) => [`TEST_V${i}`, v]));

function build(prog: 'ts2deb' | 'ts2rpm', out: string, version: string, extra: readonly string[] = []): Promise<string> {
  return buildPackage(prog, [APP, '--runtime', 'system', '--set-version', version, '--output', out, ...extra]);
}

async function install(c: Container, pkg: string): Promise<void> {
  const r = await c.installDeb(pkg);
  assert.equal(r.exitCode, 0, `dpkg -i ${pkg}: ${r.stdout}${r.stderr}`);
}

async function refusal(argv: readonly string[]): Promise<{ status: number; line: string }> {
  const err = await runPackageCli(debAdapter, argv, testIO()).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  return { status: exitCodeOf(err), line: describeError(err) };
}

test('--env without NAME= is one line (64); a bad name is one line naming the key (65)', async () => {
  const out = tempDir();
  try {
    assert.deepEqual(await refusal([APP, '--env', 'GREETING', '--output', out]), { status: 64, line: '--env "GREETING": expected NAME=VALUE' });
    assert.deepEqual(await refusal([APP, '--env', 'LISTEN_FDS=3', '--output', out]), { status: 65, line: '--env LISTEN_FDS: LISTEN_FDS is set by systemd or tacd for the service; choose another name' });
    assert.deepEqual(readdirSync(out), []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('deb: tacd.env and --env reach the service byte for byte; an admin edit of /etc/default/greeter survives an upgrade', { timeout: 400_000 }, async (t) => {
  const out = tempDir();
  try {
    const v1 = await build('ts2deb', out, '1.0.0', ENV_ARGS);
    const v2 = await build('ts2deb', out, '2.0.0', ENV_ARGS);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      await install(c, v1);
      assert.equal(await c.waitForUnitState('greeter.service', ['active'], 15_000), 'active');
      assert.deepEqual(JSON.parse((await httpWait(c, `${URL}/env`)).body), EXPECTED_ENV, 'every value as given');
      assert.equal((await httpGet(c, `${URL}/`)).body, 'hello from package.json\n');
      await c.sh(`sed -i 's/^GREETING=.*/GREETING="edited by the admin"/' /etc/default/greeter`);
      await c.exec(['systemctl', 'restart', 'greeter.service'], { check: true });
      assert.equal((await httpWait(c, `${URL}/`)).body, 'edited by the admin\n');
      const pid1 = await prop(c, 'greeter.service', 'MainPID');
      await install(c, v2); // no --force-conf*: an unchanged package conffile keeps the admin's file silently
      assert.equal((await c.exec(['dpkg-query', '-W', '-f', '${Version}', 'greeter'])).stdout, '2.0.0-1');
      assert.match((await c.readFile('/etc/default/greeter')).toString(), /^GREETING="edited by the admin"$/m, 'conffile edit kept');
      assert.notEqual(await prop(c, 'greeter.service', 'MainPID'), pid1, 'v2 runs');
      assert.equal((await httpWait(c, `${URL}/`)).body, 'edited by the admin\n', 'the upgraded service sees the edit');
      assert.deepEqual(JSON.parse((await httpGet(c, `${URL}/env`)).body), EXPECTED_ENV);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** Mode and owner of each path inside the container ('600 root'). */
async function modes(c: Container, ...paths: string[]): Promise<string[]> {
  return (await c.exec(['stat', '-c', '%a %U', ...paths], { check: true })).stdout.trim().split('\n');
}

/** Files under the usual places that are readable by others and contain `secret`. */
async function worldReadableCopies(c: Container, secret: string): Promise<string> {
  return (await c.sh(`find /etc /run /var /tmp /usr/lib/greeter -type f -perm -o=r -size -1M -exec grep -l -F ${secret} {} + 2>/dev/null; true`)).stdout.trim();
}

async function credentialIn(c: Container, expected: string): Promise<void> {
  await c.exec(['systemctl', 'restart', 'greeter.service'], { check: true });
  const r = await httpWait(c, `${URL}/credential`);
  assert.deepEqual(r, { status: 200, body: expected });
  // systemd 252 hands them to the service user (0500/0400); 257 keeps them root's (0550/0440) with an ACL for the user
  const [dir, file] = await modes(c, '/run/credentials/greeter.service', '/run/credentials/greeter.service/api-token');
  assert.match(dir!, /^5[05]0 (greeter|root)$/, 'the private directory: nothing for others');
  assert.match(file!, /^4[04]0 (greeter|root)$/, 'the copy: read-only, nothing for others');
}

test('deb: tacd.credentials: LoadCredential=api-token; a 0600 file in /etc/credstore or a systemd-creds one reaches credential(), never world-readable', { timeout: 400_000 }, async (t) => {
  const out = tempDir();
  try {
    const deb = await build('ts2deb', out, '1.0.0');
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      await install(c, deb);
      assert.equal(await c.waitForUnitState('greeter.service', ['active'], 15_000), 'active', 'starts without the credential');
      assert.match((await c.readFile('/lib/systemd/system/greeter.service')).toString(), /^# api-token: token for the upstream API\nLoadCredential=api-token$/m);
      const missing = await httpWait(c, `${URL}/credential`, 3000);
      assert.equal(missing.status, 503);
      assert.match(missing.body, /^credential 'api-token' not found in \$CREDENTIALS_DIRECTORY/);
      // plain: a root-only file
      await c.sh("install -d -m 0700 /etc/credstore && (umask 077 && printf 's3cret-plain\\n' > /etc/credstore/api-token)");
      await credentialIn(c, 's3cret-plain\n');
      assert.deepEqual(await modes(c, '/etc/credstore', '/etc/credstore/api-token'), ['700 root', '600 root']);
      assert.equal(await worldReadableCopies(c, 's3cret-plain'), '', 'no world-readable copy');
      // encrypted with the host key, loaded by a drop-in
      await c.sh("rm /etc/credstore/api-token && install -d -m 0700 /etc/credstore.encrypted && printf 's3cret-enc' | systemd-creds encrypt --name=api-token - /etc/credstore.encrypted/api-token");
      await c.writeFile('/etc/systemd/system/greeter.service.d/credential.conf', '[Service]\nLoadCredentialEncrypted=api-token\n');
      await c.exec(['systemctl', 'daemon-reload'], { check: true });
      await credentialIn(c, 's3cret-enc');
      assert.equal(await worldReadableCopies(c, 's3cret-enc'), '', 'no world-readable copy');
      assert.doesNotMatch((await c.exec(['journalctl', '-b', '--no-pager'])).stdout, /s3cret/, 'no secret in the journal');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('rpm: the env reaches the service; an admin edit of /etc/sysconfig/greeter survives rpm -U and the upgraded service sees it', { timeout: 400_000 }, async (t) => {
  const out = tempDir();
  try {
    const v1 = await build('ts2rpm', out, '1.0.0', ENV_ARGS);
    const v2 = await build('ts2rpm', out, '2.0.0', ENV_ARGS);
    await withSystemd(t, { rootfs: LIFECYCLE_ROOTFS, privateNetwork: true }, async (c) => {
      await rpmIn(c, ['-i'], v1);
      assert.equal(await c.waitForUnitState('greeter.service', ['active'], 15_000), 'active');
      assert.deepEqual(JSON.parse((await httpWait(c, `${URL}/env`)).body), EXPECTED_ENV, 'every value as given');
      await c.sh(`sed -i 's/^GREETING=.*/GREETING="edited by the admin"/' /etc/sysconfig/greeter`);
      await c.exec(['systemctl', 'restart', 'greeter.service'], { check: true });
      const pid1 = await prop(c, 'greeter.service', 'MainPID');
      await rpmIn(c, ['-U'], v2);
      assert.equal((await c.exec(['rpm', '-q', 'greeter'])).stdout.trim(), 'greeter-2.0.0-1.noarch');
      assert.match((await c.readFile('/etc/sysconfig/greeter')).toString(), /^GREETING="edited by the admin"$/m, '%config(noreplace) kept');
      assert.equal(await c.waitForUnitState('greeter.service', ['active'], 15_000), 'active');
      assert.notEqual(await prop(c, 'greeter.service', 'MainPID'), pid1, 'v2 runs');
      assert.equal((await httpWait(c, `${URL}/`)).body, 'edited by the admin\n', 'the upgraded service sees the edit');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('rpm: /etc/sysconfig/greeter is %config(noreplace) with the env lines; the unit loads the credential', async (t) => {
  if (!(await haveProgram('rpm')) || !(await haveProgram('rpm2cpio'))) return t.skip('rpm and rpm2cpio are missing (apt-get install rpm)');
  const out = tempDir();
  try {
    const rpm = await build('ts2rpm', out, '1.0.0', ['--env', 'TEST_V1=two\nlines']);
    const flags = (await run('rpm', ['-qp', '--qf', '[%{FILEFLAGS:fflags} %{FILENAMES}\\n]', rpm])).stdout;
    assert.match(flags, /^cn \/etc\/sysconfig\/greeter$/m, 'config(noreplace)');
    const cpio = await run('sh', ['-c', `rpm2cpio '${rpm}' | cpio -i --quiet --to-stdout ./etc/sysconfig/greeter ./usr/lib/systemd/system/greeter.service`]);
    assert.match(cpio.stdout, /^PORT="8086"\nGREETING="hello from package\.json"\nTEST_V1="two\nlines"$/m);
    assert.match(cpio.stdout, /^EnvironmentFile=-\/etc\/sysconfig\/greeter$/m);
    assert.match(cpio.stdout, /^LoadCredential=api-token$/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
