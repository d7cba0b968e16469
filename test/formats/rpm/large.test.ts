// Files of 4 GiB or more: LONGFILESIZES/LONGSIZE/LONGARCHIVESIZE and rpm's
// stripped cpio headers (07070X), only then. The real package is slow (~45 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/core/exec.js';
import { cpioMembers, hasLargeFiles, ownedFiles } from '../../../src/formats/rpm/files.js';
import type { PayloadEntry } from '../../../src/formats/plan.js';
import { buildRpm, fixturePlan, gzip, needTools, rpmq, splitRpm, streamed, tmp } from './helpers.js';

const HUGE = 2 ** 32 + 5;

test('a file of 4 GiB or more switches every member to the stripped header; smaller ones keep newc', async () => {
  const small: PayloadEntry[] = [
    { kind: 'dir', path: '/opt/x', mode: 0o755, owned: true },
    { kind: 'file', path: '/opt/x/a', mode: 0o644, data: new Uint8Array(3) },
    { kind: 'ghost', path: '/opt/x/g', mode: 0o644 },
  ];
  const plain = ownedFiles(small, new Map());
  assert.equal(hasLargeFiles(plain), false);
  assert.ok([...cpioMembers(plain, 0)].every((m) => 'name' in m.header));
  // A declared size is enough to pick the format: this stream is never read here.
  const big = [...plain, { ...plain[1]!, path: '/opt/x/b', size: HUGE, payloadSize: HUGE }];
  assert.equal(hasLargeFiles(big), true);
  const members = [...cpioMembers(big, 0)];
  assert.deepEqual(members.map((m) => ('strippedIndex' in m.header ? m.header.strippedIndex : -1)), [0, 1, 3], 'index into the header arrays, ghost (2) skipped');
});

test('a 4 GiB + 5 byte file: LONG* tags, rpm -K, --dump, install and rpm -V (slow)', async (t) => {
  if (process.env['TACD_SKIP_SLOW'] === '1') return t.skip('TACD_SKIP_SLOW=1: the >4 GiB package test builds and installs 4 GiB');
  if (await needTools(t, 'rpm')) return;
  if (process.getuid?.() !== 0) return t.skip('not root: rpm --root install needs root');
  const { dir, cleanup } = tmp('rpm-large');
  t.after(cleanup);
  const plan = fixturePlan({}, [{ kind: 'file', path: '/usr/lib/tacd-fixture/huge.bin', mode: 0o644, data: streamed(HUGE, 0) }]);
  const bytes = await buildRpm(plan, { compression: gzip(1) });
  const file = path.join(dir, 'big.rpm');
  writeFileSync(file, bytes);
  const { sig, header } = splitRpm(bytes);
  const sigTags = sig.entries.map((e) => e.tag);
  const hdrTags = header.entries.map((e) => e.tag);
  assert.ok(sigTags.includes(271) && !sigTags.includes(1007), 'LONGARCHIVESIZE replaces PAYLOADSIZE');
  assert.ok(hdrTags.includes(5008) && !hdrTags.includes(1028), 'LONGFILESIZES replaces FILESIZES');
  assert.ok(hdrTags.includes(5009) && !hdrTags.includes(1009), 'LONGSIZE replaces SIZE');
  assert.equal((await rpmq(['-K', file])).stdout.trim(), `${file}: digests OK`);
  const q = await rpmq(['-qp', '--qf', '[%{REQUIRENEVRS}\n]', file]);
  assert.match(q.stdout, /^rpmlib\(LargeFiles\) <= 4\.12\.0-1$/m);
  const dump = await rpmq(['-qp', '--dump', file]);
  assert.match(dump.stdout, new RegExp(`^/usr/lib/tacd-fixture/huge.bin ${HUGE} 1700000000 [0-9a-f]{64} 0100644 `, 'm'));
  const root = path.join(dir, 'root');
  mkdirSync(root);
  const rpm = (args: string[]) => run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', ...args], { allowFailure: true });
  await rpm(['--initdb']);
  const inst = await rpm(['-i', '--nodeps', '--noscripts', file]);
  assert.equal(inst.exitCode, 0, inst.stderr);
  const verify = await rpm(['-V', '--nodeps', '--noscripts', 'tacd-fixture']);
  assert.equal(verify.exitCode, 0, `rpm -V (checks the 4 GiB file's digest):\n${verify.stdout}`);
});
