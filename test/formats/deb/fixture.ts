// A .deb fixture as complete as a real package (copyright, changelog.Debian.gz,
// man page, conffiles, maintainer scripts) plus the awkward entries a writer
// gets wrong: 150-byte paths, a >100-byte symlink target, UTF-8 names, an empty
// directory, a 0-byte file, executables, a setuid helper, a description line
// starting with '.'. (A non-root owner is refused: see deb.test.ts.)
import { spawnSync } from 'node:child_process';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import type { PackagePlan, PayloadEntry } from '../../../src/formats/plan.js';

export const NAME = 'tacd-fixture';
export const MTIME = 1700000000; // 2023-11-14 22:13:20 UTC
const enc = new TextEncoder();

async function gz(text: string): Promise<Uint8Array> {
  // gzip -n -9 equivalent: our deterministic compressor (no name, mtime 0).
  return gzipCompressor(9).compress((async function* () {
    yield enc.encode(text);
  })());
}

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a
copy of this software and associated documentation files (the "Software"),
to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense,
and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:
.
The above copyright notice and this permission notice shall be included
in all copies or substantial portions of the Software.
.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.`;

const COPYRIGHT = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ${NAME}
Upstream-Contact: tacd developers <tacd@example.org>
Source: https://example.org/tacd

Files: *
Copyright: 2023 tacd developers <tacd@example.org>
License: Expat
${MIT.split('\n').map((l) => ` ${l}`).join('\n')}
`;

const CHANGELOG = `${NAME} (1.2.3~rc1-1) unstable; urgency=medium

  * Initial release.

 -- tacd developers <tacd@example.org>  Tue, 14 Nov 2023 22:13:20 +0000
`;

const MANPAGE = `.TH TACD-FIXTURE 1 "November 2023" "tacd-fixture 1.2.3" "User Commands"
.SH NAME
tacd-fixture \\- test fixture for the tacd .deb writer
.SH SYNOPSIS
.B tacd-fixture
.SH DESCRIPTION
.B tacd-fixture
prints a greeting.
`;

export const POSTINST = `#!/bin/sh
set -e

case "$1" in
    configure)
        if ! getent passwd ${NAME} >/dev/null; then
            adduser --system --group --no-create-home --home /var/lib/${NAME} ${NAME}
        fi
        ;;
    abort-upgrade|abort-remove|abort-deconfigure)
        ;;
esac

exit 0
`;

export const PRERM = `#!/bin/sh
set -e

case "$1" in
    remove)
        rm -f /var/lib/${NAME}/cache.db
        ;;
    upgrade|deconfigure|failed-upgrade)
        ;;
esac

exit 0
`;

export const LONG_DIR = `/usr/lib/${NAME}/node_modules/${'@scope-with-a-long-name'}/${'package-with-a-rather-long-name-too'}`;
const LONG_BASE = `${'x'.repeat(149 - LONG_DIR.length - 1 - 3)}.js`;
/** A 149-character path: its tar name ('.' + path) is 150 bytes. */
export const LONG_PATH = `${LONG_DIR}/${LONG_BASE}`;
/** A relative symlink target over 100 bytes. */
export const LONG_TARGET = `node_modules/@scope-with-a-long-name/package-with-a-rather-long-name-too/${LONG_BASE}`;
const BIG = Buffer.alloc(300_000, 'tacd-fixture payload line\n');

/** A stream-backed file (FileData with open()), opened once per build. */
function streamed(bytes: Uint8Array): { size: number; open(): AsyncIterable<Uint8Array> } {
  return {
    size: bytes.length,
    async *open() {
      for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
    },
  };
}

export async function fixturePlan(): Promise<PackagePlan> {
  const doc = `/usr/share/doc/${NAME}`;
  const lib = `/usr/lib/${NAME}`;
  const payload: PayloadEntry[] = [
    { kind: 'file', path: `/usr/bin/${NAME}`, mode: 0o755, data: enc.encode(`#!/bin/sh\nexec /usr/lib/${NAME}/run "$@"\n`) },
    { kind: 'file', path: `${lib}/run`, mode: 0o755, data: enc.encode('#!/bin/sh\necho "hello from tacd-fixture"\n') },
    { kind: 'file', path: `${lib}/app.js`, mode: 0o644, data: streamed(BIG) },
    { kind: 'file', path: `${lib}/empty.js`, mode: 0o644, data: new Uint8Array(0) },
    { kind: 'file', path: `${lib}/données-名前.js`, mode: 0o644, data: enc.encode('// UTF-8 file name\n') },
    { kind: 'file', path: LONG_PATH, mode: 0o644, data: enc.encode('module.exports = 150;\n') },
    { kind: 'symlink', path: `${lib}/long-link.js`, mode: 0o777, target: LONG_TARGET },
    { kind: 'symlink', path: `${lib}/current`, mode: 0o777, target: 'run' },
    { kind: 'dir', path: `${lib}/helper-dir`, mode: 0o755 },
    { kind: 'dir', path: `/var/lib/${NAME}`, mode: 0o755 },
    { kind: 'file', path: `${lib}/helper`, mode: 0o4755, data: enc.encode('#!/bin/sh\nid -u\n') },
    { kind: 'file', path: `/etc/${NAME}/${NAME}.conf`, mode: 0o644, data: enc.encode('# tacd-fixture configuration\nport = 8080\n'), config: true },
    { kind: 'file', path: `/etc/default/${NAME}`, mode: 0o644, data: enc.encode('# Defaults for tacd-fixture\nOPTIONS=""\n'), config: true },
    { kind: 'file', path: `${doc}/copyright`, mode: 0o644, data: enc.encode(COPYRIGHT) },
    { kind: 'file', path: `${doc}/changelog.Debian.gz`, mode: 0o644, data: await gz(CHANGELOG) },
    { kind: 'file', path: `/usr/share/man/man1/${NAME}.1.gz`, mode: 0o644, data: await gz(MANPAGE) },
    // The setuid helper is deliberate; a real package documents that with an override, as here.
    { kind: 'file', path: `/usr/share/lintian/overrides/${NAME}`, mode: 0o644, data: enc.encode(`${NAME}: elevated-privileges 4755 root/root [usr/lib/${NAME}/helper]\n`) },
    { kind: 'ghost', path: `/var/log/${NAME}.log`, mode: 0o640 },
  ];
  return {
    meta: {
      name: NAME,
      version: '1.2.3~rc1',
      release: '1',
      epoch: 2,
      arch: 'all',
      maintainer: 'tacd developers <tacd@example.org>',
      summary: 'test fixture for the tacd .deb writer',
      description:
        'This package exercises every corner of the pure TypeScript .deb writer: long paths, long symlink targets, UTF-8 names, empty directories and files, executables and a setuid helper.\n\nIt is built by the test suite and checked with dpkg-deb and lintian.\n  An indented line is kept verbatim.\n.deb files: this line starts with a full stop (Debian policy 5.6.13).',
      license: 'MIT',
      homepage: 'https://example.org/tacd',
      section: 'net',
      priority: 'optional',
      relations: {
        preDepends: [{ name: 'dpkg', op: '>=', version: '1.19.0' }],
        depends: [{ name: 'libc6', op: '>=', version: '2.36' }, { name: 'adduser' }, { name: 'default-mta', or: [{ name: 'mail-transport-agent' }] }],
        recommends: [{ name: 'ca-certificates' }],
        suggests: [{ name: 'curl' }],
        conflicts: [{ name: 'tacd-fixture-old' }],
        breaks: [{ name: 'tacd-fixture-plugin', op: '<<', version: '1.0' }],
        replaces: [{ name: 'tacd-fixture-plugin', op: '<<', version: '1.0' }],
        provides: [{ name: 'tacd-fixture-api', op: '=', version: '1' }],
      },
      mtime: MTIME,
    },
    payload,
    scripts: { postinst: POSTINST, prerm: PRERM },
  };
}

export { have } from '../archive/tar-walk.js';

/** Runs a program and returns stdout; fails the test with its stderr on a non-zero exit. */
export function sh(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; maxBuffer?: number } = {}): string {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8', ...opts.env }, cwd: opts.cwd });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
