/**
 * The fields of a package spec, each from the command line, package.json's
 * "tacd" key or package.json itself (in that order), validated: one small
 * function per group of fields, over the Ctx of one normalizeSpec() call.
 */
import path from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/paths.js';
import type { Relation } from '../formats/plan.js';
import { findPackageJson, personToMaintainer, type PackageJson } from './package-json.js';
import { parseRelations } from './relations.js';
import { portsFromArgs, socketActivatedArgs } from './spec-args.js';
import { cutSynopsis, shown, synopsis, upstreamVersion, wrapText } from './spec-text.js';
import type { AppSource, NormalizeArgs, Runtime, SpecInput } from './spec.js';

const NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;

const USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;

const MAINTAINER_RE = /^([^<>,]*[^<>,\s])\s*<([^<>\s@]+@[^<>\s@]+)>$/;

const VERSION_RE = /^[0-9][A-Za-z0-9.+~]*$/;

const RELEASE_RE = /^[A-Za-z0-9.+~]+$/;

export function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DataError('tacd.spec.type', `${field}: expected a string, got ${JSON.stringify(v)}`, { field });
  return v;
}

function tacdKey(pj: PackageJson | undefined): SpecInput {
  if (pj?.tacd === undefined) return {};
  if (typeof pj.tacd !== 'object' || pj.tacd === null || Array.isArray(pj.tacd)) {
    throw new DataError('tacd.spec.type', `${pj.file}: "tacd" must be an object`, { field: 'tacd' });
  }
  return pj.tacd as SpecInput;
}

function validName(name: string, where: string): string {
  if (!NAME_RE.test(name)) {
    throw new DataError('tacd.spec.name', `${where}: '${name}' is not a valid package name (expected lowercase letters, digits, '+', '-' and '.', at least 2 characters, starting with a letter or digit)`, { field: 'name' });
  }
  return name;
}

// A Debian user name derived from the package name.
function userFromName(name: string): string {
  return name.replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z_]/, '_$&').slice(0, 32);
}

export function pick<T>(...vals: readonly (T | undefined)[]): T | undefined {
  return vals.find((v) => v !== undefined);
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

function longDescription(summary: string, source: AppSource): string {
  const what = source.kind === 'plugin' ? `the tacd '${source.plugin}' plugin` : `the tacd application ${path.basename(source.file)}`;
  return `This package runs ${what} as a system service under systemd, as its own unprivileged user, with the Node.js runtime and the application bundled in an integrity-checked archive. Its options live in /etc/default (Debian) or /etc/sysconfig (RPM).`;
}

/** An optional list of strings (package.json `files`, tacd.files, tacd.external). @throws DataError naming the field. */
export function stringList(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    throw new DataError('tacd.spec.type', `${field}: expected a list of non-empty strings, got ${JSON.stringify(v)}`, { field });
  }
  return v as string[];
}

/** What every field function reads: the inputs, the package.json found and where it is. */
export interface Ctx {
  readonly a: NormalizeArgs;
  readonly cli: SpecInput;
  readonly source: AppSource;
  readonly key: SpecInput;
  readonly pj: PackageJson | undefined;
  /** The package.json's path, for messages ('package.json' when none was found). */
  readonly where: string;
  /** True when the package.json found does not describe this package (a built-in plugin, an app in tacd's own tree). */
  readonly foreign: boolean;
  /** The folder package.json is looked up from. */
  readonly dir: string;
  /** A discovered plugin's own package.json. */
  readonly pluginPj: string | undefined;
}

/** The Ctx of one call: finds package.json and its "tacd" key. */
export function context(a: NormalizeArgs): Ctx {
  const { cli, source } = a;
  // A discovered plugin's own package.json describes its package (name, version, description, maintainer, license).
  const pluginPj = source.kind === 'plugin' ? source.packageJson : undefined;
  const dir = source.kind === 'tac' ? path.dirname(path.resolve(a.cwd, source.file)) : pluginPj !== undefined ? path.dirname(pluginPj) : a.cwd;
  const pj = findPackageJson(dir);
  // A built-in plugin, or an app inside tacd's own tree (the fixtures), is
  // not what the found package.json names and describes: only its version,
  // maintainer, license and homepage apply.
  const foreign = (source.kind === 'plugin' && pluginPj === undefined) || pj?.file === path.join(PROJECT_ROOT, 'package.json');
  return { a, cli, source, key: foreign ? {} : tacdKey(pj), pj, where: pj ? pj.file : 'package.json', foreign, dir, pluginPj };
}

/** name, version and release. */
export function identity(c: Ctx): { name: string; version: string; release: string } {
  const { cli, key, pj, where } = c;
  const pjName = c.foreign ? undefined : str(pj?.name, `${where}: name`)?.replace(/^@[^/]+\//, '');
  const rawName = pick(cli.name, key.name, pjName, fallbackName(c.source))!;
  const name = validName(rawName, cli.name !== undefined ? '--name' : key.name !== undefined ? `${where}: tacd.name` : pjName !== undefined ? `${where}: name` : 'package name');
  const rawVersion = pick(cli.version, key.version, str(pj?.version, `${where}: version`));
  if (rawVersion === undefined) {
    throw new DataError('tacd.spec.version', `no version: ${pj ? `${pj.file} has no "version"` : 'no package.json found'}; give --set-version`, { field: 'version' });
  }
  const version = upstreamVersion(rawVersion);
  if (!VERSION_RE.test(version)) {
    throw new DataError('tacd.spec.version', `version '${rawVersion}' is not usable: expected digits first, then letters, digits, '.', '+' or '~' (semver pre-releases become '~')`, { field: 'version' });
  }
  const release = pick(cli.release, key.release, '1')!;
  // An empty release is a Debian native package (no revision: NAME_VERSION); ts2rpm refuses it in buildPlan.
  if (release !== '' && !RELEASE_RE.test(release)) throw new DataError('tacd.spec.release', `--release '${release}': expected letters, digits, '.', '+' or '~' (or '' for a Debian native package)`, { field: 'release' });
  return { name, version, release };
}

/** The maintainer: 'Name <email>'. */
export function maintainerOf(c: Ctx): string {
  const { cli, key, pj } = c;
  const maintainer = pick(cli.maintainer, key.maintainer, personToMaintainer(pj?.author), Array.isArray(pj?.maintainers) ? personToMaintainer(pj.maintainers[0]) : undefined);
  if (maintainer === undefined) throw new DataError('tacd.spec.maintainer', `no maintainer: give --maintainer 'Name <email>' or an "author" in package.json`, { field: 'maintainer' });
  if (!MAINTAINER_RE.test(maintainer)) {
    throw new DataError('tacd.spec.maintainer', `maintainer ${shown(maintainer)}: expected 'Name <email@example.org>'`, { field: 'maintainer' });
  }
  return maintainer;
}

/**
 * The synopsis and the extended description. --description is taken as
 * given; a package.json description too long for a synopsis is cut (with a
 * warning) and its whole text becomes the extended description.
 */
export function descriptions(c: Ctx): { summary: string; description: string; warnings: string[] } {
  const { cli, key, where, source } = c;
  const pjDescription = c.foreign ? undefined : str(c.pj?.description, `${where}: description`);
  const derived = source.kind === 'plugin' ? c.a.pluginDescription || pjDescription : pjDescription;
  const given = (pick(cli.description, key.description) ?? synopsis(derived ?? defaultSummary(source))).trim();
  const summary = cli.description === undefined && !given.includes('\n') ? cutSynopsis(given) : given;
  const warnings = summary !== given ? [`${where}: description is ${given.length} characters, over the 80 of a synopsis: the synopsis is '${summary}' and the whole text is the extended description`] : [];
  if (summary === '' || summary.includes('\n') || summary.length > 80) {
    throw new DataError('tacd.spec.description', `description ${shown(summary.length > 40 ? summary.slice(0, 40) + '…' : summary)}: expected one line of 1 to 80 characters`, { field: 'description' });
  }
  const description = wrapText(pick(cli.longDescription, key.longDescription, summary !== given ? given : undefined, longDescription(summary, source))!, 72);
  return { summary, description, warnings };
}

/** license (SPDX) and homepage (http(s)). */
export function legal(c: Ctx): { license: string; homepage: string | undefined } {
  const { cli, key, pj, where } = c;
  const license = pick(cli.license, key.license, str(pj?.license, `${where}: license`), 'UNLICENSED')!;
  if (!/^[A-Za-z0-9.+_ ()-]+$/.test(license)) throw new DataError('tacd.spec.license', `license '${license}': expected an SPDX identifier such as MIT`, { field: 'license' });
  const homepage = pick(cli.homepage, key.homepage, str(pj?.homepage, `${where}: homepage`));
  if (homepage !== undefined && !/^https?:\/\/\S+$/.test(homepage)) {
    throw new DataError('tacd.spec.homepage', `homepage '${homepage}': expected an http(s) URL`, { field: 'homepage' });
  }
  return { license, homepage };
}

/** bundled or system, and the node binary to bundle. */
export function runtimeOf(c: Ctx): { runtime: Runtime; node: string } {
  const { cli, key } = c;
  const runtime = pick(cli.runtime, key.runtime, 'bundled')!;
  if (runtime !== 'bundled' && runtime !== 'system') throw new UsageError(`--runtime '${runtime}': expected 'bundled' or 'system'`, { code: 'tacd.spec.runtime' });
  if (runtime === 'system' && cli.node !== undefined) {
    throw new UsageError(`--node ${shown(cli.node)} conflicts with --runtime system (no node is bundled); drop one of them`, { code: 'tacd.spec.node' });
  }
  return { runtime, node: path.resolve(c.a.cwd, pick(cli.node, key.node, c.a.execPath)!) };
}

/** The account the service runs as. */
export function account(c: Ctx, name: string): { user: string; group: string } {
  const user = pick(c.cli.user, c.key.user, userFromName(name))!;
  const group = pick(c.cli.group, c.key.group, user)!;
  for (const [field, v] of [['user', user], ['group', group]] as const) {
    if (!USER_RE.test(v)) throw new DataError('tacd.spec.user', `--${field} '${v}': expected a system account name (lowercase letters, digits, '_' and '-', at most 32)`, { field });
  }
  return { user, group };
}

// A plugin's options reach it as they are (TACD_ARGS holds shell words, src/runner/env-args.ts), but one line.
function checkPluginArgs(source: AppSource): void {
  if (source.kind !== 'plugin') return;
  const bad = source.args.find((s) => /[\u0000-\u001f\u007f]/.test(s));
  if (bad !== undefined) {
    throw new DataError('tacd.spec.pluginArgs', `plugin option ${shown(bad)}: a newline or control character cannot be stored in ${'$'}TACD_ARGS (one line of shell words)`, { field: 'pluginArgs' });
  }
}

/** The ports, socket activation, and the source with a plugin's options rewritten for it. */
export function ports(c: Ctx): { ports: number[]; socketActivation: boolean; source: AppSource } {
  const { cli, key, source } = c;
  checkPluginArgs(source);
  const all = [...(key.ports ?? []), ...(source.kind === 'plugin' ? portsFromArgs(source.args) : [])];
  for (const p of all) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new DataError('tacd.spec.ports', `port ${p}: expected 1 to 65535`, { field: 'ports' });
  }
  const socketActivation = cli.socketActivation ?? key.socketActivation ?? false;
  if (socketActivation && all.length === 0) {
    throw new UsageError('--socket-activation needs a port: give the plugin --port N, or "tacd": {"ports": [N]} in package.json', { code: 'tacd.spec.socket' });
  }
  const finalSource = socketActivation && source.kind === 'plugin' ? { ...source, args: socketActivatedArgs(source.args, all) } : source;
  return { ports: all, socketActivation, source: finalSource };
}

type RelationField = keyof SpecInput & ('depends' | 'recommends' | 'suggests' | 'conflicts' | 'replaces' | 'provides');

/** The package relations: the "tacd" key's, then the command line's. */
export function relations(c: Ctx): Record<RelationField, Relation[]> {
  const rel = (field: RelationField): Relation[] => [...parseRelations(c.key[field], field), ...parseRelations(c.cli[field], field)];
  return { depends: rel('depends'), recommends: rel('recommends'), suggests: rel('suggests'), conflicts: rel('conflicts'), replaces: rel('replaces'), provides: rel('provides') };
}

/** Where the app's files are: its package.json's folder, or the tac's (a discovered plugin's package folder). */
export function appRootOf(c: Ctx): string | undefined {
  if (c.source.kind === 'tac') return c.pj && !c.foreign ? path.dirname(c.pj.file) : c.dir;
  return c.pluginPj !== undefined ? path.dirname(c.pluginPj) : undefined;
}
