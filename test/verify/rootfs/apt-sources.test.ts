// src/verify/rootfs/apt-sources.ts: the Debian mirror from apt's configuration (pure: runs everywhere, no root needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { debianSourceLines, readAptSources } from '../../../src/verify/rootfs/apt-sources.js';

async function etcApt(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-apt-'));
  await fs.mkdir(path.join(dir, 'sources.list.d'));
  for (const [name, body] of Object.entries(files)) await fs.writeFile(path.join(dir, name), body);
  return dir;
}

test('deb822 .sources: Debian suites kept, disabled and third-party stanzas dropped', async () => {
  const dir = await etcApt({
    'sources.list.d/debian.sources': [
      '# comment',
      'Types: deb deb-src',
      'URIs: http://mirror.example/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main contrib',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
      'Types: deb',
      'URIs: http://security.example/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
      'Types: deb',
      'URIs: http://mirror.example/debian',
      'Suites: bookworm-backports',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://off.example/debian',
      'Suites: bookworm',
      'Components: main',
      'Enabled: no',
      '',
    ].join('\n'),
    'sources.list.d/nodesource.sources': 'Types: deb\nURIs: https://deb.nodesource.example/node_20.x\nSuites: nodistro\nComponents: main\nSigned-By: /etc/apt/keyrings/nodesource.gpg\n',
    'sources.list.d/docker.list': 'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] https://docker.example/linux/debian bookworm stable\n',
    'sources.list.d/vendor.list': 'deb [signed-by=/etc/apt/keyrings/vendor.gpg] https://vendor.example/debian bookworm main\n',
  });
  try {
    const sources = readAptSources(dir);
    assert.equal(sources.length, 7);
    assert.deepEqual(debianSourceLines('bookworm', sources), [
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm main contrib',
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm-updates main contrib',
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://security.example/debian-security bookworm-security main',
    ]);
  } finally {
    await fs.rm(dir, { recursive: true });
  }
});

test('one-line sources.list, and TACD_DEBIAN_MIRROR replaces the main mirror', async () => {
  const dir = await etcApt({
    'sources.list': '# x\ndeb http://m.example/debian bookworm main non-free-firmware # trailing\ndeb-src http://m.example/debian bookworm main\ndeb http://s.example/debian-security bookworm-security main\n',
  });
  const saved = process.env.TACD_DEBIAN_MIRROR;
  try {
    const sources = readAptSources(dir);
    assert.deepEqual(debianSourceLines('bookworm', sources), [
      'deb http://m.example/debian bookworm main non-free-firmware',
      'deb http://s.example/debian-security bookworm-security main',
    ]);
    process.env.TACD_DEBIAN_MIRROR = 'http://local.example/debian';
    assert.deepEqual(debianSourceLines('bookworm', sources), [
      'deb http://local.example/debian bookworm main',
      'deb http://local.example/debian bookworm-updates main',
      'deb http://s.example/debian-security bookworm-security main',
    ]);
    assert.deepEqual(debianSourceLines('trixie', []), ['deb http://local.example/debian trixie main', 'deb http://local.example/debian trixie-updates main']);
  } finally {
    if (saved === undefined) delete process.env.TACD_DEBIAN_MIRROR;
    else process.env.TACD_DEBIAN_MIRROR = saved;
    await fs.rm(dir, { recursive: true });
  }
});

