// verify --distro: the suites it takes, the matrix table (a column per
// suite), and a real run of the echo package (bundled node, amd64) on
// bullseye, bookworm and trixie through the CLI, one table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { DISTROS, distrosOf, formatMatrix, verifyMatrix } from '../../src/verify/matrix.js';
import type { VerifyOptions, VerifyResult } from '../../src/verify/verify.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { UsageError } from '../../src/core/errors.js';
import { skipUnlessSystemd } from '../helpers/systemd.js';
import { buildPackage, sink, tempDir } from '../packaging/helpers.js';

test('--distro: one suite, a list, all; anything else is a usage error naming the choices', () => {
  assert.deepEqual(distrosOf(undefined), ['bookworm']);
  assert.deepEqual(distrosOf('all'), ['bullseye', 'bookworm', 'trixie']);
  assert.deepEqual(distrosOf('trixie,bullseye'), ['trixie', 'bullseye']);
  assert.throws(() => distrosOf('sid'), (e: unknown) => e instanceof UsageError && e.exitCode === 64 && e.message === "--distro 'sid': expected bullseye, bookworm, trixie or all (or a comma-separated list)");
});

function result(suite: string, ok: boolean, steps: VerifyResult['steps']): VerifyResult {
  return { ok, pkg: '/o/echo_1_amd64.deb', format: 'deb', suite, name: 'echo', version: '1-1', steps, totalMs: 12_000 };
}

test('the matrix runs each suite in turn and prints a column per suite', async () => {
  const seen: string[] = [];
  const fake = async (o: VerifyOptions): Promise<VerifyResult> => {
    seen.push(o.suite!);
    const ok = o.suite !== 'trixie';
    return result(o.suite!, ok, [{ name: 'install', ok: true, detail: '', ms: 1 }, { name: 'active', ok, detail: '', ms: 1 }, ...(ok ? [{ name: 'purge', ok: true, detail: '', ms: 1 }] : [])]);
  };
  const results = await verifyMatrix({ pkg: 'x', format: 'deb' }, DISTROS, fake);
  assert.deepEqual(seen, ['bullseye', 'bookworm', 'trixie']);
  assert.equal(
    formatMatrix(results, 'ts2deb verify'),
    [
      'ts2deb verify: echo 1-1 (/o/echo_1_amd64.deb)',
      '  check    bullseye  bookworm  trixie',
      '  install  PASS      PASS      PASS',
      '  active   PASS      PASS      FAIL',
      '  purge    PASS      PASS      -',
      '  time     12 s      12 s      12 s',
      'ts2deb verify: FAIL on trixie',
      '',
    ].join('\n'),
  );
});

test('ts2deb verify --distro all: the echo package passes on bullseye, bookworm and trixie', { timeout: 900_000 }, async (t) => {
  if (await skipUnlessSystemd(t)) return;
  const out = tempDir('tacd-matrix-');
  try {
    const deb = await buildPackage('ts2deb', ['--plugin', 'echo', '--output', out, '--', '--port', '8123']);
    const stdout = sink();
    const stderr = sink();
    const t0 = Date.now();
    const status = await verifyCommand([deb, '--distro', 'all'], 'deb', { stdout, stderr });
    t.diagnostic(`verify --distro all took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const table = stdout.text();
    assert.equal(status, 0, `${table}\n${stderr.text()}`);
    assert.match(table, /^ {2}check +bullseye +bookworm +trixie$/m);
    assert.match(table, /^ {2}purge +PASS +PASS +PASS$/m);
    assert.match(table, /^ts2deb verify: PASS on bullseye, bookworm, trixie$/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
