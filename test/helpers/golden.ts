// Golden-file assertions: compare text or bytes with test/golden/<name>;
// UPDATE_GOLDEN=1 rewrites the golden file instead of comparing.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file compiles to dist/test/helpers/golden.js: the repository root is three levels up.
export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'golden');

export function assertGolden(name: string, actual: string | Uint8Array): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: Buffer;
  try {
    expected = readFileSync(file);
  } catch (e) {
    throw new Error(`golden file test/golden/${name} is missing; run the tests with UPDATE_GOLDEN=1 to create it`, { cause: e });
  }
  if (typeof actual === 'string') assert.equal(actual, expected.toString('utf8'), `output differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`);
  else assert.ok(Buffer.from(actual).equals(expected), `bytes differ from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`);
}
