/**
 * The one normalized description of a package to build. normalizeSpec()
 * merges, in order of precedence, the command line, the package.json
 * "tacd" key and the package.json fields, applies defaults and validates;
 * nothing after it re-checks a field. Every error is one line naming the
 * option or package.json field and what was expected.
 */
import path from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/paths.js';
import type { Relation } from '../formats/plan.js';
import { findPackageJson, personToMaintainer, type PackageJson } from './package-json.js';
import { parseRelations } from './relations.js';
import { debianArch } from './arch.js';
import { nodeVersionRequest, type NodeVersionRequest } from './node-version.js';
import { specEnv, type EnvVar } from './env.js';
import { credentialsFromPackageJson, type CredentialSpec } from './credentials.js';

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

const NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;
const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
const MAINTAINER_RE = /^([^<>,]*[^<>,\s])\s*<([^<>\s@]+@[^<>\s@]+)>$/;
const VERSION_RE = /^[0-9][A-Za-z0-9.+~]*$/;
const RELEASE_RE = /^[A-Za-z0-9.+~]+$/;

function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DataError('ts2deb.spec.type', `${field}: expected a string, got ${JSON.stringify(v)}`, { field });
  return v;
}

function tacdKey(pj: PackageJson | undefined): SpecInput {
  if (pj?.tacd === undefined) return {};
  if (typeof pj.tacd !== 'object' || pj.tacd === null || Array.isArray(pj.tacd)) {
    throw new DataError('ts2deb.spec.type', `${pj.file}: "tacd" must be an object`, { field: 'tacd' });
  }
  return pj.tacd as SpecInput;
}

/** npm semver (1.2.3-rc.1+b5) to Debian/RPM upstream syntax (1.2.3~rc.1+b5): a pre-release sorts before the release. */
export function upstreamVersion(v: string): string {
  const m = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(v);
  if (!m) return v;
  return m[1]! + (m[2] ? `~${m[2].replace(/-/g, '.')}` : '') + (m[3] ? `+${m[3].replace(/-/g, '.')}` : '');
}

function validName(name: string, where: string): string {
  if (!NAME_RE.test(name)) {
    throw new DataError('ts2deb.spec.name', `${where}: '${name}' is not a valid package name (expected lowercase letters, digits, '+', '-' and '.', at least 2 characters, starting with a letter or digit)`, { field: 'name' });
  }
  return name;
}

// A Debian user name derived from the package name.
function userFromName(name: string): string {
  return name.replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z_]/, '_$&').slice(0, 32);
}

function pick<T>(...vals: readonly (T | undefined)[]): T | undefined {
  return vals.find((v) => v !== undefined);
}

/**
 * Wraps each paragraph of `text` at `width` columns (lintian
 * extended-description-line-too-long, rpmlint description-line-too-long).
 * Lines starting with a space are kept verbatim (Debian's preformatted lines).
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const para of text.replace(/\r\n/g, '\n').replace(/^\s*\n|\s+$/g, '').split(/\n\s*\n/)) {
    if (out.length) out.push('');
    const lines = para.split('\n');
    if (lines.some((l) => l.startsWith(' '))) {
      out.push(...lines);
      continue;
    }
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    if (line !== '') out.push(line);
  }
  return out.join('\n');
}

// A synopsis that does not start with the package name (lintian description-starts-with-package-name).
function defaultSummary(source: AppSource): string {
  return source.kind === 'plugin' ? `tacd ${source.plugin} plugin service` : `System service run by tacd from ${path.basename(source.file)}`;
}

// The name of a package without one: the plugin's, or the tac file's base
// name (its folder's for a generic app.tac.ts / main / index).
function fallbackName(source: AppSource): string {
  if (source.kind === 'plugin') return source.plugin;
  const base = path.basename(source.file).replace(/\..*$/, '').toLowerCase();
  return ['app', 'main', 'index', 'server'].includes(base) ? path.basename(path.dirname(path.resolve(source.file))).toLowerCase() : base;
}

/**
 * A Debian-style synopsis from a derived description (package.json or a
 * plugin's): no trailing period, no leading article (lintian
 * description-synopsis-starts-with-article), first letter kept as is.
 */
export function synopsis(text: string): string {
  const s = text.trim().replace(/\.$/, '').replace(/^(a|an|the)\s+/i, '');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A plugin's options under socket activation: systemd binds the port (the
 * .socket unit listens on 0.0.0.0:PORT), so `--port`/`--interface` give way
 * to `--listen systemd:domain=INET:index=0`, the descriptor systemd passes.
 * @throws UsageError for more than one port (a plugin takes one --listen).
 */
export function socketActivatedArgs(args: readonly string[], ports: readonly number[]): string[] {
  if (args.some((a) => a === '--listen' || a.startsWith('--listen='))) return [...args];
  if (ports.length !== 1) {
    throw new UsageError(`--socket-activation: a plugin listens on one socket, got ports ${ports.join(', ')}`, { code: 'ts2deb.spec.socket' });
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^--(port|interface)=/.test(a)) continue;
    if (a === '--port' || a === '-p' || a === '--interface') {
      i++;
      continue;
    }
    out.push(a);
  }
  return [...out, '--listen', 'systemd:domain=INET:index=0'];
}

/** Ports given to a plugin as --port N, --port=N or -p N. */
export function portsFromArgs(args: readonly string[]): number[] {
  const out: number[] = [];
  args.forEach((a, i) => {
    const v = /^--port=(\d+)$/.exec(a)?.[1] ?? ((a === '--port' || a === '-p') && /^\d+$/.test(args[i + 1] ?? '') ? args[i + 1] : undefined);
    if (v !== undefined) out.push(Number(v));
  });
  return out;
}

function longDescription(summary: string, source: AppSource): string {
  const what = source.kind === 'plugin' ? `the tacd '${source.plugin}' plugin` : `the tacd application ${path.basename(source.file)}`;
  return `This package runs ${what} as a system service under systemd, as its own unprivileged user, with the Node.js runtime and the application bundled in an integrity-checked archive. Its options live in /etc/default (Debian) or /etc/sysconfig (RPM).`;
}

/**
 * Builds the PackageSpec. @throws DataError (65) for a bad value, naming
 * the option or package.json field; UsageError (64) for a bad option combination.
 */
export function normalizeSpec(a: NormalizeArgs): PackageSpec {
  const { cli, source } = a;
  // A discovered plugin's own package.json describes its package (name, version, description, maintainer, license).
  const pluginPj = source.kind === 'plugin' ? source.packageJson : undefined;
  const dir = source.kind === 'tac' ? path.dirname(path.resolve(a.cwd, source.file)) : pluginPj !== undefined ? path.dirname(pluginPj) : a.cwd;
  const pj = findPackageJson(dir);
  // A built-in plugin, or an app inside tacd's own tree (the fixtures), is
  // not what the found package.json names and describes: only its version,
  // maintainer, license and homepage apply.
  const foreign = (source.kind === 'plugin' && pluginPj === undefined) || pj?.file === path.join(PROJECT_ROOT, 'package.json');
  const key = foreign ? {} : tacdKey(pj);
  const where = pj ? pj.file : 'package.json';

  const pjName = foreign ? undefined : str(pj?.name, `${where}: name`)?.replace(/^@[^/]+\//, '');
  const rawName = pick(cli.name, key.name, pjName, fallbackName(source))!;
  const name = validName(rawName, cli.name !== undefined ? '--name' : key.name !== undefined ? `${where}: tacd.name` : pjName !== undefined ? `${where}: name` : 'package name');

  const rawVersion = pick(cli.version, key.version, str(pj?.version, `${where}: version`));
  if (rawVersion === undefined) {
    throw new DataError('ts2deb.spec.version', `no version: ${pj ? `${pj.file} has no "version"` : 'no package.json found'}; give --set-version`, { field: 'version' });
  }
  const version = upstreamVersion(rawVersion);
  if (!VERSION_RE.test(version)) {
    throw new DataError('ts2deb.spec.version', `version '${rawVersion}' is not usable: expected digits first, then letters, digits, '.', '+' or '~' (semver pre-releases become '~')`, { field: 'version' });
  }
  const release = pick(cli.release, key.release, '1')!;
  // An empty release is a Debian native package (no revision: NAME_VERSION); ts2rpm refuses it in buildPlan.
  if (release !== '' && !RELEASE_RE.test(release)) throw new DataError('ts2deb.spec.release', `--release '${release}': expected letters, digits, '.', '+' or '~' (or '' for a Debian native package)`, { field: 'release' });

  const maintainer = pick(cli.maintainer, key.maintainer, personToMaintainer(pj?.author), Array.isArray(pj?.maintainers) ? personToMaintainer(pj.maintainers[0]) : undefined);
  if (maintainer === undefined) throw new DataError('ts2deb.spec.maintainer', `no maintainer: give --maintainer 'Name <email>' or an "author" in package.json`, { field: 'maintainer' });
  if (!MAINTAINER_RE.test(maintainer)) {
    throw new DataError('ts2deb.spec.maintainer', `maintainer ${shown(maintainer)}: expected 'Name <email@example.org>'`, { field: 'maintainer' });
  }

  const pjDescription = foreign ? undefined : str(pj?.description, `${where}: description`);
  const derived = source.kind === 'plugin' ? (a.pluginDescription || pjDescription) : pjDescription;
  const warnings: string[] = [];
  // --description is taken as given; a package.json description too long for a synopsis is cut (with a warning).
  const givenSummary = (pick(cli.description, key.description) ?? synopsis(derived ?? defaultSummary(source))).trim();
  const cut = cli.description === undefined && !givenSummary.includes('\n') ? cutSynopsis(givenSummary) : givenSummary;
  if (cut !== givenSummary) warnings.push(`${where}: description is ${givenSummary.length} characters, over the 80 of a synopsis: the synopsis is '${cut}' and the whole text is the extended description`);
  const summary = cut;
  if (summary === '' || summary.includes('\n') || summary.length > 80) {
    throw new DataError('ts2deb.spec.description', `description ${shown(summary.length > 40 ? summary.slice(0, 40) + '…' : summary)}: expected one line of 1 to 80 characters`, { field: 'description' });
  }
  const description = wrapText(pick(cli.longDescription, key.longDescription, cut !== givenSummary ? givenSummary : undefined, longDescription(summary, source))!, 72);

  const license = pick(cli.license, key.license, str(pj?.license, `${where}: license`), 'UNLICENSED')!;
  if (!/^[A-Za-z0-9.+_ ()-]+$/.test(license)) throw new DataError('ts2deb.spec.license', `license '${license}': expected an SPDX identifier such as MIT`, { field: 'license' });
  const homepage = pick(cli.homepage, key.homepage, str(pj?.homepage, `${where}: homepage`));
  if (homepage !== undefined && !/^https?:\/\/\S+$/.test(homepage)) {
    throw new DataError('ts2deb.spec.homepage', `homepage '${homepage}': expected an http(s) URL`, { field: 'homepage' });
  }

  const runtime = pick(cli.runtime, key.runtime, 'bundled')!;
  if (runtime !== 'bundled' && runtime !== 'system') throw new UsageError(`--runtime '${runtime}': expected 'bundled' or 'system'`, { code: 'ts2deb.spec.runtime' });
  if (runtime === 'system' && cli.node !== undefined) {
    throw new UsageError(`--node ${shown(cli.node)} conflicts with --runtime system (no node is bundled); drop one of them`, { code: 'ts2deb.spec.node' });
  }
  const node = path.resolve(a.cwd, pick(cli.node, key.node, a.execPath)!);

  const user = pick(cli.user, key.user, userFromName(name))!;
  const group = pick(cli.group, key.group, user)!;
  for (const [field, v] of [['user', user], ['group', group]] as const) {
    if (!USER_RE.test(v)) throw new DataError('ts2deb.spec.user', `--${field} '${v}': expected a system account name (lowercase letters, digits, '_' and '-', at most 32)`, { field });
  }

  if (source.kind === 'plugin') {
    // Any other character reaches the plugin as it is (TACD_ARGS holds shell words, src/runner/env-args.ts).
    const bad = source.args.find((s) => /[\u0000-\u001f\u007f]/.test(s));
    if (bad !== undefined) {
      throw new DataError('ts2deb.spec.pluginArgs', `plugin option ${shown(bad)}: a newline or control character cannot be stored in ${'$'}TACD_ARGS (one line of shell words)`, { field: 'pluginArgs' });
    }
  }
  const ports = [...(key.ports ?? []), ...(source.kind === 'plugin' ? portsFromArgs(source.args) : [])];
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new DataError('ts2deb.spec.ports', `port ${p}: expected 1 to 65535`, { field: 'ports' });
  }
  const socketActivation = cli.socketActivation ?? key.socketActivation ?? false;
  if (socketActivation && ports.length === 0) {
    throw new UsageError('--socket-activation needs a port: give the plugin --port N, or "tacd": {"ports": [N]} in package.json', { code: 'ts2deb.spec.socket' });
  }

  const arch = debianArch(pick(cli.arch, key.arch), cli.arch !== undefined ? '--arch' : `${where}: tacd.arch`);
  const finalSource = socketActivation && source.kind === 'plugin' ? { ...source, args: socketActivatedArgs(source.args, ports) } : source;

  const rel = (field: keyof SpecInput & ('depends' | 'recommends' | 'suggests' | 'conflicts' | 'replaces' | 'provides')): Relation[] => [
    ...parseRelations(key[field], field),
    ...parseRelations(cli[field], field),
  ];
  return {
    source: finalSource,
    name,
    version,
    release,
    maintainer,
    summary,
    description,
    license,
    homepage,
    section: pick(cli.section, key.section, 'net')!,
    runtime,
    node,
    arch,
    nodeVersion: nodeVersionRequest({ cliNode: cli.node, cliRange: cli.nodeVersion, keyNode: key.node, keyRange: key.nodeVersion, engines: foreign ? undefined : pj?.engines, where, runtime, arch }),
    user,
    group,
    ports,
    socketActivation,
    relations: { depends: rel('depends'), recommends: rel('recommends'), suggests: rel('suggests'), conflicts: rel('conflicts'), replaces: rel('replaces'), provides: rel('provides') },
    packageJson: pj?.file,
    appRoot: source.kind === 'tac' ? (pj && !foreign ? path.dirname(pj.file) : dir) : pluginPj !== undefined ? path.dirname(pluginPj) : undefined,
    runFiles: { npm: foreign ? [] : stringList(pj?.files, `${where}: files`), tacd: stringList(key.files, `${where}: tacd.files`) },
    external: stringList(key.external, `${where}: tacd.external`),
    warnings,
    env: specEnv(key.env, cli.env, where),
    credentials: credentialsFromPackageJson(key.credentials, where),
  };
}

/** An optional list of strings (package.json `files`, tacd.files, tacd.external). @throws DataError naming the field. */
function stringList(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    throw new DataError('ts2deb.spec.type', `${field}: expected a list of non-empty strings, got ${JSON.stringify(v)}`, { field });
  }
  return v as string[];
}

/**
 * A synopsis of at most 80 characters: `text` itself when it fits, else cut
 * at the last word boundary before 80 (a trailing comma, colon or dash
 * dropped), or at 79 characters plus '…' for one long word.
 */
export function cutSynopsis(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one.length <= 80) return one;
  const head = one.slice(0, 81);
  const space = head.lastIndexOf(' ');
  if (space < 20) return `${one.slice(0, 79)}…`;
  return head.slice(0, space).replace(/[\s,;:.-]+$/, '');
}

/** A value quoted for a one-line message: control characters (a newline) shown as escapes. */
function shown(v: string): string {
  return `'${v.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}'`;
}
