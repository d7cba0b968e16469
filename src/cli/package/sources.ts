/**
 * What a build packages: the tac file or a plugin from the command line, the
 * application's own sources for the source package (tac file, package.json,
 * lock files), and the node binary to bundle.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { NoInputError } from '../../core/errors.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import { readElf, type ElfDynamic } from '../../bundle/elf.js';
import type { AppSource, PackageSpec } from '../../plan/spec.js';
import { discoverPlugins, findPlugin } from '../../plugins/registry.js';
import { checkModuleFile } from '../../plugins/plugin-module.js';
import type { Parsed } from './options.js';
import type { AppSourceFile, CliIO } from './types.js';

export function appSource(p: Parsed, io: CliIO): { source: AppSource; pluginDescription?: string } {
  if (p.tac !== undefined) {
    let isFile = false;
    try {
      isFile = statSync(p.tac).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) throw new NoInputError(p.tac, `tac file not found: ${p.tac}`, { code: `${p.prog}.tac.missing` });
    return { source: { kind: 'tac', file: p.tac } };
  }
  const ref = findPlugin(discoverPlugins(io.cwd, io.env), p.plugin!);
  if (!ref.declaration) return { source: { kind: 'plugin', plugin: ref.name, args: p.pluginArgs }, pluginDescription: ref.description };
  // A discovered plugin: its module (checked now: 66 when missing) is bundled, its package.json describes the package.
  const module = checkModuleFile(ref.declaration);
  return { source: { kind: 'plugin', plugin: ref.name, args: p.pluginArgs, module, packageJson: ref.source }, pluginDescription: ref.description };
}

const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

function readSource(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new NoInputError(file, `cannot read ${file} for the source package: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { code: 'tacd.source.read', cause: e });
  }
}

/**
 * The application's sources for the source package: the tac file, and the
 * package.json it was described by with its lock file(s), relative to that
 * package.json's folder. A built-in plugin has none (it is part of tacd),
 * and neither does tacd's own package.json (an app in tacd's tree).
 */
export function appSourceFiles(spec: PackageSpec): AppSourceFile[] {
  if (spec.source.kind !== 'tac') return [];
  const tac = path.resolve(spec.source.file);
  const pj = spec.packageJson === undefined || spec.packageJson === path.join(PROJECT_ROOT, 'package.json') ? undefined : path.resolve(spec.packageJson);
  const root = pj !== undefined && !path.relative(path.dirname(pj), tac).startsWith('..') ? path.dirname(pj) : path.dirname(tac);
  const files = [tac];
  if (pj !== undefined && root === path.dirname(pj)) {
    files.push(pj);
    for (const lock of LOCK_FILES) {
      const f = path.join(root, lock);
      try {
        if (statSync(f).isFile()) files.push(f);
      } catch {
        // no such lock file
      }
    }
  }
  return files.map((f) => ({ path: path.relative(root, f).split(path.sep).join('/'), data: readSource(f), mode: 0o644 }));
}

export function readNode(file: string): { arch: string; data: { size: number; open(): AsyncIterable<Uint8Array> }; dynamic: ElfDynamic } {
  const { arch, dynamic } = readElf(file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new NoInputError(file, `--node ${file}: cannot read`, { cause: e });
  }
  return { arch, data: { size, open: () => createReadStream(file) }, dynamic };
}
