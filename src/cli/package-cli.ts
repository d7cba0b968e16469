/**
 * The shared command line of ts2deb and ts2rpm:
 *
 *   ts2deb [options] APP.tac.ts
 *   ts2deb [options] --plugin NAME [-- plugin options]
 *
 * The flow: parse the options (package/options.ts), normalize the spec, build
 * the plan, run the format writers in memory (--binary, the default, writes
 * the .deb/.rpm; --source the source package from the same plan; --both all
 * of them), then write the files as one (package/atomic-write.ts): a failed
 * build leaves no file behind, and an existing file is replaced only when it
 * is our own previous output of that kind (package/replace.ts).
 */
import { TacError } from '../core/errors.js';
import { onInterrupt } from '../core/interrupt.js';
import path from 'node:path';
import { buildEpoch } from '../plan/source-date-epoch.js';
import { bundleApp } from '../bundle/bundle.js';
import { cacheReportLine, configureBuildCache } from '../bundle/cache.js';
import { loadCheckPackage, type LoadCheckResult } from '../bundle/load-check.js';
import { buildPlan, type BuiltPlan } from '../plan/build-plan.js';
import { normalizeSpec, type PackageSpec } from '../plan/spec.js';
import { provisionNode } from '../plan/node-runtime.js';
import { provisionPlatformPackages } from '../plan/platform-supply.js';
import { createRenderer } from '../render/render.js';
import { writeAllAtomically } from './package/atomic-write.js';
import { jsonReport, type RoleOutput } from './package/json-report.js';
import { parse, type Parsed } from './package/options.js';
import { checkOutputDir, createOutputDir, removeCreatedDirs } from './package/output-dir.js';
import { appSource, appSourceFiles, readNode } from './package/sources.js';
import type { CliIO, FormatAdapter, Planned, Signing } from './package/types.js';

export type { AppSourceFile, CliIO, Emit, FormatAdapter, OutputFile, SourceOptions } from './package/types.js';


// The plan, and its load check running in its own process (the writers go on beside it).
async function plan(adapter: FormatAdapter, p: Parsed, io: CliIO): Promise<Omit<Planned, 'loadCheck'> & { readonly checking: Promise<LoadCheckResult> }> {
  const render = createRenderer(p.templates);
  const { source, pluginDescription } = appSource(p, io);
  const { spec: withNode } = await provisionNode(normalizeSpec({ cli: p.spec, source, cwd: io.cwd, execPath: io.execPath, ...(pluginDescription !== undefined ? { pluginDescription } : {}) }), io, adapter.prog);
  const spec = await provisionPlatformPackages(withNode, io, adapter.prog);
  const appDir = source.kind === 'tac' ? path.dirname(path.resolve(io.cwd, source.file)) : undefined;
  const epoch = await buildEpoch(io.env, { appDir, exclude: [p.output], now: io.now });
  const mtime = epoch.seconds;
  // The compressed-payload cache never changes the bytes, only the time (src/bundle/cache.ts).
  configureBuildCache(p.cache ? io.env : { ...io.env, TACD_NO_CACHE: '1' });
  const built = await buildPlan(spec, adapter.family, { render, bundle: bundleApp, readNode, mtime });
  for (const w of spec.warnings) io.stderr.write(`${adapter.prog}: warning: ${w}\n`);
  const node = spec.runtime === 'bundled' ? spec.node : io.execPath;
  const checking = loadCheckPackage({ enabled: p.loadCheck, name: spec.name, arch: built.plan.meta.arch, node, files: built.appFiles });
  checking.catch(() => undefined); // awaited with the writers
  return { spec, built, checking, epoch };
}

// A signing failure names the option that asked for it.
function blameSignKey(e: unknown): never {
  if (e instanceof TacError && e.code.startsWith('tacd.gpg.')) throw new TacError(e.code, `--sign-key: ${e.message}`, { exitCode: e.exitCode, cause: e });
  throw e;
}

function signing(p: Parsed, io: CliIO): Signing {
  const gnupgHome = io.env['GNUPGHOME'];
  return { ...(p.signKey !== undefined ? { signKey: p.signKey } : {}), ...(gnupgHome ? { gnupgHome } : {}) };
}

async function sourceOutputs(adapter: FormatAdapter, p: Parsed, spec: PackageSpec, built: BuiltPlan, io: CliIO): Promise<RoleOutput[]> {
  const options = { compression: adapter.compressor(p.compression), sources: appSourceFiles(spec), ...signing(p, io) };
  const files = await adapter.writeSource(built.plan, options).catch(blameSignKey);
  return files.map((f) => ({ role: 'source' as const, ...f }));
}

async function binaryOutput(adapter: FormatAdapter, p: Parsed, built: BuiltPlan, io: CliIO): Promise<RoleOutput> {
  const chunks = await adapter.write(built.plan, adapter.compressor(p.compression), signing(p, io)).catch(blameSignKey);
  return { role: 'binary', name: adapter.fileName(built.plan), chunks };
}

// Everything is built in memory first: a failing writer or signer leaves no file.
async function outputs(adapter: FormatAdapter, p: Parsed, spec: PackageSpec, built: BuiltPlan, io: CliIO): Promise<RoleOutput[]> {
  const out: RoleOutput[] = [];
  if (p.emit !== 'source') out.push(await binaryOutput(adapter, p, built, io));
  if (p.emit !== 'binary') out.push(...(await sourceOutputs(adapter, p, spec, built, io)));
  return out;
}

/**
 * The writers' outputs and the load check's result, once both have ended (the
 * load check removes its scratch folder when it ends, so neither may be left
 * running when the command exits); the load check's refusal first, since
 * the build stands on it. Nothing is written before the load check passes.
 */
async function bothSettled(writing: Promise<RoleOutput[]>, checking: Promise<LoadCheckResult>): Promise<[RoleOutput[], LoadCheckResult]> {
  const [written, checked] = await Promise.allSettled([writing, checking]);
  if (checked.status === 'rejected') throw checked.reason;
  if (written.status === 'rejected') throw written.reason;
  return [written.value, checked.value];
}

// Creates a missing --output folder, writes the files as one, and removes the folders made when that fails.
async function writeOutputs(dir: string, files: readonly RoleOutput[]): Promise<string[]> {
  const made = createOutputDir(dir);
  const release = onInterrupt(() => removeCreatedDirs(made));
  try {
    return await writeAllAtomically(dir, files);
  } catch (e) {
    removeCreatedDirs(made);
    throw e;
  } finally {
    release();
  }
}

/** Runs ts2deb/ts2rpm with `argv`; resolves with the exit status. */
export async function runPackageCli(adapter: FormatAdapter, argv: readonly string[], io: CliIO): Promise<number> {
  const p = parse(adapter, argv, io);
  if ('help' in p) {
    io.stdout.write(p.help);
    return 0;
  }
  checkOutputDir(p.output);
  const { checking, ...draft } = await plan(adapter, p, io);
  const [files, loadCheck] = await bothSettled(outputs(adapter, p, draft.spec, draft.built, io), checking);
  const planned: Planned = { ...draft, loadCheck };
  const paths = await writeOutputs(p.output, files);
  io.stdout.write(p.json ? JSON.stringify(jsonReport(adapter, planned, files, paths), null, 2) + '\n' : paths.map((f) => `${f}\n`).join(''));
  // On a terminal, where the timestamp came from and what the build cache saved (the --json report has both).
  if ((io.stderr as { isTTY?: boolean }).isTTY) io.stderr.write(`${adapter.prog}: timestamp from ${planned.epoch.detail}; ${cacheReportLine()}\n`);
  return 0;
}

/** The process's own IO. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, execPath: process.execPath, now: () => Math.floor(Date.now() / 1000) };
}
