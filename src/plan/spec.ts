/**
 * The one normalized description of a package to build. normalizeSpec()
 * merges, in order of precedence, the command line, the package.json
 * "tacd" key and the package.json fields, applies defaults and validates;
 * nothing after it re-checks a field. Every error is one line naming the
 * option or package.json field and what was expected.
 */
import type { Relation } from '../formats/plan.js';
import type { Supplements } from '../bundle/packages.js';
import { account, appRootOf, context, descriptions, identity, legal, maintainerOf, pick, ports, relations, runtimeOf, stringList } from './spec-fields.js';
import { debianArch } from './arch.js';
import { nodeVersionRequest, type NodeVersionRequest } from './node-version.js';
import { specEnv, type EnvVar } from './env.js';
import { credentialsFromPackageJson, type CredentialSpec } from './credentials.js';

export { socketActivatedArgs, portsFromArgs } from './spec-args.js';
export { cutSynopsis, synopsis, upstreamVersion, wrapText } from './spec-text.js';

/** Where the service's code comes from. */
export type AppSource =
  | { readonly kind: 'tac'; readonly file: string }
  | {
      readonly kind: 'plugin';
      readonly plugin: string;
      readonly args: readonly string[];
      /** A discovered (not built-in) plugin: its module file and the package.json that declares it. */
      readonly module?: string;
      readonly packageJson?: string;
    };

export type Runtime = 'bundled' | 'system';

/** Settings accepted on the command line and, with the same names, under package.json's "tacd" key. */
export interface SpecInput {
  readonly name?: string;
  readonly version?: string;
  readonly release?: string;
  readonly maintainer?: string;
  readonly description?: string;
  readonly longDescription?: string;
  readonly license?: string;
  readonly homepage?: string;
  readonly arch?: string;
  readonly depends?: string | readonly string[];
  readonly recommends?: string | readonly string[];
  readonly suggests?: string | readonly string[];
  readonly conflicts?: string | readonly string[];
  readonly replaces?: string | readonly string[];
  readonly provides?: string | readonly string[];
  readonly user?: string;
  readonly group?: string;
  readonly runtime?: string;
  readonly node?: string;
  /** A Node.js version range for the registry runtime (src/runtime). */
  readonly nodeVersion?: string;
  readonly socketActivation?: boolean;
  /** Ports the app listens on (package.json only; plugin `--port` options are found by themselves). */
  readonly ports?: readonly number[];
  readonly section?: string;
  /** Globs of run-time files to ship, relative to the app (package.json only). */
  readonly files?: readonly string[];
  /** Dependencies shipped unbundled with their node_modules (package.json only). */
  readonly external?: readonly string[];
  /** The service's environment: NAME: "value" in package.json; NAME=VALUE strings from --env (which win). */
  readonly env?: Readonly<Record<string, unknown>> | readonly string[];
  /** Systemd credentials the service reads (package.json only): names, or NAME: {description}. */
  readonly credentials?: unknown;
}

/** A validated package description. */
export interface PackageSpec {
  readonly source: AppSource;
  readonly name: string;
  /** Upstream version in Debian/RPM syntax ('1.2.3~rc.1'). */
  readonly version: string;
  readonly release: string;
  readonly maintainer: string;
  readonly summary: string;
  readonly description: string;
  readonly license: string;
  readonly homepage: string | undefined;
  readonly section: string;
  readonly runtime: Runtime;
  /** The node binary to bundle (runtime 'bundled'). */
  readonly node: string;
  /** The registry runtime to bundle instead of `node` (--node-version, tacd.nodeVersion, engines.node, a foreign --arch). */
  readonly nodeVersion: NodeVersionRequest | undefined;
  /** Explicit --arch, if any (checked against the node binary by the plan). */
  readonly arch: string | undefined;
  readonly user: string;
  readonly group: string;
  readonly ports: readonly number[];
  readonly socketActivation: boolean;
  readonly relations: {
    readonly depends: readonly Relation[];
    readonly recommends: readonly Relation[];
    readonly suggests: readonly Relation[];
    readonly conflicts: readonly Relation[];
    readonly replaces: readonly Relation[];
    readonly provides: readonly Relation[];
  };
  /** The package.json the defaults came from, if any. */
  readonly packageJson: string | undefined;
  /** The app's folder: its package.json's, else the tac file's; a discovered plugin's package folder (undefined for a built-in). */
  readonly appRoot: string | undefined;
  /** Run-time files: package.json `files` and tacd.files. */
  readonly runFiles: { readonly npm: readonly string[]; readonly tacd: readonly string[] };
  /** tacd.external. */
  readonly external: readonly string[];
  /** Things the user should know, one line each (printed on stderr). */
  readonly warnings: readonly string[];
  /** tacd.env and --env: written to the environment file. */
  readonly env: readonly EnvVar[];
  /** tacd.credentials: LoadCredential= lines of the unit. */
  readonly credentials: readonly CredentialSpec[];
  /** The target arch's platform packages fetched for a cross build (platform-supply.ts). */
  readonly supplements?: Supplements;
}

/** What normalizeSpec needs from its caller: the CLI values, the app, the working folder. */
export interface NormalizeArgs {
  readonly cli: SpecInput;
  readonly source: AppSource;
  readonly cwd: string;
  /** Defaults the process supplies (process.execPath). */
  readonly execPath: string;
  /** The description of the plugin, for plugin packages. */
  readonly pluginDescription?: string;
}















/**
 * Builds the PackageSpec. @throws DataError (65) for a bad value, naming
 * the option or package.json field; UsageError (64) for a bad option combination.
 */
export function normalizeSpec(a: NormalizeArgs): PackageSpec {
  const c = context(a);
  // In this order, so that of several bad fields the first one named is as before.
  const id = identity(c);
  const maintainer = maintainerOf(c);
  const text = descriptions(c);
  const lic = legal(c);
  const rt = runtimeOf(c);
  const acct = account(c, id.name);
  const net = ports(c);
  const { cli, key, pj, where, foreign } = c;
  const arch = debianArch(pick(cli.arch, key.arch), cli.arch !== undefined ? '--arch' : `${where}: tacd.arch`);
  return {
    ...id,
    maintainer,
    ...text,
    ...lic,
    section: pick(cli.section, key.section, 'net')!,
    ...rt,
    arch,
    nodeVersion: nodeVersionRequest({ cliNode: cli.node, cliRange: cli.nodeVersion, keyNode: key.node, keyRange: key.nodeVersion, engines: foreign ? undefined : pj?.engines, where, runtime: rt.runtime, arch }),
    ...acct,
    ...net,
    relations: relations(c),
    packageJson: pj?.file,
    appRoot: appRootOf(c),
    runFiles: { npm: foreign ? [] : stringList(pj?.files, `${where}: files`), tacd: stringList(key.files, `${where}: tacd.files`) },
    external: stringList(key.external, `${where}: tacd.external`),
    env: specEnv(key.env, cli.env, where),
    credentials: credentialsFromPackageJson(key.credentials, where),
  };
}



