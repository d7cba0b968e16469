// A small ts2deb-like plan for the source-package tests: a shell "app" with a
// launcher symlink, a systemd unit, /etc/default, tmpfiles/sysusers files,
// docs (one over 4 KiB, which dh_compress would otherwise compress), an
// empty 0750 state directory, a setuid helper, a 150-byte path, and
// maintainer scripts in the shape of ts2deb's templates.
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import type { PackageMeta, PackagePlan, PayloadEntry } from '../../../src/formats/plan.js';
import { renderChangelog } from '../../../src/formats/srcdeb/changelog.js';
import { renderCopyright } from '../../../src/formats/srcdeb/copyright.js';

const enc = new TextEncoder();
export const text = (s: string): Uint8Array => enc.encode(s);

export const MTIME = 1763769600; // 2025-11-22 00:00:00 UTC

export function demoMeta(over: Partial<PackageMeta> = {}): PackageMeta {
  return {
    name: 'tacd-demo',
    version: '1.2.3',
    release: '1',
    arch: 'all',
    maintainer: 'Jane Doe <jane@example.org>',
    summary: 'demo service packaged by tacd',
    description: 'A tiny shell service used by the source package tests.\n\nIt prints a line and sleeps.',
    license: 'MIT',
    homepage: 'https://example.org/tacd-demo',
    section: 'net',
    priority: 'optional',
    mtime: MTIME,
    relations: { depends: [{ name: 'adduser' }, { name: 'init-system-helpers', op: '>=', version: '1.54~' }], suggests: [{ name: 'curl' }] },
    changelog: [{ time: MTIME, author: 'Jane Doe <jane@example.org>', version: '1.2.3-1', changes: ['Initial release.'] }],
    ...over,
  };
}

const UNIT = `[Unit]
Description=tacd demo service
After=network.target

[Service]
Type=simple
EnvironmentFile=-/etc/default/tacd-demo
ExecStart=/usr/lib/tacd-demo/run
Restart=on-failure
DynamicUser=yes

[Install]
WantedBy=multi-user.target
`;

const POSTINST = `#!/bin/sh
# postinst of tacd-demo (test fixture in the shape of ts2deb's template).
set -e

deb-systemd-helper unmask 'tacd-demo.service' >/dev/null || true
if deb-systemd-helper --quiet was-enabled 'tacd-demo.service'; then
    deb-systemd-helper enable 'tacd-demo.service' >/dev/null || true
else
    deb-systemd-helper update-state 'tacd-demo.service' >/dev/null || true
fi
if [ -n "$2" ]; then _a=restart; else _a=start; fi
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    deb-systemd-invoke $_a 'tacd-demo.service' >/dev/null || true
fi
exit 0
`;

const PRERM = `#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    deb-systemd-invoke stop 'tacd-demo.service' >/dev/null || true
fi
exit 0
`;

const POSTRM = `#!/bin/sh
set -e
if [ "$1" = purge ] && [ -x /usr/bin/deb-systemd-helper ]; then
    deb-systemd-helper purge 'tacd-demo.service' >/dev/null || true
    deb-systemd-helper unmask 'tacd-demo.service' >/dev/null || true
fi
exit 0
`;

export const LONG_DIR = `/usr/share/tacd-demo/${'deeply-nested-directory/'.repeat(5)}x`;

export interface DemoPlan {
  readonly plan: PackagePlan;
  readonly changelog: string;
}

/** The plan; `meta` overrides go through to the changelog the payload carries. */
export function demoPlan(over: Partial<PackageMeta> = {}): DemoPlan {
  const meta = demoMeta(over);
  const changelog = renderChangelog(meta);
  const doc = `/usr/share/doc/${meta.name}`;
  const changelogName = meta.release === '' ? 'changelog.gz' : 'changelog.Debian.gz';
  const payload: PayloadEntry[] = [
    { kind: 'dir', path: '/usr/lib/tacd-demo', mode: 0o755 },
    { kind: 'file', path: '/usr/lib/tacd-demo/run', mode: 0o755, data: text('#!/bin/sh\necho "tacd-demo ${GREETING:-hello}"\nexec sleep infinity\n') },
    { kind: 'file', path: '/usr/lib/tacd-demo/app.js', mode: 0o644, data: text("console.log('hello from tacd-demo');\n") },
    { kind: 'file', path: '/usr/lib/tacd-demo/helper', mode: 0o4755, data: text('#!/bin/sh\nexit 0\n') },
    { kind: 'symlink', path: '/usr/bin/tacd-demo', mode: 0o777, target: '../lib/tacd-demo/run' },
    { kind: 'file', path: '/lib/systemd/system/tacd-demo.service', mode: 0o644, data: text(UNIT) },
    { kind: 'file', path: '/etc/default/tacd-demo', mode: 0o644, config: true, data: text('# Options for tacd-demo\nGREETING=hello\n') },
    { kind: 'file', path: '/usr/lib/tmpfiles.d/tacd-demo.conf', mode: 0o644, data: text('d /var/lib/tacd-demo 0750 root root -\n') },
    { kind: 'file', path: '/usr/lib/sysusers.d/tacd-demo.conf', mode: 0o644, data: text('u tacd-demo - "tacd demo" /var/lib/tacd-demo\n') },
    { kind: 'dir', path: '/var/lib/tacd-demo', mode: 0o750 },
    { kind: 'file', path: `${doc}/copyright`, mode: 0o644, data: text(renderCopyright(meta)) },
    { kind: 'file', path: `${doc}/${changelogName}`, mode: 0o644, data: gzipSync(text(changelog), { level: 9 }) },
    { kind: 'file', path: `${doc}/README.Debian`, mode: 0o644, data: text(`tacd-demo for Debian\n\n${'This is filler text for the README. '.repeat(150)}\n`) },
    { kind: 'file', path: LONG_DIR, mode: 0o644, data: text('a file with a path over 100 bytes\n') },
    { kind: 'file', path: `${doc}/examples/run me.sh`, mode: 0o755, data: text('#!/bin/sh\necho example\n') },
    { kind: 'file', path: "/usr/lib/tacd-demo/it's $HOME & co.txt", mode: 0o600, data: text('awkward name\n') },
    { kind: 'ghost', path: '/var/log/tacd-demo.log', mode: 0o644 },
  ];
  return { plan: { meta, payload, scripts: { postinst: POSTINST, prerm: PRERM, postrm: POSTRM } }, changelog };
}

/**
 * Why dpkg-buildpackage cannot rebuild here, or undefined. Besides the tools,
 * dpkg's Debian vendor hook makes build-essential an implicit build
 * dependency (Dpkg::Vendor::Debian), so it must be installed too.
 */
export function rebuildSkipReason(extra: readonly string[] = []): string | undefined {
  const missing = ['dpkg-source', 'dpkg-buildpackage', 'dh', 'dpkg-deb', ...extra].filter((t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0);
  const be = spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'build-essential'], { encoding: 'utf8' });
  if (be.status !== 0 || !be.stdout.includes('install ok installed')) missing.push('build-essential');
  return missing.length > 0 ? `not installed: ${missing.join(', ')} (apt-get install dpkg-dev debhelper build-essential)` : undefined;
}
