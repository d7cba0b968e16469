// writeRpm refuses a compressor other than gzip or xz at run time, not only
// through the Compressor type (a plain-JS caller, or a cast, gets past that).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/core/errors.js';
import type { Compressor } from '../../../src/formats/plan.js';
import { writeRpm } from '../../../src/formats/rpm/rpm.js';
import { fixturePlan } from './helpers.js';

test('a fake "zstd" compressor is refused with a DataError naming it, before it is used', async () => {
  for (const source of [false, true]) {
    let used = false;
    const zstd = { name: 'zstd', compress: async () => ((used = true), new Uint8Array(0)) } as unknown as Compressor;
    await assert.rejects(writeRpm(fixturePlan(), { compression: zstd, cache: null, source }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'tacd.rpm.compression');
      assert.equal(e.field, 'compression');
      assert.equal(e.message, "compression 'zstd' is not supported for RPM; expected gzip or xz");
      return true;
    });
    assert.equal(used, false, 'the compressor was not called');
  }
});
