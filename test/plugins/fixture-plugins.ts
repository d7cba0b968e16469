// Test helper: the plugin packages of fixtures/plugins installed into a temp
// copy, as a user would have them: fastpoetry (TypeScript ESM) and
// greeter-cjs (CommonJS JavaScript, tacd as a peer dependency) are projects
// declaring their own plugin; poetry-site depends on the quotes plugin
// package through a file: dependency, installed into its node_modules by
// `npm ci --install-links` from its lock file.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { tempDir } from '../runner/helpers.js';

export const FIXTURE_PLUGINS = path.join(PROJECT_ROOT, 'fixtures', 'plugins');

/** One installed fixture plugin: where to run tacd/ts2deb, its name, port and package metadata. */
export interface FixturePlugin {
  readonly name: string;
  readonly kind: string;
  readonly cwd: string;
  readonly port: number;
  readonly pkg: { readonly name: string; readonly version: string; readonly maintainer: string; readonly license: string; readonly summary: string };
}

/** Option values holding every character class: spaces, both quotes, $, %, \, shell operators, non-ASCII. */
export const GREETING = `it's a fine day, isn't it? "Yes" - 100% sure; a | b & c > d`;
export const TAG = '$HOME ${PATH} `id` %n %% \\ back\\slash \\n * ? [x] ~ # ünïcödé ☃ 日本';

/** The bytes the plugin answers with for these values (fixtures/plugins/*: one JSON line). */
export function expectedAnswer(p: FixturePlugin, greeting = GREETING, tag = TAG): Buffer {
  const extra = p.name === 'quotes' ? { quote: 'Brevity is the soul of wit.' } : {};
  return Buffer.from(JSON.stringify({ plugin: p.name, greeting, tag, ...extra }) + '\n', 'utf8');
}

// tacd as the projects' dependency: what `npm install tacd` would put there (this checkout).
function linkTacd(project: string): void {
  mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  symlinkSync(PROJECT_ROOT, path.join(project, 'node_modules', 'tacd'));
}

/** Copies fixtures/plugins to a temp folder and installs it; returns the folder and the three plugins. */
export function installFixturePlugins(): { dir: string; plugins: readonly FixturePlugin[] } {
  const dir = tempDir('tacd-plugins-');
  cpSync(FIXTURE_PLUGINS, dir, { recursive: true });
  const site = path.join(dir, 'poetry-site');
  execFileSync('npm', ['ci', '--install-links', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'], { cwd: site, stdio: 'pipe', timeout: 120_000 });
  linkTacd(path.join(dir, 'greeter-cjs'));
  return {
    dir,
    plugins: [
      { name: 'fastpoetry', kind: 'TypeScript ESM', cwd: path.join(dir, 'fastpoetry'), port: 10102, pkg: { name: 'fastpoetry', version: '1.2.0', maintainer: 'Ada Verse <ada@example.org>', license: 'MIT', summary: 'Recites a line of poetry to every connection' } },
      { name: 'greeter', kind: 'CommonJS JavaScript', cwd: path.join(dir, 'greeter-cjs'), port: 10103, pkg: { name: 'greeter-cjs', version: '0.3.1', maintainer: 'Bob Common <bob@example.org>', license: 'Apache-2.0', summary: 'Greets every connection (CommonJS)' } },
      { name: 'quotes', kind: 'a dependency in node_modules', cwd: site, port: 10104, pkg: { name: 'tacd-plugin-quotes', version: '2.0.1', maintainer: 'Quinn Quote <quinn@example.org>', license: 'BSD-3-Clause', summary: "Serves a quotation (a dependency's plugin)" } },
    ],
  };
}

const OFFLINE = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i;

/** Copies fixtures/plugins/NAME to a temp folder and `npm ci`s it from its lock (the registry); `{ skip }` when unreachable. */
export function installPluginFixture(name: string): string | { skip: string } {
  const dir = path.join(tempDir(`tacd-plugin-${name}-`), name);
  cpSync(path.join(FIXTURE_PLUGINS, name), dir, { recursive: true });
  const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) return dir;
  const why = `${r.stdout}${r.stderr}`.trim();
  if (r.error || OFFLINE.test(why)) {
    process.stderr.write(`\n*** SKIP ${name} plugin tests: npm ci could not reach the registry: ${why.split('\n').pop()}\n`);
    return { skip: `npm ci could not reach the registry: ${why.split('\n').pop() ?? r.error?.message}` };
  }
  throw new Error(`npm ci in ${dir} failed: ${why}`);
}

/** The plugin options every test passes: the port, and the two values with every character class. */
export function pluginOptions(p: FixturePlugin): string[] {
  return ['--port', String(p.port), '--greeting', GREETING, '--tag', TAG];
}
