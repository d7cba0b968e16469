/**
 * A discovered plugin's module: finding the file its package.json names,
 * importing it (through an importer the caller gives: the runner's tac
 * loader, which compiles TypeScript as it does for `.tac.ts` files) and
 * checking that it exports a service maker whose options are well formed.
 *
 * Accepted exports, in order: `serviceMaker`, `default`, and for CommonJS
 * `module.exports = maker` or `module.exports = { serviceMaker }`.
 *
 * Errors (one line): the module file is missing → 66; no service maker, or
 * a malformed one (bad tapname, options not a list, a duplicate or badly
 * named option) → 65, naming the file and what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataError, NoInputError, isTacError } from '../core/errors.js';
import { defineServiceMaker, type ServiceMaker } from '../application/service-maker.js';

/** Imports a module file and returns its namespace (the runner's tac loader in tacd and ts2deb). */
export type ModuleImporter = (file: string) => Promise<Record<string, unknown>>;

/** Node's own import: JavaScript only. */
export const nativeImporter: ModuleImporter = async (file) => (await import(pathToFileURL(file).href)) as Record<string, unknown>;

/** Where a plugin was declared: its name, the package.json, the module as written there. */
export interface PluginDeclaration {
  readonly name: string;
  readonly packageJson: string;
  readonly module: string;
}

/** The absolute path of the declared module. */
export function modulePath(d: PluginDeclaration): string {
  return path.resolve(path.dirname(d.packageJson), d.module);
}

/** @throws NoInputError (66) when the declared module is not a file. */
export function checkModuleFile(d: PluginDeclaration): string {
  const file = modulePath(d);
  let ok = false;
  try {
    ok = fs.statSync(file).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw new NoInputError(file, `plugin '${d.name}': module not found: ${file} (tacd.plugins.${d.name}.module in ${d.packageJson})`, { code: 'tacd.plugin.moduleMissing' });
  return file;
}

function isMakerLike(v: unknown): v is ServiceMaker {
  return typeof v === 'object' && v !== null && typeof (v as { makeService?: unknown }).makeService === 'function';
}

// The candidates, most explicit first; a CommonJS module's exports object is the namespace's default.
function candidates(mod: Record<string, unknown>): unknown[] {
  const d = mod['default'] as Record<string, unknown> | undefined;
  const inner = typeof d === 'object' && d !== null ? [d['serviceMaker'], d['default']] : [];
  return [mod['serviceMaker'], d, ...inner];
}

// What the maker lacks, in words, or undefined when its shape is right.
function shapeProblem(m: ServiceMaker): string | undefined {
  if (typeof m.tapname !== 'string') return "its service maker has no 'tapname' string";
  if (typeof m.description !== 'string') return "its service maker has no 'description' string";
  if (!Array.isArray(m.options)) return "its service maker's 'options' is not a list of options";
  const bad = m.options.findIndex((o) => typeof o !== 'object' || o === null || typeof o.long !== 'string' || typeof o.description !== 'string');
  if (bad >= 0) return `options[${bad}] needs a 'long' name and a 'description' string`;
  const parse = m.options.find((o) => o.parse !== undefined && typeof o.parse !== 'function');
  return parse ? `option --${parse.long}: 'parse' must be a function` : undefined;
}

/**
 * The service maker a plugin module exports.
 * @param file named in the errors.
 * @throws DataError (65, 'tacd.plugin.noMaker' or 'tacd.plugin.invalid').
 */
export function asServiceMaker(mod: Record<string, unknown>, file: string): ServiceMaker {
  const maker = candidates(mod).find(isMakerLike);
  if (!maker) {
    throw new DataError('tacd.plugin.noMaker', `${file}: exports no service maker: expected 'export default' or 'export const serviceMaker' of an object with tapname, description, options and makeService()`, { field: file });
  }
  const problem = shapeProblem(maker);
  if (problem) throw new DataError('tacd.plugin.invalid', `${file}: ${problem}`, { field: file });
  try {
    return defineServiceMaker(maker);
  } catch (e) {
    if (isTacError(e)) throw new DataError('tacd.plugin.invalid', `${file}: ${e.message}`, { field: file, cause: e });
    throw e;
  }
}

/** Imports the declared module with `importer` and returns its checked service maker. */
export async function loadDeclaredPlugin(d: PluginDeclaration, importer: ModuleImporter): Promise<ServiceMaker> {
  const file = checkModuleFile(d);
  return asServiceMaker(await importer(file), file);
}
