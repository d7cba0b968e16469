/** The --json report of a ts2deb/ts2rpm build: what was written, with sizes and SHA-256 sums. */
import { createHash } from 'node:crypto';
import type { OutputFile } from './atomic-write.js';
import { cacheReportLine, cacheStats } from '../../bundle/cache.js';
import type { FormatAdapter, Planned } from './types.js';

export type RoleOutput = OutputFile & { readonly role: 'binary' | 'source' };

interface Written {
  readonly file: string;
  readonly role: 'binary' | 'source';
  readonly size: number;
  readonly sha256: string;
}

function written(o: RoleOutput, file: string): Written {
  const sha = createHash('sha256');
  let size = 0;
  for (const c of o.chunks) {
    sha.update(c);
    size += c.length;
  }
  return { file, role: o.role, size, sha256: sha.digest('hex') };
}

// file/size/sha256 of the report: the binary package, or with --source the .dsc / .src.rpm.
function mainOutput(all: readonly Written[]): Written {
  return all.find((w) => w.role === 'binary') ?? all.find((w) => /\.(dsc|rpm)$/.test(w.file)) ?? all[0]!;
}

/** The report object for `outputs` written to `paths`. */
export function jsonReport(adapter: FormatAdapter, planned: Planned, outputs: readonly RoleOutput[], paths: readonly string[]): object {
  const { spec, built } = planned;
  const all = outputs.map((o, i) => written(o, paths[i]!));
  const main = mainOutput(all);
  return {
    file: main.file,
    format: adapter.family,
    name: spec.name,
    version: spec.version,
    release: spec.release,
    arch: built.plan.meta.arch,
    runtime: spec.runtime,
    size: main.size,
    sha256: main.sha256,
    outputs: all,
    archiveSha256: built.archiveSha256,
    addons: built.addons,
    external: built.external,
    runFiles: built.runFiles,
    loadCheck: planned.loadCheck,
    timestamp: planned.epoch,
    cache: { ...cacheStats(), line: cacheReportLine() },
    packageJson: spec.packageJson ?? null,
    files: built.plan.payload.map((e) => ({ path: e.path, kind: e.kind, mode: `0${e.mode.toString(8)}`, ...(e.kind === 'file' && e.config ? { config: true } : {}) })),
  };
}
