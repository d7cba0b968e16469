// piuparts (Debian's package installation tester) on the echo package:
// install and purge on bookworm and trixie in a clean chroot, every file the
// package made gone afterwards, nothing ignored. The base tarball per suite is
// built once with mmdebstrap into /var/cache/tacd/piuparts and reused for 30 days. Needs
// root and piuparts (.ci/install-deps installs it); skips loudly otherwise,
// and with TACD_REQUIRE_SYSTEMD=1 (CI) a missing piece fails instead.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildPackage, tempDir } from '../packaging/helpers.js';

const CACHE = process.env.TACD_PIUPARTS_CACHE ?? '/var/cache/tacd/piuparts';
const MIRROR = process.env.TACD_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const out = tempDir('tacd-piuparts-');
after(() => rmSync(out, { recursive: true, force: true }));

function skipReason(): string | undefined {
  if (process.env.TACD_SKIP_SLOW === '1') return 'TACD_SKIP_SLOW=1 is set: skipping piuparts';
  if (process.getuid?.() !== 0) return 'not root: piuparts needs root (chroot, mount)';
  for (const tool of ['piuparts', 'mmdebstrap']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing (apt-get install ${tool}; .ci/install-deps does)`;
  }
  return undefined;
}

/**
 * The minbase tarball of `suite`, built with mmdebstrap when missing or older
 * than 30 days, as a system where apt has run once: debconf is reinstalled
 * through apt, so apt's pre-install hook (dpkg-preconfigure) makes debconf's
 * scratch folder /var/cache/debconf/tmp.ci/ as on any installed machine.
 * Trixie's debconf keeps that folder: on a bootstrap that never ran apt,
 * piuparts counts it as left by whatever package it installs first (Debian's
 * `hello` too).
 */
function baseTarball(suite: string): string {
  const file = path.join(CACHE, `${suite}-minbase-apt.tar.gz`);
  if (existsSync(file) && Date.now() - statSync(file).mtimeMs < 30 * 86_400_000) return file;
  mkdirSync(CACHE, { recursive: true });
  const hook = '--customize-hook=chroot "$1" apt-get -y -q --reinstall install debconf';
  const r = spawnSync('mmdebstrap', ['--mode=root', '--variant=minbase', hook, suite, `${file}.new.tar.gz`, MIRROR], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `mmdebstrap ${suite}: ${r.stderr.slice(-2000)}`);
  renameSync(`${file}.new.tar.gz`, file);
  return file;
}

let deb: string | undefined;
async function echoDeb(): Promise<string> {
  deb ??= await buildPackage('ts2deb', ['--plugin', 'echo', '--output', out, '--', '--port', '8124']);
  return deb;
}

for (const suite of ['bookworm', 'trixie']) {
  test(`piuparts: the echo package installs and purges cleanly on ${suite}`, { timeout: 900_000 }, async (t) => {
    const why = skipReason();
    if (why !== undefined) {
      assert.notEqual(process.env.TACD_REQUIRE_SYSTEMD, '1', `TACD_REQUIRE_SYSTEMD=1 but ${why}`);
      return t.skip(why);
    }
    const base = baseTarball(suite);
    const t0 = Date.now();
    // Nothing is --ignore'd: every leftover piuparts reports fails the test.
    const r = spawnSync('piuparts', ['--distribution', suite, '--basetgz', base, '--mirror', `${MIRROR} main`, '--no-upgrade-test', '--warn-on-debsums-errors', await echoDeb()], { encoding: 'utf8', timeout: 840_000, maxBuffer: 64 * 1024 * 1024 });
    t.diagnostic(`piuparts on ${suite} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const log = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, log.split('\n').slice(-60).join('\n'));
    assert.match(log, /PASS: All tests\./);
  });
}
