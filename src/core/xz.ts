/**
 * The xz compressor: streams through the system `xz -c -T1 -<level>` via
 * src/core/exec.ts (the one module that runs programs). Writers in
 * src/formats stay pure and receive this as a `Compressor`.
 *
 * -T1 keeps the output deterministic: multi-threaded xz splits the stream into
 * blocks whose layout depends on the thread count, so the same input would give
 * different bytes on hosts with different CPU counts. Level 6 is xz's and
 * dpkg-deb's default.
 */
import { DataError } from './errors.js';
import { filter } from './exec.js';
import type { Compressor } from '../formats/plan.js';

export function xzCompressor(level = 6): Compressor & { readonly implementation: string } {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new DataError('tacd.xz.level', `xz level must be an integer from 0 to 9, got ${level}`, { field: 'compression level' });
  }
  return {
    name: 'xz',
    level,
    // The system xz's version is part of the on-disk cache's namespace (src/bundle/cache.ts).
    implementation: 'system xz -c -T1',
    async compress(input: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
      // exec.filter() pumps the input in the background; an error thrown by the
      // input (a stream shorter than declared, say) must not escape as an
      // unhandled rejection, so it is caught here and rethrown once xz is done.
      let failure: { error: unknown } | undefined;
      async function* guarded(): AsyncGenerator<Uint8Array> {
        try {
          yield* input;
        } catch (error) {
          failure = { error };
        }
      }
      const out = await filter('xz', ['-c', '-T1', `-${level}`], guarded());
      if (failure !== undefined) throw failure.error;
      return out;
    },
  };
}
