// compressedTar: a gzip tarball that GNU tar reads back, whose large files'
// blocks come from the cache after a small file changed, and whose bytes are
// those of a build without the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { compressedTar } from '../../../src/formats/archive/compressed-tar.js';
import type { CompressionCache } from '../../../src/formats/archive/compression-cache.js';
import { gzipCompressor } from '../../../src/formats/archive/gzip.js';
import { tarStream, type TarEntry } from '../../../src/formats/archive/tar.js';

const big = new Uint8Array(3 * 2 ** 20 + 777).map((_, i) => (i * 2654435761) >>> 24);
const file = (name: string, data: Uint8Array): TarEntry => ({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1_700_000_000, data });
const entries = (app: string): TarEntry[] => [file('./app.js', new TextEncoder().encode(app)), file('./node', big)];

function memoryCache(): CompressionCache & { hits: number; misses: number } {
  const m = new Map<string, Uint8Array>();
  const c = {
    hits: 0,
    misses: 0,
    get: async (k: string) => {
      const v = m.get(k);
      if (v) c.hits++;
      else c.misses++;
      return v;
    },
    put: async (k: string, v: Uint8Array) => void m.set(k, v),
  };
  return c;
}

async function bytesOf(e: TarEntry[]): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of tarStream(e)) parts.push(c);
  return Buffer.concat(parts);
}

test('a small edit: the large file\'s blocks are reused, the tarball equals an uncached one, and GNU tar reads it', async () => {
  const cache = memoryCache();
  await compressedTar(gzipCompressor(9), entries('one'), cache);
  const hitsBefore = cache.hits;
  const incremental = await compressedTar(gzipCompressor(9), entries('two, longer'), cache);
  assert.ok(cache.hits - hitsBefore >= 4, `${cache.hits - hitsBefore} blocks reused`);
  const clean = await compressedTar(gzipCompressor(9), entries('two, longer'), undefined);
  assert.ok(Buffer.from(incremental).equals(Buffer.from(clean)), 'incremental == clean');
  assert.ok(gunzipSync(incremental).equals(await bytesOf(entries('two, longer'))), 'one valid gzip stream of the tar');
  const listing = spawnSync('tar', ['-tzvf', '-'], { input: incremental, encoding: 'utf8' });
  assert.equal(listing.status, 0, listing.stderr);
  assert.match(listing.stdout, /\s3146505 .*\.\/node$/m);
});
