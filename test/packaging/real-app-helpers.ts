// Shared by the real-app suites (test/packaging/real-apps*.test.ts): a
// fixture app copied from fixtures/apps/NAME and installed from its pinned
// lock (once per suite), a package built in process with ts2deb/ts2rpm
// --json, and verifyPackage in a real systemd with a cmd: probe that makes
// HTTP (and websocket) requests inside the container.
import { after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/paths.js';
import { runPackageCli, type FormatAdapter } from '../../src/cli/package-cli.js';
import { debAdapter } from '../../src/cli/ts2deb.js';
import { parseProbe, type Probe } from '../../src/verify/probe.js';
import { verifyPackage } from '../../src/verify/verify.js';
import { skipUnlessSystemd } from '../helpers/systemd.js';
import { tempDir, testIO } from './helpers.js';

const dirs: string[] = [];
after(() => {
  if (process.env['TACD_KEEP_TMP'] !== '1') dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A temp folder removed when the suite ends (kept with TACD_KEEP_TMP=1). */
export function scratch(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

const OFFLINE = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i;

/** How a fixture is installed: the command (default `npm ci --ignore-scripts`) run in `cwd` (default the copy's root). */
export interface InstallHow {
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

const NPM_CI = ['npm', 'ci', '--no-audit', '--no-fund', '--ignore-scripts'];

/** Copies fixtures/apps/NAME to a temp folder and installs it; `{ skip }` says why the registry could not be reached. */
export function installFixture(name: string, how: InstallHow = {}): string | { skip: string } {
  const dir = scratch(`tacd-app-${name}-`);
  cpSync(path.join(PROJECT_ROOT, 'fixtures/apps', name), dir, { recursive: true });
  const [cmd, ...args] = how.command ?? NPM_CI;
  const r = spawnSync(cmd!, args, { cwd: dir, encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...how.env } });
  if (r.status === 0) return dir;
  const out = `${r.stdout}${r.stderr}`;
  if (OFFLINE.test(out) || r.error) return { skip: `${cmd} could not reach the registry: ${out.trim().split('\n').pop() ?? r.error?.message}` };
  assert.fail(`${[cmd, ...args].join(' ')} in ${dir} failed: ${out}`);
}

/** installFixture for a suite's before(): logs a skip loudly. */
export function installOrSkip(name: string, how: InstallHow = {}): string | { skip: string } {
  const app = installFixture(name, how);
  if (typeof app !== 'string') process.stderr.write(`\n*** SKIP ${name} real-app tests: ${app.skip}\n`);
  return app;
}

/** The fields of the --json build report read by these suites. */
export interface Report {
  readonly file: string;
  readonly size: number;
  readonly summary?: string;
  readonly addons: readonly { package: string; loader: string; file: string }[];
  readonly external: readonly string[];
  readonly runFiles: readonly string[];
  readonly loadCheck: { ran: boolean };
  /** What the build wrote on stderr (fetch and cache lines). */
  readonly stderr: string;
}

/** Builds `app/TAC` (default app.tac.ts) with `adapter`, --runtime system, --json, `env` added; the report. */
export async function buildApp(adapter: FormatAdapter, app: string, extra: readonly string[] = [], tac = 'app.tac.ts', env: Readonly<Record<string, string>> = {}): Promise<Report> {
  const out = scratch('tacd-app-out-');
  const io = testIO({ cwd: app });
  const withEnv = { ...io, env: { ...io.env, ...env } };
  assert.equal(await runPackageCli(adapter, [path.join(app, tac), '--runtime', 'system', '--json', '--output', out, ...extra], withEnv), 0, io.stderr.text());
  const r = { ...(JSON.parse(io.stdout.text()) as Omit<Report, 'stderr'>), stderr: io.stderr.text() };
  process.stderr.write(`real-apps: ${path.basename(r.file)} is ${r.size} bytes\n`);
  return r;
}

/** The paths in a .deb's data (dpkg-deb -c). */
export function debFiles(deb: string): string[] {
  return execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -t', 'sh', deb], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n').filter(Boolean);
}

/** readelf's Machine: of one file in a .deb. */
export function machineOf(deb: string, member: string): string {
  const dir = scratch('tacd-elf-');
  execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"', 'sh', deb, dir, member]);
  const header = execFileSync('readelf', ['-h', path.join(dir, member)], { encoding: 'utf8' });
  return /Machine:\s+(.+)/.exec(header)?.[1]?.trim() ?? `no ELF header: ${header}`;
}

/** Builds `app/app.tac.ts` with ts2deb (--runtime system, `extra`) expecting a refusal: its error, after checking nothing was written. */
export async function refusedBuild(app: string, extra: readonly string[]): Promise<Error> {
  const out = scratch('tacd-app-out-');
  const e = await runPackageCli(debAdapter, [path.join(app, 'app.tac.ts'), '--runtime', 'system', '--output', out, ...extra], testIO({ cwd: app })).then(
    () => assert.fail('expected a refusal'),
    (err: Error) => err,
  );
  assert.deepEqual(readdirSync(out), [], 'nothing written');
  return e;
}

/** `s` quoted for sh. */
export function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell check: `command`'s output (trailing newlines dropped) is exactly `want`, else it says what it got on stderr. */
export function expectOutput(command: string, want: string): string {
  return `{ out=$(${command}); [ "$out" = ${sq(want)} ] || { printf '%s gave: %s\\n' ${sq(command)} "$out" >&2; exit 1; }; }`;
}

/** A cmd: probe: every `curl` request to 127.0.0.1:PORT/PATH answers exactly its line, then the extra shell checks pass. */
export function httpProbe(port: number, requests: readonly (readonly [string, string])[], extra: readonly string[] = []): Probe {
  const curls = requests.map(([p, want]) => expectOutput(`curl -sS --max-time 5 ${sq(`http://127.0.0.1:${port}/${p}`)}`, want));
  return parseProbe('cmd:' + [...curls, ...extra].join(' && '));
}

/**
 * A shell command (for a cmd: probe) that opens a websocket to
 * 127.0.0.1:PORT/PATH with the container's node (or `node`; no library: an HTTP
 * upgrade, the accept key checked, one masked text frame sent) and
 * succeeds when the first frame back is `want`.
 */
export function websocketCheck(port: number, wsPath: string, send: string, want: string, node = 'node'): string {
  const js = [
    'const http=require("http"),c=require("crypto"),[port,p,send,want]=process.argv.slice(1);',
    'const key=c.randomBytes(16).toString("base64");',
    'const req=http.request({host:"127.0.0.1",port:+port,path:p,headers:{Connection:"Upgrade",Upgrade:"websocket","Sec-WebSocket-Version":"13","Sec-WebSocket-Key":key}});',
    'setTimeout(()=>{console.error("no websocket answer in 5 s");process.exit(5)},5000).unref();',
    'req.on("error",(e)=>{console.error(e.message);process.exit(4)});',
    'req.on("response",(r)=>{console.error("no upgrade: HTTP "+r.statusCode);process.exit(3)});',
    'req.on("upgrade",(res,s)=>{',
    'const accept=c.createHash("sha1").update(key+"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");',
    'if(res.headers["sec-websocket-accept"]!==accept){console.error("bad accept key");process.exit(2)}',
    'const b=Buffer.from(send),m=c.randomBytes(4),f=Buffer.alloc(6+b.length);f[0]=0x81;f[1]=0x80|b.length;m.copy(f,2);',
    'for(let i=0;i<b.length;i++)f[6+i]=b[i]^m[i%4];s.write(f);',
    'let got=Buffer.alloc(0);s.on("data",(d)=>{got=Buffer.concat([got,d]);if(got.length<2||got.length<2+(got[1]&127))return;',
    'const text=got.subarray(2,2+(got[1]&127)).toString();console.log(text);s.destroy();process.exitCode=text===want?0:1})});',
    'req.end();',
  ].join('');
  return [node, '-e', sq(js), String(port), sq(wsPath), sq(send), sq(want)].join(' ');
}

/**
 * verifyPackage in systemd: every step passes (install, active, probe,
 * restart: a clean stop, then remove+purge or erase). Skips loudly without systemd.
 */
export async function verifyInSystemd(t: TestContext, file: string, format: 'deb' | 'rpm', probe: Probe): Promise<void> {
  if (await skipUnlessSystemd(t)) return;
  const v = await verifyPackage({ pkg: file, format, probe, onProgress: (l) => t.diagnostic(l) });
  const failed = v.steps.filter((s) => !s.ok && !s.skipped).map((s) => `${s.name}: ${s.detail}`);
  assert.deepEqual(failed, [], v.journal);
  assert.ok(v.steps.every((s) => s.ok && !s.skipped), v.steps.map((s) => `${s.name} ${s.ok}`).join(', '));
  const names = v.steps.map((s) => s.name);
  for (const n of ['install', 'active', 'probe', 'restart', ...(format === 'deb' ? ['remove', 'purge'] : ['erase'])]) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
}
