/**
 * The package plan: everything a format writer needs, and nothing it has to
 * look up. Writers (src/formats/<format>/) turn a plan into bytes; they never
 * touch the file system, a clock or a process. Whatever the host must supply
 * (file contents, a compressor, a signer) arrives here or in WriterDeps.
 */

/** A file's bytes, either in memory or as a lazily opened stream supplied by the caller. */
export type FileData =
  | Uint8Array
  | {
      /** Exact size in bytes (may exceed 4 GiB). */
      readonly size: number;
      /** Opens the content; may be called more than once (each call restarts from byte 0). */
      open(): AsyncIterable<Uint8Array>;
    };

interface EntryBase {
  /** Absolute, normalized path inside the package: '/usr/lib/echo/app.asar'. No trailing slash. */
  readonly path: string;
  /** Permission bits only (e.g. 0o755, 0o4755); the type bits come from `kind`. */
  readonly mode: number;
  /** Owner and group names; default 'root'. */
  readonly owner?: string;
  readonly group?: string;
}

export interface FileEntry extends EntryBase {
  readonly kind: 'file';
  readonly data: FileData;
  /** A configuration file: Debian conffile; RPM %config(noreplace). */
  readonly config?: boolean;
  /** RPM %doc (documentation). */
  readonly doc?: boolean;
  /** RPM %license. */
  readonly license?: boolean;
}

export interface DirEntry extends EntryBase {
  readonly kind: 'dir';
  /**
   * Implicit parents (/usr, /usr/lib, /etc ...) are emitted in data.tar but not
   * owned by an RPM. Set `owned` for private directories (%dir in RPM).
   */
  readonly owned?: boolean;
}

export interface SymlinkEntry extends EntryBase {
  readonly kind: 'symlink';
  readonly target: string;
}

/** An RPM %ghost file: owned by the package, never in the payload (Debian: ignored). */
export interface GhostEntry extends EntryBase {
  readonly kind: 'ghost';
}

export type PayloadEntry = FileEntry | DirEntry | SymlinkEntry | GhostEntry;

/** A dependency relation: `name`, or `name (op version)`; alternatives for Debian "a | b". */
export interface Relation {
  readonly name: string;
  readonly op?: '<<' | '<=' | '=' | '>=' | '>>';
  readonly version?: string;
  /** Debian alternatives (a | b). RPM writers use rich deps `(a or b)`. */
  readonly or?: readonly Relation[];
}

export interface Relations {
  readonly depends?: readonly Relation[];
  readonly preDepends?: readonly Relation[];
  readonly recommends?: readonly Relation[];
  readonly suggests?: readonly Relation[];
  readonly conflicts?: readonly Relation[];
  readonly breaks?: readonly Relation[];
  readonly replaces?: readonly Relation[];
  readonly provides?: readonly Relation[];
  /** RPM only. */
  readonly obsoletes?: readonly Relation[];
  /**
   * RPM only: what the %post, %preun and %postun scriptlets run need, as
   * Requires(post) / Requires(preun) / Requires(postun) (RPMSENSE_SCRIPT_POST /
   * _PREUN / _POSTUN). Requires(pre) is `preDepends`. Debian writers ignore these.
   */
  readonly requiresPost?: readonly Relation[];
  readonly requiresPreun?: readonly Relation[];
  readonly requiresPostun?: readonly Relation[];
}

/** Scriptlets, already rendered. Debian names on the left, RPM names on the right. */
export interface Scripts {
  readonly preinst?: string; // rpm %pre
  readonly postinst?: string; // rpm %post
  readonly prerm?: string; // rpm %preun
  readonly postrm?: string; // rpm %postun
  /** RPM only. */
  readonly pretrans?: string;
  readonly posttrans?: string;
}

export interface ChangelogEntry {
  /** Seconds since the epoch. */
  readonly time: number;
  /** "Name <email>" */
  readonly author: string;
  readonly version: string;
  /** Lines of text, without bullets. */
  readonly changes: readonly string[];
}

export interface PackageMeta {
  readonly name: string;
  /** Upstream version, e.g. '1.2.3' or '1.2.3~rc1'. */
  readonly version: string;
  /** Debian revision / RPM release, e.g. '1'. Empty string means none (Debian native). */
  readonly release: string;
  readonly epoch?: number;
  /** Debian architecture name (amd64, arm64, all) — writers map it for RPM. */
  readonly arch: string;
  /** "Name <email>" */
  readonly maintainer: string;
  /** One-line synopsis. */
  readonly summary: string;
  /** Extended description, paragraphs separated by blank lines. */
  readonly description: string;
  readonly license: string;
  readonly homepage?: string;
  /** Debian section (e.g. 'net'); RPM group is derived. */
  readonly section?: string;
  readonly priority?: string;
  readonly vendor?: string;
  readonly relations?: Relations;
  readonly changelog?: readonly ChangelogEntry[];
  /** Seconds since the epoch: every mtime and the build time (SOURCE_DATE_EPOCH). */
  readonly mtime: number;
  /** RPM BUILDHOST; writers must not read the host name themselves. */
  readonly buildHost?: string;
}

export interface PackagePlan {
  readonly meta: PackageMeta;
  /** Every entry to install. Writers sort and validate; parents may be implied. */
  readonly payload: readonly PayloadEntry[];
  readonly scripts?: Scripts;
}

export type CompressionName = 'gzip' | 'xz';

/** A compressor supplied by the host (gzip: node:zlib; xz: the system `xz` through src/core/exec.ts). */
export interface Compressor {
  readonly name: CompressionName;
  /** Compression level used (gzip 1-9, xz 0-9), recorded by RPM as PAYLOADFLAGS; writers assume gzip 9 / xz 6 when absent. */
  readonly level?: number;
  /**
   * Compresses `input`. `hint.size`, when given, is the exact number of bytes
   * `input` yields (a writer knows it from the plan): a compressor may plan its
   * work with it (xz lays out its blocks for the threads) and must reject an
   * input of another length, so the output stays a function of the input alone.
   */
  compress(input: AsyncIterable<Uint8Array>, hint?: CompressHint): Promise<Uint8Array>;
}

export interface CompressHint {
  readonly size?: number;
}

/** An optional detached OpenPGP signer (binary signature over the given bytes). */
export type Signer = (data: Uint8Array) => Promise<Uint8Array>;
