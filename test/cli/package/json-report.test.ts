// The --json report: what was written, where the timestamp came from, what the build cache did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { runPackageCli } from '../../../src/cli/package-cli.js';
import { debAdapter } from '../../../src/cli/ts2deb.js';
import { tempDir, testIO } from '../../packaging/helpers.js';

test('ts2deb --json reports the outputs, the timestamp source and the build cache line', { timeout: 120_000 }, async () => {
  const out = tempDir('tacd-json-');
  try {
    const io = testIO();
    assert.equal(await runPackageCli(debAdapter, ['fixtures/echo/app.tac.ts', '--runtime', 'system', '--json', '--output', out], io), 0);
    const r = JSON.parse(io.stdout.text()) as Record<string, unknown> & { outputs: { file: string; sha256: string }[]; timestamp: { seconds: number; source: string }; cache: { hits: number; misses: number; line: string } };
    assert.equal(r['format'], 'deb');
    assert.equal(path.dirname(r.outputs[0]!.file), out);
    assert.match(r.outputs[0]!.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual([r.timestamp.seconds, r.timestamp.source], [1790000000, 'SOURCE_DATE_EPOCH']);
    assert.equal(typeof r.cache.hits, 'number');
    assert.match(r.cache.line, /^build cache: \d+ of \d+ blocks reused \([\d.]+ MB\), \d+ compressed/);
    assert.equal(io.stderr.text(), '', 'not a terminal: no report line on stderr');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
