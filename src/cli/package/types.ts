/**
 * The types shared by the ts2deb/ts2rpm command line: what a format adapter
 * contributes, the process IO it runs with, and what a source package holds.
 */
import type { Compressor, PackagePlan } from '../../formats/plan.js';
import type { Family } from '../../render/locals.js';
import type { LoadCheckResult } from '../../bundle/load-check.js';
import type { BuiltPlan } from '../../plan/build-plan.js';
import type { PackageSpec } from '../../plan/spec.js';
import type { BuildEpoch } from '../../plan/source-date-epoch.js';
import type { OutputFile } from './atomic-write.js';

export type { OutputFile };

/** What a format contributes: its writers, file name and compressors. */
export interface FormatAdapter {
  readonly family: Family;
  readonly prog: 'ts2deb' | 'ts2rpm';
  fileName(plan: PackagePlan): string;
  /** The binary package; signed with `signing.signKey` when the format signs its packages itself (rpm). */
  write(plan: PackagePlan, compression: Compressor, signing: Signing): Promise<Uint8Array[]>;
  /** The source package built from the same plan, its files in their listing order. */
  writeSource(plan: PackagePlan, options: SourceOptions): Promise<OutputFile[]>;
  /** What --source writes, for --help: 'the .src.rpm'. */
  readonly sourceHelp: string;
  /** True when --sign-key signs the binary package too (an .rpm's header signature); a .deb is signed by its repository. */
  readonly signsBinary: boolean;
  compressor(name: 'gzip' | 'xz'): Compressor;
}

/** A file of the application's sources (relative path), for the source package. */
export interface AppSourceFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly mode: number;
}

/** --sign-key and the gpg home it is looked up in. */
export interface Signing {
  /** --sign-key: gpg key to sign with; unsigned when absent. */
  readonly signKey?: string;
  /** GNUPGHOME from the CLI's environment (gpg's default when absent). */
  readonly gnupgHome?: string;
}

export interface SourceOptions extends Signing {
  readonly compression: Compressor;
  /** The tac file, package.json and lock file (none for a built-in plugin). */
  readonly sources: readonly AppSourceFile[];
}

export type Emit = 'binary' | 'source' | 'both';

/** Where the CLI reads and writes; process values in production, fakes in tests. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly execPath: string;
  /** Seconds since the epoch when SOURCE_DATE_EPOCH is unset. */
  readonly now: () => number;
}


/** What a build planned: the normalized spec, the plan, and what the load check did. */
export interface Planned {
  readonly spec: PackageSpec;
  readonly built: BuiltPlan;
  readonly loadCheck: LoadCheckResult;
  /** The packages' timestamp and where it came from (SOURCE_DATE_EPOCH, git, mtimes, the clock). */
  readonly epoch: BuildEpoch;
}
