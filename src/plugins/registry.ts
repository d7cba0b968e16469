/**
 * Plugin discovery, after Twisted's plugin cache: a plugin is a cheap
 * descriptor (name, description, where its module is) and the heavy module
 * is imported only when that plugin runs. Listing never imports anything.
 *
 * Sources, in order:
 * 1. the built-ins (echo, web);
 * 2. the `tacd.plugins` field of the nearest package.json from the current
 *    directory upwards (the current project);
 * 3. every package in that project's node_modules (also @scope/name) whose
 *    package.json has `tacd.plugins`;
 * 4. each directory in $TACD_PLUGIN_PATH (colon-separated): a package
 *    directory itself, or a directory of package directories.
 * Two plugins of one name (a built-in included) are an error naming both
 * package.json files; one package.json seen twice (a symlinked dependency,
 * a folder both in node_modules and in $TACD_PLUGIN_PATH) counts once.
 *
 * The field maps names to descriptors:
 *   "tacd": { "plugins": { "hello": { "module": "./dist/hello.js", "description": "Say hello" } } }
 * (an array of { "name", "module", "description" } is accepted too). The
 * module (TypeScript or JavaScript, ESM or CommonJS) exports the
 * ServiceMaker as `default` or `serviceMaker` (see plugin-module.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import type { ServiceMaker } from '../application/service-maker.js';
import { BUILTINS } from './builtins.js';
import { loadDeclaredPlugin, modulePath, nativeImporter, type ModuleImporter, type PluginDeclaration } from './plugin-module.js';

export interface PluginRef {
  readonly name: string;
  readonly description: string;
  /** 'built-in' or the package.json that declared it. */
  readonly source: string;
  /** Where a discovered (not built-in) plugin was declared. */
  readonly declaration?: PluginDeclaration;
  /**
   * Imports the plugin's module with `importer` (default: Node's import,
   * JavaScript only) and returns its ServiceMaker.
   * @throws NoInputError (66) for a missing module, DataError (65) when it exports no valid maker.
   */
  load(importer?: ModuleImporter): Promise<ServiceMaker>;
}


interface Descriptor {
  readonly name: string;
  readonly module: string;
  readonly description: string;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

// The descriptors declared by one package.json (malformed entries are skipped: listing must not fail on a neighbour's package).
function descriptorsOf(pkg: Record<string, unknown>): Descriptor[] {
  const field = (pkg['tacd'] as { plugins?: unknown } | undefined)?.plugins;
  if (!field || typeof field !== 'object') return [];
  const entries = Array.isArray(field)
    ? (field as Array<Record<string, unknown>>).map((d) => [String(d['name']), d] as const)
    : Object.entries(field as Record<string, Record<string, unknown>>);
  return entries
    .filter(([name, d]) => name && d && typeof d['module'] === 'string')
    .map(([name, d]) => ({ name, module: d['module'] as string, description: typeof d['description'] === 'string' ? d['description'] : '' }));
}

function refsOfPackage(pkgJson: string): PluginRef[] {
  const pkg = readJson(pkgJson);
  if (!pkg) return [];
  return descriptorsOf(pkg).map((d) => {
    const declaration: PluginDeclaration = { name: d.name, packageJson: pkgJson, module: d.module };
    return { name: d.name, description: d.description, source: pkgJson, declaration, load: (importer = nativeImporter) => loadDeclaredPlugin(declaration, importer) };
  });
}

/** The nearest package.json from `cwd` upwards, or null. */
export function nearestPackageJson(cwd: string): string | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) return p;
    if (path.dirname(dir) === dir) return null;
  }
}

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => path.join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

/** The package.json files of every package under a node_modules folder (scoped ones too). */
function packagesIn(nodeModules: string): string[] {
  const out: string[] = [];
  for (const d of subdirs(nodeModules)) {
    const base = path.basename(d);
    if (base.startsWith('.')) continue;
    if (base.startsWith('@')) out.push(...subdirs(d).map((s) => path.join(s, 'package.json')));
    else out.push(path.join(d, 'package.json'));
  }
  return out.filter((p) => fs.existsSync(p));
}

/** All plugins visible from `cwd` with `env`, sorted by name. Imports nothing. */
export function discoverPlugins(cwd: string, env: NodeJS.ProcessEnv): PluginRef[] {
  const found = new Map<string, PluginRef>();
  const seen = new Set<string>();
  const add = (refs: readonly PluginRef[]): void => {
    for (const r of refs) addOne(found, seen, r);
  };
  add(BUILTINS);
  const project = nearestPackageJson(cwd);
  if (project) {
    add(refsOfPackage(project));
    for (const p of packagesIn(path.join(path.dirname(project), 'node_modules'))) add(refsOfPackage(p));
  }
  for (const dir of (env['TACD_PLUGIN_PATH'] ?? '').split(':').filter(Boolean)) {
    const own = path.join(dir, 'package.json');
    if (fs.existsSync(own)) add(refsOfPackage(own));
    for (const d of subdirs(dir)) add(refsOfPackage(path.join(d, 'package.json')));
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// The real path of a package.json, so one file reached twice (through a symlink) is one source.
function realSource(r: PluginRef): string {
  if (r.source === 'built-in') return `built-in:${r.name}`;
  try {
    return `${fs.realpathSync(r.source)}:${r.name}`;
  } catch {
    return `${r.source}:${r.name}`;
  }
}

// Adds a plugin; a second plugin of the same name from another package.json is an error naming both.
function addOne(found: Map<string, PluginRef>, seen: Set<string>, r: PluginRef): void {
  const key = realSource(r);
  if (seen.has(key)) return;
  seen.add(key);
  const first = found.get(r.name);
  if (first) {
    throw new DataError('tacd.plugin.duplicate', `plugin '${r.name}' is declared twice: by ${first.source} and by ${r.source} (rename one in its tacd.plugins)`, { field: 'tacd.plugins' });
  }
  found.set(r.name, r);
}

/** The module file of a discovered plugin, or undefined for a built-in. */
export function pluginModule(r: PluginRef): string | undefined {
  return r.declaration ? modulePath(r.declaration) : undefined;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The names closest to `name` (distance ≤ max(2, a third of its length)), nearest first. */
export function closestNames(name: string, names: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return names
    .map((n) => ({ n, d: n.startsWith(name) || name.startsWith(n) ? Math.min(1, editDistance(name, n)) : editDistance(name, n) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0))
    .map((x) => x.n);
}

/** The plugin named `name`. @throws UsageError (64) "unknown plugin 'x'; did you mean 'y'?" */
export function findPlugin(refs: readonly PluginRef[], name: string): PluginRef {
  const ref = refs.find((r) => r.name === name);
  if (ref) return ref;
  const near = closestNames(name, refs.map((r) => r.name));
  const hint = near.length ? `; did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : `; available: ${refs.map((r) => r.name).join(', ')}`;
  throw new UsageError(`unknown plugin '${name}'${hint} (tacd --help lists them)`, { code: 'tacd.plugin.unknown' });
}

// Where a plugin comes from, for the list: 'built-in', or its package.json relative to `cwd` when below it.
function shownSource(r: PluginRef, cwd: string | undefined): string {
  if (r.source === 'built-in' || cwd === undefined) return r.source;
  const rel = path.relative(cwd, r.source);
  return rel.startsWith('..') || path.isAbsolute(rel) ? r.source : rel;
}

/**
 * The "Plugins:" section of `tacd --help`: names sorted, descriptions
 * aligned, and where each comes from in brackets (given `base`, the
 * project's folder, package.json paths below it are shown relative to it).
 */
export function formatPluginList(refs: readonly PluginRef[], base?: string): string {
  const width = Math.max(0, ...refs.map((r) => r.name.length));
  const lines = refs.map((r) => `  ${r.name.padEnd(width)}  ${r.description ? `${r.description} ` : ''}[${shownSource(r, base)}]`);
  return ['Plugins:', ...lines].join('\n') + '\n';
}

/**
 * The service maker of a plugin to package: the declared module's (loaded
 * with `importer`) for a discovered plugin, else the built-in's.
 * @throws UsageError (64) for an unknown built-in; see PluginRef.load.
 */
export async function loadPluginMaker(p: { readonly plugin: string; readonly module?: string; readonly packageJson?: string }, importer: ModuleImporter): Promise<ServiceMaker> {
  if (p.module !== undefined && p.packageJson !== undefined) return loadDeclaredPlugin({ name: p.plugin, packageJson: p.packageJson, module: p.module }, importer);
  return findPlugin(BUILTINS, p.plugin).load();
}
