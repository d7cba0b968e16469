// src/verify/report.ts: the table for a person and the JSON form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson, formatTable } from '../../src/verify/report.js';
import type { VerifyResult } from '../../src/verify/verify.js';

const passed: VerifyResult = {
  ok: true,
  pkg: '/o/echo_1.0-1_all.deb',
  format: 'deb',
  name: 'echo',
  version: '1.0-1',
  unit: 'echo.service',
  steps: [
    { name: 'install', ok: true, detail: 'dpkg -i echo_1.0-1_all.deb', ms: 1234 },
    { name: 'purge', ok: true, skipped: true, detail: 'skipped: --keep', ms: 0 },
  ],
  totalMs: 5000,
};

test('formatTable: one line per check (PASS/SKIP/FAIL), then the verdict counting the checks that ran', () => {
  assert.equal(
    formatTable(passed, 'ts2deb verify'),
    [
      'ts2deb verify: echo 1.0-1 (/o/echo_1.0-1_all.deb)',
      '  PASS  install    1.2 s  dpkg -i echo_1.0-1_all.deb',
      '  SKIP  purge      0.0 s  skipped: --keep',
      'ts2deb verify: PASS (1 checks in 5.0 s)',
      '',
    ].join('\n'),
  );
});

test('formatTable: a failure names the failed checks and appends the unit\'s journal', () => {
  const failed: VerifyResult = { ...passed, ok: false, steps: [{ name: 'active', ok: false, detail: 'echo.service is failed', ms: 100 }], journal: 'boom\n' };
  const text = formatTable(failed, 'verify');
  assert.match(text, /^ {2}FAIL {2}active {2}/m);
  assert.match(text, /^verify: FAIL: active \(5\.0 s\)\n--- journalctl -u echo\.service \(last 100 lines\) ---\nboom\n---\n$/m);
});

test('formatJson: the result as indented JSON, read back equal', () => {
  const text = formatJson(passed);
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text), passed);
});
