// Shared fixtures and tools for the rpm writer tests: compressors, an awkward
// fixture plan, a header decoder (independent of the encoder) and tool wrappers.
import { createGzip } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveProgram, run, type RunResult } from '../../../src/core/exec.js';
import { xzCompressor } from '../../../src/tools/xz.js';
import type { Compressor, PackagePlan, PayloadEntry } from '../../../src/formats/plan.js';
import { writeRpm, type RpmOptions } from '../../../src/formats/rpm/rpm.js';

export const gzip = (level = 9): Compressor => ({
  name: 'gzip',
  level,
  async compress(input) {
    const gz = createGzip({ level });
    const out: Buffer[] = [];
    gz.on('data', (c: Buffer) => out.push(c));
    const done = new Promise<void>((res, rej) => {
      gz.on('end', () => res());
      gz.on('error', rej);
    });
    for await (const chunk of input) {
      if (!gz.write(chunk)) await new Promise<void>((r) => gz.once('drain', () => r()));
    }
    gz.end();
    await done;
    return Buffer.concat(out);
  },
});

/** src/core/xz.ts, with the level recorded (PAYLOADFLAGS). */
export const xz = (level = 6): Compressor => ({ ...xzCompressor(level), level });

export function tmp(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `tacd-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function tool(name: string): Promise<boolean> {
  return haveProgram(name);
}

/** Skips loudly when a tool is missing; returns true when the test must stop. */
export async function needTools(t: { skip: (msg: string) => void }, ...names: string[]): Promise<boolean> {
  for (const n of names) {
    if (!(await haveProgram(n))) {
      t.skip(`${n} not installed: cannot check the rpm with it`);
      return true;
    }
  }
  return false;
}

export function concat(parts: Uint8Array[] | Uint8Array): Buffer {
  return Array.isArray(parts) ? Buffer.concat(parts) : Buffer.from(parts);
}

export async function buildRpm(plan: PackagePlan, options: Partial<RpmOptions> = {}): Promise<Buffer> {
  return concat(await writeRpm(plan, { compression: gzip(), ...options }));
}

export async function writeRpmFile(dir: string, plan: PackagePlan, options: Partial<RpmOptions> = {}, name = 'pkg.rpm'): Promise<string> {
  const file = path.join(dir, name);
  writeFileSync(file, await buildRpm(plan, options));
  return file;
}

/** rpm with a private, empty database so the host's is never read or touched. */
export async function rpmq(args: readonly string[], dbpath?: string): Promise<RunResult> {
  return run('rpm', [...(dbpath ? ['--dbpath', dbpath] : []), ...args], { allowFailure: true, env: { LC_ALL: 'C.UTF-8' } });
}

const enc = new TextEncoder();

/** A 150-byte absolute path. */
export const LONG_PATH = (() => {
  const base = '/usr/lib/tacd-fixture/';
  const name = 'n'.repeat(150 - base.length - 4) + '.txt';
  return base + name;
})();
export const LONG_TARGET = '/usr/lib/tacd-fixture/' + 'd/'.repeat(60) + 'target-of-a-very-long-symlink';

/** A streamed file: content generated on demand, `open()` counted. */
export function streamed(size: number, fill: number, counter?: { opens: number }) {
  return {
    size,
    open(): AsyncIterable<Uint8Array> {
      if (counter) counter.opens++;
      return (async function* () {
        const chunk = new Uint8Array(64 * 1024).fill(fill);
        let left = size;
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          yield chunk.subarray(0, n);
          left -= n;
        }
      })();
    },
  };
}

/** The awkward fixture tree. */
export function fixturePlan(overrides: Partial<PackagePlan['meta']> = {}, extraPayload: PayloadEntry[] = []): PackagePlan {
  return {
    meta: {
      name: 'tacd-fixture',
      version: '1.2.3',
      release: '1',
      arch: 'amd64',
      maintainer: 'Test Maintainer <test@example.org>',
      summary: 'A fixture package for the tacd rpm writer',
      description: 'This package exercises awkward paths, modes and relations.\n\nIt is built by the tests.',
      license: 'MIT',
      homepage: 'https://example.org/tacd',
      section: 'net',
      vendor: 'tacd tests',
      mtime: 1700000000,
      buildHost: 'build.example.org',
      relations: {
        depends: [{ name: 'nodejs', op: '>=', version: '18' }, { name: 'libfoo', or: [{ name: 'libbar', op: '>=', version: '2.0' }] }],
        // The writer's mapping of scriptlet requires (Requires(pre/post/preun/postun)); the real
        // ts2rpm plan adds the same (src/plan/build-plan.ts, asserted in test/plan and test/packaging).
        preDepends: [{ name: 'shadow-utils' }],
        requiresPost: [{ name: 'systemd' }],
        requiresPreun: [{ name: 'systemd' }],
        requiresPostun: [{ name: 'systemd' }],
        recommends: [{ name: 'logrotate' }],
        suggests: [{ name: 'jq' }],
        conflicts: [{ name: 'tacd-old', op: '<<', version: '1.0' }],
        breaks: [{ name: 'tacd-broken' }],
        obsoletes: [{ name: 'tacd-legacy', op: '<=', version: '0.9-1' }],
        provides: [{ name: 'tacd-service', op: '=', version: '1.2.3' }],
      },
      changelog: [
        { time: 1690000000, author: 'Test Maintainer <test@example.org>', version: '1.2.2-1', changes: ['Older release.'] },
        { time: 1700000000, author: 'Test Maintainer <test@example.org>', version: '1.2.3-1', changes: ['New upstream release.', 'Fixes the fixture.'] },
      ],
      ...overrides,
    },
    payload: [
      { kind: 'dir', path: '/usr', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib/tacd-fixture', mode: 0o755, owned: true },
      { kind: 'dir', path: '/usr/lib/tacd-fixture/empty', mode: 0o750, owned: true },
      { kind: 'file', path: '/usr/lib/tacd-fixture/app.js', mode: 0o644, data: enc.encode("console.log('hello');\n") },
      { kind: 'file', path: '/usr/lib/tacd-fixture/empty-file', mode: 0o644, data: new Uint8Array(0) },
      { kind: 'file', path: '/usr/lib/tacd-fixture/run.sh', mode: 0o755, data: enc.encode('#!/bin/sh\nexec node /usr/lib/tacd-fixture/app.js "$@"\n') },
      { kind: 'file', path: '/usr/lib/tacd-fixture/helper', mode: 0o4755, data: enc.encode('#!/bin/sh\necho setuid\n') },
      { kind: 'file', path: '/usr/lib/tacd-fixture/grüße-✓.txt', mode: 0o644, data: enc.encode('UTF-8 name\n') },
      { kind: 'file', path: LONG_PATH, mode: 0o644, data: enc.encode('long path\n') },
      { kind: 'file', path: '/usr/lib/tacd-fixture/with space.txt', mode: 0o644, data: enc.encode('a space\n') },
      { kind: 'file', path: '/usr/lib/tacd-fixture/blob.bin', mode: 0o644, data: streamed(200_003, 0xab) },
      { kind: 'symlink', path: '/usr/lib/tacd-fixture/current', mode: 0o777, target: 'app.js' },
      { kind: 'symlink', path: '/usr/lib/tacd-fixture/long-link', mode: 0o777, target: LONG_TARGET },
      { kind: 'dir', path: '/usr/bin', mode: 0o755 },
      { kind: 'symlink', path: '/usr/bin/tacd-fixture', mode: 0o777, target: '../lib/tacd-fixture/run.sh' },
      { kind: 'dir', path: '/etc', mode: 0o755 },
      { kind: 'dir', path: '/etc/tacd-fixture', mode: 0o755, owned: true },
      { kind: 'file', path: '/etc/tacd-fixture/config.json', mode: 0o640, config: true, data: enc.encode('{"port": 8080}\n') },
      { kind: 'ghost', path: '/etc/tacd-fixture/state.json', mode: 0o600 },
      { kind: 'dir', path: '/usr/share', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/doc', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/doc/tacd-fixture', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/share/doc/tacd-fixture/README', mode: 0o644, doc: true, data: enc.encode('Read me.\n') },
      { kind: 'dir', path: '/usr/share/licenses', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/licenses/tacd-fixture', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/share/licenses/tacd-fixture/LICENSE', mode: 0o644, license: true, data: enc.encode('MIT License\n') },
      ...extraPayload,
    ],
    scripts: {
      preinst: 'echo "pre $1" >> /tacd-scriptlets.log\n',
      postinst: 'echo "post $1" >> /tacd-scriptlets.log\n',
      prerm: 'echo "preun $1" >> /tacd-scriptlets.log\n',
      postrm: 'echo "postun $1" >> /tacd-scriptlets.log\n',
      pretrans: 'true\n',
      posttrans: 'echo "posttrans" >> /tacd-scriptlets.log\n',
    },
  };
}

// ---- an independent header decoder (for golden dumps and structural checks) ----

export interface DecodedEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
  value: unknown;
}
export interface DecodedHeader {
  il: number;
  dl: number;
  entries: DecodedEntry[];
  /** Total bytes of the header structure (16 + 16*il + dl). */
  length: number;
}

export function decodeHeader(buf: Uint8Array, at: number): DecodedHeader {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = Buffer.from(buf.subarray(at, at + 8)).toString('hex');
  if (magic !== '8eade80100000000') throw new Error(`bad header magic ${magic} at ${at}`);
  const il = dv.getUint32(at + 8);
  const dl = dv.getUint32(at + 12);
  const data = at + 16 + il * 16;
  const entries: DecodedEntry[] = [];
  for (let i = 0; i < il; i++) {
    const e = at + 16 + i * 16;
    const tag = dv.getUint32(e);
    const type = dv.getUint32(e + 4);
    const offset = dv.getInt32(e + 8);
    const count = dv.getUint32(e + 12);
    const p = data + offset;
    let value: unknown;
    const strings = (n: number): string[] => {
      const out: string[] = [];
      let q = p;
      for (let k = 0; k < n; k++) {
        let z = q;
        while (buf[z] !== 0) z++;
        out.push(Buffer.from(buf.subarray(q, z)).toString('utf8'));
        q = z + 1;
      }
      return out;
    };
    switch (type) {
      case 3:
        value = Array.from({ length: count }, (_, k) => dv.getUint16(p + k * 2));
        break;
      case 4:
        value = Array.from({ length: count }, (_, k) => dv.getUint32(p + k * 4));
        break;
      case 5:
        value = Array.from({ length: count }, (_, k) => dv.getBigUint64(p + k * 8).toString());
        break;
      case 6:
      case 9:
        value = strings(1)[0];
        break;
      case 8:
        value = strings(count);
        break;
      case 7:
        value = Buffer.from(buf.subarray(p, p + count)).toString('hex');
        break;
      default:
        value = `type ${type}`;
    }
    entries.push({ tag, type, offset, count, value });
  }
  return { il, dl, entries, length: 16 + il * 16 + dl };
}

/** Splits a package into its parts by parsing (lead 96, sig + pad, header, payload). */
export function splitRpm(buf: Uint8Array): { sig: DecodedHeader; sigEnd: number; header: DecodedHeader; headerStart: number; payloadStart: number } {
  const sig = decodeHeader(buf, 96);
  const sigEnd = 96 + sig.length;
  const headerStart = sigEnd + ((8 - (sig.length % 8)) % 8);
  const header = decodeHeader(buf, headerStart);
  return { sig, sigEnd, header, headerStart, payloadStart: headerStart + header.length };
}

/**
 * A realistic service package: an ELF runtime, an app, a unit, a config file,
 * a state directory and scriptlets that branch on $1. What rpmlint must pass.
 */
export function servicePlan(elf: Uint8Array): PackagePlan {
  return {
    meta: {
      name: 'tacd-echo',
      version: '1.0.0',
      release: '1',
      arch: 'amd64',
      maintainer: 'Test Maintainer <test@example.org>',
      summary: 'Echo service packaged by tacd',
      description: 'An echo server written in TypeScript, run as a systemd service.',
      license: 'MIT',
      homepage: 'https://example.org/tacd',
      section: 'net',
      mtime: 1700000000,
      buildHost: 'build.example.org',
      relations: { depends: [{ name: 'systemd' }] },
      changelog: [{ time: 1700000000, author: 'Test Maintainer <test@example.org>', version: '1.0.0-1', changes: ['Initial package.'] }],
    },
    payload: [
      { kind: 'dir', path: '/usr', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib/tacd-echo', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/lib/tacd-echo/node', mode: 0o755, data: elf },
      { kind: 'file', path: '/usr/lib/tacd-echo/app.js', mode: 0o644, data: enc.encode("import net from 'node:net';\nnet.createServer((s) => s.pipe(s)).listen(7);\n") },
      { kind: 'dir', path: '/usr/lib/systemd', mode: 0o755 },
      { kind: 'dir', path: '/usr/lib/systemd/system', mode: 0o755 },
      { kind: 'file', path: '/usr/lib/systemd/system/tacd-echo.service', mode: 0o644, data: enc.encode('[Unit]\nDescription=Echo\n\n[Service]\nExecStart=/usr/lib/tacd-echo/node /usr/lib/tacd-echo/app.js\n\n[Install]\nWantedBy=multi-user.target\n') },
      { kind: 'dir', path: '/etc', mode: 0o755 },
      { kind: 'dir', path: '/etc/tacd-echo', mode: 0o755, owned: true },
      { kind: 'file', path: '/etc/tacd-echo/config.json', mode: 0o644, config: true, data: enc.encode('{"port": 7}\n') },
      { kind: 'dir', path: '/var', mode: 0o755 },
      { kind: 'dir', path: '/var/lib', mode: 0o755 },
      { kind: 'dir', path: '/var/lib/tacd-echo', mode: 0o755, owned: true },
      { kind: 'dir', path: '/usr/share', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/licenses', mode: 0o755 },
      { kind: 'dir', path: '/usr/share/licenses/tacd-echo', mode: 0o755, owned: true },
      { kind: 'file', path: '/usr/share/licenses/tacd-echo/LICENSE', mode: 0o644, license: true, data: enc.encode('MIT License\n\nPermission is hereby granted, free of charge.\n') },
    ],
    scripts: {
      postinst: 'if [ "$1" -eq 1 ]; then\n  systemctl preset tacd-echo.service >/dev/null 2>&1 || :\nfi\n',
      prerm: 'if [ "$1" -eq 0 ]; then\n  systemctl --no-reload disable --now tacd-echo.service >/dev/null 2>&1 || :\nfi\n',
      postrm: 'if [ "$1" -ge 1 ]; then\n  systemctl try-restart tacd-echo.service >/dev/null 2>&1 || :\nfi\n',
    },
  };
}
