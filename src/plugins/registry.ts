/**
 * Plugin discovery, after Twisted's plugin cache: a plugin is a cheap
 * descriptor (name, description, where its module is) and the heavy module
 * is imported only when that plugin runs. Listing never imports anything.
 *
 * Sources, in order (the first plugin of a name wins; built-ins cannot be
 * shadowed):
 * 1. the built-ins (echo, web);
 * 2. the `tacd.plugins` field of the nearest package.json from the current
 *    directory upwards (the current project);
 * 3. every package in that project's node_modules (also @scope/name) whose
 *    package.json has `tacd.plugins`;
 * 4. each directory in $TACD_PLUGIN_PATH (colon-separated): a package
 *    directory itself, or a directory of package directories.
 *
 * The field maps names to descriptors:
 *   "tacd": { "plugins": { "hello": { "module": "./dist/hello.js", "description": "Say hello" } } }
 * (an array of { "name", "module", "description" } is accepted too). The
 * module's default export (or `serviceMaker` export) is the ServiceMaker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataError, UsageError } from '../core/errors.js';
import type { ServiceMaker } from '../application/service-maker.js';
import { BUILTINS } from './builtins.js';

export interface PluginRef {
  readonly name: string;
  readonly description: string;
  /** 'built-in' or the package.json that declared it. */
  readonly source: string;
  /** Imports the plugin's module and returns its ServiceMaker. @throws DataError when the module has none. */
  load(): Promise<ServiceMaker>;
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

async function importMaker(pkgDir: string, d: Descriptor, source: string): Promise<ServiceMaker> {
  const file = path.resolve(pkgDir, d.module);
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; serviceMaker?: unknown };
  const maker = (mod.serviceMaker ?? mod.default) as ServiceMaker | undefined;
  if (!maker || typeof maker.makeService !== 'function') {
    throw new DataError('tacd.plugin.noMaker', `plugin '${d.name}' (${file}, declared in ${source}) exports no ServiceMaker as 'default' or 'serviceMaker'`, { field: 'tacd.plugins' });
  }
  return maker;
}

function refsOfPackage(pkgJson: string): PluginRef[] {
  const pkg = readJson(pkgJson);
  if (!pkg) return [];
  const dir = path.dirname(pkgJson);
  return descriptorsOf(pkg).map((d) => ({ name: d.name, description: d.description, source: pkgJson, load: () => importMaker(dir, d, pkgJson) }));
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
  const add = (refs: readonly PluginRef[]): void => {
    for (const r of refs) if (!found.has(r.name)) found.set(r.name, r);
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

/** The "Plugins:" section of `tacd --help`: names sorted, descriptions aligned. */
export function formatPluginList(refs: readonly PluginRef[]): string {
  const width = Math.max(0, ...refs.map((r) => r.name.length));
  return ['Plugins:', ...refs.map((r) => `  ${r.name.padEnd(width)}  ${r.description}`.trimEnd())].join('\n') + '\n';
}
