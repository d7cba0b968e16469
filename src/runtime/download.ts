/**
 * Downloads one runtime tarball to a file while hashing it, and checks the
 * hash against the registry's dist.integrity before anything is unpacked.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { get, type Dist } from './registry.js';
import { checkSri, parseSri, sriOf } from './integrity.js';
import type { ProgressSink } from './progress.js';

/** A whole download may take this long (30 MB on a slow line). */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

/** Streams `res`'s body into `file` and `hash`, reporting bytes. */
async function saveBody(res: Response, file: string, onBytes: (n: number) => void, hash: ReturnType<typeof createHash>): Promise<void> {
  const out = createWriteStream(file);
  let received = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      onBytes(received);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/**
 * Downloads `dist.tarball` to `file`. @throws DataError (65) when its hash is
 * not dist.integrity (the file is left for the caller to remove), UnavailableError when the registry fails.
 */
export async function downloadTarball(dist: Dist, file: string, what: string, progress: ProgressSink): Promise<void> {
  const { algorithm, digest } = parseSri(dist.integrity, what);
  const res = await get(dist.tarball, 'application/octet-stream', DOWNLOAD_TIMEOUT_MS);
  const total = Number(res.headers.get('content-length') ?? 0);
  progress.step(`downloading ${dist.tarball}${total > 0 ? ` (${(total / 1048576).toFixed(1)} MB)` : ''}`);
  const hash = createHash(algorithm);
  try {
    await saveBody(res, file, (n) => progress.bytes(n, total), hash);
  } finally {
    progress.done();
  }
  checkSri(`${algorithm}-${digest}`, sriOf(algorithm, hash), `${what} (${dist.tarball})`, 'the download was damaged or the registry served other bytes; try again');
  progress.step(`checked ${algorithm} against the registry's dist.integrity`);
}
