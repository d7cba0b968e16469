/**
 * ts2deb init [DIR] [--force] (ts2rpm init too): writes a first app.tac.ts
 * around the Express/Fastify/Koa app or node:http server that DIR's entry
 * exports, and the "tacd" field of its package.json, printing what it found.
 */
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { commanderMessage, UsageError } from '../core/errors.js';
import { detectApp, type AppFacts } from '../init/detect.js';
import { TAC_FILE, writeInit } from '../init/write.js';
import { createRenderer } from '../render/render.js';

export interface InitIO {
  readonly stdout: NodeJS.WritableStream;
  readonly cwd: string;
}

function program(prog: string): Command {
  return new Command(`${prog} init`)
    .usage('[DIR] [--force]')
    .description("Write a first app.tac.ts (and package.json's \"tacd\" field) for the Node app in DIR (default: here).")
    .argument('[dir]', "the app's folder, with its package.json")
    .option('--force', 'replace an existing app.tac.ts and "tacd" field')
    .option('--debug', 'show stack traces')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

const FRAMEWORK_NAMES = { express: 'an Express app', fastify: 'a Fastify app', koa: 'a Koa app', 'node:http': 'a node:http server or handler' } as const;

function found(f: AppFacts): string {
  const what = f.exported.kind === 'default' ? 'as its default export' : `as '${f.exported.name}'`;
  return `found ${FRAMEWORK_NAMES[f.framework]} that ${f.entry.file} exports ${what} (${f.entry.how}); port ${f.port}`;
}

// An entry that listens by itself would bind a second port when tacd loads it.
function listenAdvice(f: AppFacts): string {
  const esm = f.entry.file.endsWith('.mjs') || f.packageJson['type'] === 'module';
  const guard = esm ? 'if (process.argv[1] === fileURLToPath(import.meta.url)) app.listen(...)' : 'if (require.main === module) app.listen(...)';
  return `warning: ${f.entry.file} calls listen() itself; under tacd, HTTPServer listens for it: guard the call (${guard})`;
}

function parse(prog: string, argv: readonly string[], io: InitIO): { dir: string; force: boolean } | { help: string } {
  const cmd = program(prog);
  if (argv.includes('-h') || argv.includes('--help')) return { help: cmd.helpInformation() };
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(`${commanderMessage(e)} (see ${prog} init --help)`, { code: `${prog}.init.${e.code}`, cause: e });
    throw e;
  }
  return { dir: path.resolve(io.cwd, cmd.args[0] ?? '.'), force: cmd.opts<{ force?: boolean }>().force === true };
}

/** Runs `init` with `argv` (the words after "init"); resolves with the exit status. */
export async function initCommand(prog: 'ts2deb' | 'ts2rpm', argv: readonly string[], io: InitIO): Promise<number> {
  const p = parse(prog, argv, io);
  if ('help' in p) {
    io.stdout.write(p.help);
    return 0;
  }
  const facts = detectApp(p.dir);
  const lines = [found(facts), ...(facts.listens ? [listenAdvice(facts)] : []), ...writeInit(facts, createRenderer(), p.force)];
  io.stdout.write(lines.map((l) => `${prog} init: ${l}\n`).join('') + `next: ${prog} ${path.relative(io.cwd, path.join(p.dir, TAC_FILE)) || TAC_FILE}\n`);
  return 0;
}
