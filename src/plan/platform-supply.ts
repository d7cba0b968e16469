/**
 * Puts a cross build's platform packages into the spec: for an app (or a
 * discovered plugin) with a dependency tree, the target arch's optional
 * platform packages the tree lacks are fetched or reused
 * (src/runtime/platform-packages.ts) and handed to the bundler.
 */
import path from 'node:path';
import { hostDebianArch } from '../bundle/native.js';
import { packageCacheDir } from '../runtime/package-cache.js';
import { ensurePlatformPackages } from '../runtime/platform-packages.js';
import { progressSink } from '../runtime/progress.js';
import type { ProvisionIO } from './node-runtime.js';
import type { PackageSpec } from './spec.js';

/** The folder whose package.json's dependency tree is bundled, as the bundler finds it. */
function treeRoot(spec: PackageSpec): string | undefined {
  if (spec.appRoot !== undefined) return spec.appRoot;
  if (spec.source.kind === 'tac') return path.dirname(path.resolve(spec.source.file));
  return spec.source.module !== undefined ? path.dirname(path.resolve(spec.source.module)) : undefined;
}

/** The spec with the supplements its target arch needs (unchanged when it needs none). */
export async function provisionPlatformPackages(spec: PackageSpec, io: ProvisionIO, prog: string): Promise<PackageSpec> {
  const appRoot = treeRoot(spec);
  if (appRoot === undefined) return spec;
  const arch = spec.arch ?? hostDebianArch();
  const supply = await ensurePlatformPackages({ appRoot, arch, env: io.env, progress: progressSink(io.stderr, prog, io.env) }, packageCacheDir(io.env));
  return supply.supplements.size === 0 ? spec : { ...spec, supplements: supply.supplements };
}
