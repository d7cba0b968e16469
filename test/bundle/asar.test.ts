// packAsar must not resolve before the archive is completely on disk:
// @electron/asar 3.x resolves after end() on its write stream, and under load
// a package once shipped an app.asar cut at 256 KiB (zeros after it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { packAsar } from '../../src/bundle/asar.js';

test('packAsar resolves only once the archive holds every byte (read back at once, several times)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tacd-asar-'));
  try {
    const stage = path.join(dir, 'stage');
    mkdirSync(stage);
    const big = randomBytes(3 * 1024 * 1024).toString('base64'); // ~4 MiB of text, many stream chunks
    writeFileSync(path.join(stage, 'main.cjs'), big);
    writeFileSync(path.join(stage, 'package.json'), '{"name":"x"}');
    for (let i = 0; i < 5; i++) {
      const dest = path.join(dir, `app${i}.asar`);
      await packAsar(stage, dest);
      const bytes = readFileSync(dest);
      assert.equal(bytes.length, statSync(dest).size);
      // The packed content ends the archive: its last bytes must be the file's last bytes, not zeros.
      const tail = Buffer.from(big.slice(-4096));
      assert.ok(bytes.includes(tail), `archive ${i} lacks the end of main.cjs (truncated write)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
