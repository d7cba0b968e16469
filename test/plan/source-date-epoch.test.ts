// SOURCE_DATE_EPOCH: read from the environment, never ignored when malformed or too old.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeOf } from '../../src/core/errors.js';
import { EARLIEST_MTIME } from '../../src/formats/epoch.js';
import { sourceDateEpoch } from '../../src/plan/source-date-epoch.js';

test('a set value is used; unset or empty falls back', () => {
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' }, () => 5), 1700000000);
  assert.equal(sourceDateEpoch({}, () => 1790000000), 1790000000);
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: '' }, () => 1790000000), 1790000000);
});

test('a malformed or too old value is a data error (65) naming the variable', () => {
  for (const bad of ['abc', '-1', '1.5', ' 17', String(EARLIEST_MTIME - 1), '0']) {
    assert.throws(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: bad }, () => 0), (e: unknown) => exitCodeOf(e) === 65 && /^SOURCE_DATE_EPOCH=/.test((e as Error).message), bad);
  }
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: String(EARLIEST_MTIME) }, () => 0), EARLIEST_MTIME);
});
