/**
 * Puts the registry runtime into the spec: for a bundled package with a
 * nodeVersion request (node-version.ts), ensureRuntime (src/runtime) fetches
 * or reuses node-linux-<arch>@VERSION and the spec's node becomes that binary.
 */
import { hostDebianArch } from '../bundle/native.js';
import { progressSink } from '../runtime/progress.js';
import { ensureRuntime, type Runtime } from '../runtime/runtime.js';
import type { PackageSpec } from './spec.js';

export interface ProvisionIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
}

/** The spec with its node from the registry when it asks for one; the runtime fetched, if any. */
export async function provisionNode(spec: PackageSpec, io: ProvisionIO, prog: string): Promise<{ spec: PackageSpec; runtime?: Runtime }> {
  const want = spec.nodeVersion;
  if (spec.runtime !== 'bundled' || want === undefined) return { spec };
  const arch = spec.arch ?? hostDebianArch();
  const runtime = await ensureRuntime({ range: want.range, field: want.field, arch, env: io.env, progress: progressSink(io.stderr, prog, io.env) });
  return { spec: { ...spec, node: runtime.path }, runtime };
}
