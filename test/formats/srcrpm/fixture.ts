// A small synthetic service plan for the .src.rpm tests: a shell script app, a
// systemd unit, a %config(noreplace) file, a %ghost, a symlink, owned dirs, a
// doc and a license file, relations (with an alternative), scriptlets branching
// on $1, a changelog, and '%' in the user text (description, scriptlet, changelog).
import type { PackagePlan } from '../../../src/formats/plan.js';

const enc = new TextEncoder();

export function srcFixturePlan(overrides: Partial<PackagePlan['meta']> = {}): PackagePlan {
  return {
    meta: {
      name: 'tacd-srcfix',
      version: '1.4.0',
      release: '2',
      arch: 'amd64',
      maintainer: 'Test Maintainer <test@example.org>',
      summary: 'Fixture service for the tacd source RPM writer',
      description:
        'A tiny service used by the tests, 100% synthetic.\n\nIts text mentions %{buildroot} and %files literally,\nwhich must reach the binary package unexpanded.',
      license: 'MIT',
      homepage: 'https://example.org/tacd',
      section: 'net',
      vendor: 'tacd tests',
      mtime: 1700000000,
      buildHost: 'build.example.org',
      relations: {
        depends: [{ name: 'systemd' }, { name: 'nodejs', op: '>=', version: '18' }, { name: 'curl', or: [{ name: 'wget' }] }, { name: 'libc.so.6(GLIBC_2.28)(64bit)' }],
        preDepends: [{ name: 'shadow-utils' }],
        requiresPost: [{ name: 'systemd' }],
        requiresPreun: [{ name: 'systemd' }],
        requiresPostun: [{ name: 'systemd' }],
        recommends: [{ name: 'logrotate' }],
        suggests: [{ name: 'jq' }],
        conflicts: [{ name: 'tacd-srcfix-old', op: '<<', version: '1.0' }],
        obsoletes: [{ name: 'tacd-srcfix-legacy', op: '<=', version: '0.9-1' }],
        provides: [{ name: 'tacd-srcfix-service', op: '=', version: '1.4.0' }],
      },
      changelog: [
        { time: 1690000000, author: 'Test Maintainer <test@example.org>', version: '1.3.0-1', changes: ['Older release.'] },
        { time: 1700000000, author: 'Test Maintainer <test@example.org>', version: '1.4.0-2', changes: ['Rebuilt, now 100% reproducible.', 'Mentions %{_bindir} literally.'] },
      ],
      ...overrides,
    },
    payload: [
      { kind: 'dir', path: '/usr', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib/tacd-srcfix', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/lib/tacd-srcfix/app', mode: 0o755, data: enc.encode('#!/bin/sh\n# 100% shell\nexec sleep infinity\n') },
      { kind: 'file', path: '/usr/lib/tacd-srcfix/with space.txt', mode: 0o644, data: enc.encode('a space in the name\n') },
      { kind: 'dir', path: '/usr/bin', mode: 0o755 },
      { kind: 'symlink', path: '/usr/bin/tacd-srcfix', mode: 0o777, target: '../lib/tacd-srcfix/app' },
      { kind: 'dir', path: '/usr/lib/systemd', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib/systemd/system', mode: 0o755 },
      {
        kind: 'file',
        path: '/usr/lib/systemd/system/tacd-srcfix.service',
        mode: 0o644,
        data: enc.encode('[Unit]\nDescription=tacd srcfix\n\n[Service]\nExecStart=/usr/lib/tacd-srcfix/app\n\n[Install]\nWantedBy=multi-user.target\n'),
      },
      { kind: 'dir', path: '/etc', mode: 0o755 },
      { kind: 'dir', path: '/etc/tacd-srcfix', mode: 0o755, owned: true },
      { kind: 'file', path: '/etc/tacd-srcfix/config.json', mode: 0o640, group: 'adm', config: true, data: enc.encode('{"port": 8080, "load": "100%"}\n') },
      { kind: 'ghost', path: '/etc/tacd-srcfix/state.json', mode: 0o600 },
      // Not listed: /var and /var/lib are implied parents.
      { kind: 'dir', path: '/var/lib/tacd-srcfix', mode: 0o750, owned: true },
      { kind: 'dir', path: '/usr/share', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/doc', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/doc/tacd-srcfix', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/share/doc/tacd-srcfix/README', mode: 0o644, doc: true, data: enc.encode('Read me.\n') },
      { kind: 'dir', path: '/usr/share/licenses', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/licenses/tacd-srcfix', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/share/licenses/tacd-srcfix/LICENSE', mode: 0o644, license: true, data: enc.encode('MIT License\n') },
    ],
    scripts: {
      pretrans: 'true\n',
      preinst: 'getent group tacd >/dev/null || groupadd -r tacd\necho "pre $1 100%" >/dev/null\n',
      postinst: '# first install only (100% of the time $1 is 1 then)\nif [ "$1" -eq 1 ]; then\n  systemctl preset tacd-srcfix.service >/dev/null 2>&1 || :\nfi\nprintf "%s\\n" "post $1" >/dev/null\n',
      prerm: 'if [ "$1" -eq 0 ]; then\n  systemctl --no-reload disable --now tacd-srcfix.service >/dev/null 2>&1 || :\nfi\n',
      postrm: 'if [ "$1" -ge 1 ]; then\n  systemctl try-restart tacd-srcfix.service >/dev/null 2>&1 || :\nfi\n',
      posttrans: 'echo "%{buildroot} stays literal" >/dev/null\n',
    },
  };
}
