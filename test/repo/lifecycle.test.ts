// A fleet host's life with a `ts2deb repo` repository, in a real systemd
// (systemd-nspawn, src/verify): add the repository with Signed-By,
// apt-get update, apt-get install the app, publish v2, apt-get upgrade
// moves the running service to v2, and a tampered Packages is refused.
// The repository reaches the container through a read-only bind mount
// (file:// URI); the image's Debian sources are removed, so apt sees ours only.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from '../../src/core/exec.js';
import { FIXTURES_DIR, PROJECT_ROOT } from '../../src/core/paths.js';
import type { Container } from '../../src/verify/container.js';
import { LIFECYCLE_ROOTFS, withSystemd } from '../helpers/systemd.js';
import { cli, makeKey, tmp } from './helpers.js';

async function echoDeb(out: string, version: string): Promise<string> {
  await run(process.execPath, [path.join(PROJECT_ROOT, 'bin/ts2deb.js'), path.join(FIXTURES_DIR, 'echo/app.tac.ts'), '--runtime', 'system', '--maintainer', 'A <a@example.org>', '--set-version', version, '--output', out]);
  return path.join(out, `echo_${version}-1_all.deb`);
}

async function sh(c: Container, script: string): Promise<string> {
  const r = await c.sh(script, { env: { DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 300_000 });
  assert.equal(r.exitCode, 0, `${script}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const started = (c: Container): Promise<string> => sh(c, 'systemctl show -p ActiveState,ExecMainStartTimestampMonotonic --value echo.service').then((s) => s.trim());

/** The current generation copied to `to`, with every Packages file (and by-hash copy) of amd64 altered. */
async function tampered(repo: string, to: string): Promise<void> {
  cpSync(repo, to, { recursive: true, dereference: true });
  const dir = path.join(to, 'dists/stable/main/binary-amd64');
  const text = readFileSync(path.join(dir, 'Packages'), 'utf8').replace(/^Description: (.*)$/m, 'Description: $1 (tampered)');
  const xz = (await run('sh', ['-c', 'xz -c'], { input: text })).stdout;
  writeFileSync(path.join(dir, 'Packages'), text);
  writeFileSync(path.join(dir, 'Packages.gz'), gzipSync(text));
  writeFileSync(path.join(dir, 'Packages.xz'), xz);
  for (const f of readdirSync(path.join(dir, 'by-hash/SHA256'))) writeFileSync(path.join(dir, 'by-hash/SHA256', f), text);
}

async function lifecycle(t: TestContext, suite: string): Promise<void> {
  const key = makeKey();
  const work = tmp(`repo-life-${suite}`);
  const repo = path.join(work, 'fleet');
  const env = { GNUPGHOME: key.home };
  const add = async (version: string): Promise<void> => {
    const r = await cli('ts2deb', ['repo', repo, await echoDeb(work, version), '--sign-key', key.uid], env);
    assert.equal(r.status, 0, r.stderr);
  };
  await add('1.0.0');
  await withSystemd(t, { rootfs: { ...LIFECYCLE_ROOTFS, suite }, bindReadOnly: [work] }, async (c) => {
    await sh(c, `rm -f /etc/apt/sources.list /etc/apt/sources.list.d/* && install -d /etc/apt/keyrings && cp ${repo}/fleet-archive-keyring.gpg /etc/apt/keyrings/fleet.gpg && cp ${repo}/fleet.sources /etc/apt/sources.list.d/`);
    await sh(c, 'apt-get update && apt-get install -y echo');
    assert.equal((await sh(c, "dpkg-query -W -f='${Version}' echo")).trim(), '1.0.0-1');
    const before = await started(c);
    assert.match(before, /^\d+\nactive$/);
    await add('2.0.0');
    await sh(c, 'apt-get update && apt-get upgrade -y');
    assert.equal((await sh(c, "dpkg-query -W -f='${Version}' echo")).trim(), '2.0.0-1');
    const after = await started(c);
    assert.match(after, /^\d+\nactive$/);
    assert.notEqual(after, before, 'the service was restarted onto v2');

    await tampered(repo, path.join(work, 'bad'));
    await sh(c, `sed -i 's#${repo}#${path.join(work, 'bad')}#' /etc/apt/sources.list.d/fleet.sources && rm -rf /var/lib/apt/lists/*`);
    const r = await c.sh('apt-get update', { timeoutMs: 120_000 });
    assert.notEqual(r.exitCode, 0, `apt-get update accepted a tampered Packages: ${r.stdout}`);
    assert.match(r.stdout + r.stderr, /Hash Sum mismatch|File has unexpected size|Failed to fetch/);
    t.diagnostic(`${suite}: apt refused the tampered Packages: ${(r.stdout + r.stderr).split('\n').find((l) => /mismatch|unexpected/.test(l))?.trim()}`);
  });
}

test('bookworm: install from the signed repository, upgrade to v2 moves the running service, a tampered Packages is refused', (t) => lifecycle(t, 'bookworm'));

test('trixie: the same (skipped loudly when the trixie rootfs cannot be built)', (t) => lifecycle(t, 'trixie'));
