// A registry on 127.0.0.1 serving node-linux-* packages whose package/bin/node
// is a given binary, for the runtime suites (fake-package-registry.ts serves them).
import { readFileSync, statSync } from 'node:fs';
import { fakePackageRegistry, type FakePackageRegistry } from './fake-package-registry.js';

export interface FakeVersion {
  readonly version: string;
  /** The file shipped as package/bin/node. */
  readonly binary: string;
  /** Served as dist.integrity instead of the real hash. */
  readonly integrity?: string;
}

export type FakeRegistry = FakePackageRegistry;

/** Serves `pkg` with `versions`. */
export function fakeRegistry(pkg: string, versions: readonly FakeVersion[]): Promise<FakeRegistry> {
  return fakePackageRegistry(
    versions.map((v) => ({
      name: pkg,
      version: v.version,
      files: { 'bin/node': readFileSync(v.binary) },
      modes: { 'bin/node': statSync(v.binary).mode & 0o7777 },
      ...(v.integrity !== undefined ? { integrity: v.integrity } : {}),
    })),
  );
}
