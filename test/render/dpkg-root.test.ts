// The deb maintainer scripts under DPKG_ROOT (dpkg --root / --force-script-chrootless
// installing into another tree, as mmdebstrap does): they must not act on the
// running system, as debhelper's autoscripts guard with [ -z "${DPKG_ROOT:-}" ].
//
// Each script is rendered from the built-in templates and run by /bin/sh with
// PATH holding only stubs (deb-systemd-invoke, deb-systemd-helper, update-rc.d,
// invoke-rc.d, systemctl, adduser, addgroup, getent, systemd-sysusers,
// systemd-tmpfiles, rm) that log their name, the DPKG_ROOT they saw and their
// arguments. The host the scripts probe is simulated: /run/systemd/system,
// /etc/init.d/NAME and /usr/bin/deb-systemd-helper are rewritten to paths in a
// temp folder, so both a systemd host and a sysvinit host are tried whatever
// this machine runs. Without DPKG_ROOT the same scripts must make the usual
// calls (so the test would notice a guard that disables everything).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from '../../src/render/render.js';
import { SERVICE } from './service-locals.js';


const STUBS = ['deb-systemd-invoke', 'deb-systemd-helper', 'update-rc.d', 'invoke-rc.d', 'systemctl', 'adduser', 'addgroup', 'getent', 'systemd-sysusers', 'systemd-tmpfiles', 'rm'];
/** Tools that act on (or read) the running system whatever DPKG_ROOT says. */
const HOST_ONLY = ['deb-systemd-invoke', 'invoke-rc.d', 'systemctl', 'update-rc.d', 'adduser', 'addgroup', 'getent'];

const work = mkdtempSync(path.join(os.tmpdir(), 'tacd-dpkgroot-'));
after(() => rmSync(work, { recursive: true, force: true }));

const stubs = path.join(work, 'bin');
mkdirSync(stubs);
for (const name of STUBS) {
  const f = path.join(stubs, name);
  // Shell builtins only: PATH holds nothing but these stubs.
  // One line per call: name, TAB, DPKG_ROOT, TAB, each argument in [brackets] (so a split word shows).
  writeFileSync(f, `#!/bin/sh\n{ printf '%s\\t%s\\t' "\${0##*/}" "\${DPKG_ROOT-<unset>}"; printf '[%s]' "$@"; printf '\\n'; } >>"$TACD_STUB_LOG"\n${name === 'getent' ? 'exit 2\n' : ''}exit 0\n`);
  chmodSync(f, 0o755);
}

interface Call {
  readonly tool: string;
  readonly dpkgRoot: string | undefined;
  /** The arguments joined by spaces, for messages and comparisons. */
  readonly args: string;
  readonly argv: readonly string[];
}

interface Host {
  readonly systemd: boolean;
}

let runs = 0;

/** Renders deb/NAME, points its host probes into a fake host, runs it with `args`; returns the logged calls. */
function runScript(name: 'preinst' | 'postinst' | 'prerm' | 'postrm', args: string[], host: Host, dpkgRoot: string | undefined): Call[] {
  const id = String(runs++);
  const fake = path.join(work, `host-${id}`);
  mkdirSync(path.join(fake, 'etc/init.d'), { recursive: true });
  if (host.systemd) mkdirSync(path.join(fake, 'run/systemd/system'), { recursive: true });
  writeFileSync(path.join(fake, 'etc/init.d/echo'), '#!/bin/sh\n');
  chmodSync(path.join(fake, 'etc/init.d/echo'), 0o755);
  const text = render(`deb/${name}`, SERVICE);
  const probed = text
    .replaceAll('/run/systemd/system', path.join(fake, 'run/systemd/system'))
    .replaceAll('/etc/init.d/echo', path.join(fake, 'etc/init.d/echo'))
    .replaceAll('/usr/bin/deb-systemd-helper', path.join(stubs, 'deb-systemd-helper'));
  const file = path.join(work, `${name}-${id}`);
  writeFileSync(file, probed);
  const log = path.join(work, `log-${id}`);
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = { PATH: stubs, TACD_STUB_LOG: log, ...(dpkgRoot !== undefined ? { DPKG_ROOT: dpkgRoot } : {}) };
  const r = spawnSync('/bin/sh', [file, ...args], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${name} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [tool = '', root = '', rest = ''] = l.split('\t');
      const argv = [...rest.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
      return { tool, dpkgRoot: root === '<unset>' ? undefined : root, args: argv.join(' '), argv };
    });
}

const show = (calls: readonly Call[]): string => calls.map((c) => `${c.tool} ${c.args}`).join('\n') || '(no calls)';

const SCENARIOS: { script: 'preinst' | 'postinst' | 'prerm' | 'postrm'; args: string[] }[] = [
  { script: 'preinst', args: ['install'] },
  { script: 'postinst', args: ['configure', ''] },
  { script: 'postinst', args: ['configure', '1.0.0-1'] },
  { script: 'postinst', args: ['abort-upgrade', '1.0.1-1'] },
  { script: 'prerm', args: ['remove'] },
  { script: 'prerm', args: ['upgrade', '1.0.1-1'] },
  { script: 'postrm', args: ['remove'] },
  { script: 'postrm', args: ['purge'] },
];

test('the scripts probe the host paths this test rewrites (else the fake host proves nothing)', () => {
  assert.match(render('deb/postinst', SERVICE), /\[ -d \/run\/systemd\/system \]/);
  assert.match(render('deb/postinst', SERVICE), /\[ -x \/etc\/init\.d\/echo \]/);
  assert.match(render('deb/prerm', SERVICE), /\[ -d \/run\/systemd\/system \]/);
  assert.match(render('deb/postrm', SERVICE), /\[ -x "\/usr\/bin\/deb-systemd-helper" \]/);
  assert.ok(existsSync(path.join(stubs, 'rm')));
});

test('with DPKG_ROOT set, no script acts on the running system (systemd and sysvinit hosts)', () => {
  const root = path.join(work, 'target root');
  mkdirSync(root, { recursive: true });
  for (const host of [{ systemd: true }, { systemd: false }]) {
    for (const s of SCENARIOS) {
      const calls = runScript(s.script, s.args, host, root);
      const where = `${s.script} ${s.args.join(' ')} (${host.systemd ? 'systemd' : 'sysvinit'} host, DPKG_ROOT set):\n${show(calls)}`;
      for (const c of calls) {
        assert.ok(!HOST_ONLY.includes(c.tool), `calls ${c.tool} ${c.args}, which acts on the running system; ${where}`);
        assert.equal(c.dpkgRoot, root, `${c.tool} ran without DPKG_ROOT in its environment; ${where}`);
        if (c.tool === 'systemd-sysusers' || c.tool === 'systemd-tmpfiles') assert.ok(c.argv.includes(`--root=${root}`), `${c.tool} without --root (one word); ${where}`);
        if (c.tool === 'rm') {
          for (const a of c.argv.filter((x) => !x.startsWith('-'))) assert.ok(a.startsWith(`${root}/`), `rm of '${a}' outside DPKG_ROOT; ${where}`);
        }
      }
      if (s.script === 'postinst' && s.args[0] === 'configure') {
        assert.ok(calls.some((c) => c.tool === 'systemd-sysusers' && c.argv.join('|') === `--root=${root}|echo.conf`), `the account is created inside DPKG_ROOT; ${where}`);
      }
      if (s.script === 'postrm' && s.args[0] === 'purge') {
        assert.deepEqual(
          calls.filter((c) => c.tool === 'rm').map((c) => c.argv),
          [['-rf', `${root}/var/lib/echo`, `${root}/var/log/echo`, `${root}/run/echo`]],
          `purge removes the state inside DPKG_ROOT; ${where}`,
        );
      }
    }
  }
});

test('without DPKG_ROOT the same scripts do call the service managers and account tools', () => {
  const calls = (script: 'preinst' | 'postinst' | 'prerm' | 'postrm', args: string[], systemd: boolean): string[] =>
    runScript(script, args, { systemd }, undefined).map((c) => {
      assert.equal(c.dpkgRoot, undefined);
      return `${c.tool} ${c.args}`;
    });
  const includes = (got: string[], want: string[], what: string): void => {
    for (const w of want) assert.ok(got.includes(w), `${what}: expected '${w}' among:\n${got.join('\n')}`);
  };
  includes(calls('postinst', ['configure', ''], true), ['getent group echo', 'addgroup --quiet --system echo', 'getent passwd echo', 'update-rc.d echo defaults', 'systemctl --system daemon-reload', 'deb-systemd-invoke start echo.service', 'deb-systemd-helper enable echo.service'], 'postinst configure (systemd)');
  assert.ok(calls('postinst', ['configure', ''], true).some((c) => c.startsWith('adduser --quiet --system --ingroup echo')));
  includes(calls('postinst', ['configure', '1.0.0-1'], false), ['update-rc.d echo defaults', 'invoke-rc.d echo restart'], 'postinst upgrade (sysvinit)');
  includes(calls('prerm', ['remove'], true), ['deb-systemd-invoke stop echo.service'], 'prerm remove (systemd)');
  includes(calls('prerm', ['remove'], false), ['invoke-rc.d echo stop'], 'prerm remove (sysvinit)');
  assert.deepEqual(calls('prerm', ['upgrade', '1.0.1-1'], true), [], 'prerm upgrade stops nothing');
  includes(calls('postrm', ['remove'], true), ['systemctl --system daemon-reload', 'deb-systemd-helper mask echo.service'], 'postrm remove (systemd)');
  includes(calls('postrm', ['purge'], true), ['update-rc.d echo remove', 'deb-systemd-helper purge echo.service', 'rm -rf /var/lib/echo /var/log/echo /run/echo'], 'postrm purge');
});
