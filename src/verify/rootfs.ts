/**
 * A cached, minimal Debian root file system that boots a real systemd in
 * systemd-nspawn (see container.ts). Built once with mmdebstrap (debootstrap
 * when mmdebstrap is missing) from the Debian mirror in apt's own
 * configuration, then reused read-only as the lower layer of every boot.
 *
 * Cache layout (default /var/cache/tacd/rootfs, env TACD_ROOTFS_CACHE):
 *   <suite>-<key>.<stamp>/root/      the tree (mode 0755), the overlay lower dir
 *   <suite>-<key>.<stamp>/meta.json  written last: its presence marks a complete entry
 *   <suite>-<key>.log                the builder's full output of the last build
 * An entry older than maxAgeDays (default 30, env TACD_ROOTFS_MAX_AGE_DAYS) is
 * rebuilt as a new generation (<stamp> = UTC build time); older generations
 * are deleted once no overlay mount uses them, so a rebuild never pulls the
 * tree from under a running container. `rm -rf` the cache dir to start over.
 *   debs/                     hostNodeDeb() output
 *   .lock                     flock(1) lock serialising builds between processes
 * The key hashes the recipe (suite, builder, package list, baked-in debs), so
 * variants with extra packages (nodejs, rpm, ...) live side by side.
 */
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haveProgram, run, spawnProgram } from '../core/exec.js';
import { TacError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';

/** Bump when the image set-up below changes, so old cache entries are not reused. */
const RECIPE_VERSION = 1;
/** Same, for the extra set-up of images that include rpm. */
const RPM_RECIPE_VERSION = 1;

/** Installed into every rootfs on top of --variant=minbase. */
export const BASE_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'init-system-helpers', // deb-systemd-helper, deb-systemd-invoke
  'procps',
  'ca-certificates',
  'curl',
  'adduser',
  'netbase',
  'iproute2', // ss, for "is it listening" checks
];

/** Units that are useless or noisy in a throwaway test container; masked in the image. */
const MASKED_UNITS = [
  'systemd-timesyncd.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'console-getty.service',
  'systemd-networkd-wait-online.service',
];

const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type RootfsBuilder = 'mmdebstrap' | 'debootstrap';

/**
 * The image for package lifecycle checks (tests and `ts2deb verify`): base +
 * rpm, with the host's Node baked in as package `nodejs` (satisfies
 * `Depends: nodejs (>= 20)` offline). Use this value so every user shares one
 * cached variant, and a fresh host builds one image.
 */
export const LIFECYCLE_ROOTFS: RootfsOptions = Object.freeze({ hostNode: true, extraPackages: Object.freeze(['rpm']) });

export interface RootfsOptions {
  /** Cache directory; default env TACD_ROOTFS_CACHE or /var/cache/tacd/rootfs. */
  readonly cacheDir?: string;
  /** Debian suite; default bookworm. */
  readonly suite?: string;
  /** Packages added to BASE_PACKAGES (e.g. ['rpm']); each distinct list is its own cached variant. */
  readonly extraPackages?: readonly string[];
  /**
   * Bake the host's Node (hostNodeDeb()) into the image, so `Depends: nodejs (>= 20)`
   * is satisfied offline. Part of the cache key (by the node version).
   */
  readonly hostNode?: boolean;
  /** Default: mmdebstrap when installed, else debootstrap. */
  readonly builder?: RootfsBuilder;
  /** Build a new generation even when a fresh cached entry exists. */
  readonly rebuild?: boolean;
  /** Rebuild entries older than this; default env TACD_ROOTFS_MAX_AGE_DAYS or 30. */
  readonly maxAgeDays?: number;
  /** Progress lines for the slow build; default: written to stderr. */
  readonly onProgress?: (line: string) => void;
}

export interface Rootfs {
  /** The tree to use as overlay lower dir (or systemd-nspawn -D). */
  readonly path: string;
  /** Cache key (hex) of this variant. */
  readonly key: string;
  readonly suite: string;
  /** Every package requested (base + extra), sorted. */
  readonly packages: readonly string[];
  /** True when an existing cache entry was reused. */
  readonly cached: boolean;
  /** Wall time of this call in ms (lock wait + build, or just the cache lookup). */
  readonly elapsedMs: number;
  /** Wall time of the build that produced the entry, in ms. */
  readonly buildMs: number;
}

interface RootfsMeta {
  readonly recipe: number;
  readonly suite: string;
  readonly builder: RootfsBuilder;
  readonly packages: readonly string[];
  readonly debs: readonly string[];
  readonly sources: readonly string[];
  readonly builtAt: string;
  readonly buildMs: number;
}

/** The cache directory in effect (env TACD_ROOTFS_CACHE overrides the default). */
export function rootfsCacheDir(override?: string): string {
  return path.resolve(override ?? process.env.TACD_ROOTFS_CACHE ?? '/var/cache/tacd/rootfs');
}

function defaultProgress(line: string): void {
  process.stderr.write(`[tacd rootfs] ${line}\n`);
}

function sh1(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Fails with one clear line when this process cannot build or boot containers. */
export function requireRoot(what: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new TacError('tacd.verify.noperm', `${what} needs root (mount, chroot, systemd-nspawn); run as root`, {
      exitCode: ExitCode.NOPERM,
    });
  }
}

async function requireProgram(name: string, pkg: string, what: string): Promise<void> {
  if (!(await haveProgram(name))) {
    throw new TacError('tacd.verify.missing', `${what} needs '${name}' (Debian package ${pkg}); install it with apt-get install ${pkg}`, {
      exitCode: ExitCode.UNAVAILABLE,
    });
  }
}

// ---------------------------------------------------------------------------
// apt sources

/** One enabled "deb" source from apt's configuration. */
export interface AptSource {
  readonly uri: string;
  readonly suite: string;
  readonly components: readonly string[];
  readonly signedBy?: string;
  /** The file it came from. */
  readonly file: string;
}

function parseOneLine(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) continue;
    let rest = line.slice(3).trim();
    let signedBy: string | undefined;
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end < 0) continue;
      for (const opt of rest.slice(1, end).trim().split(/\s+/)) {
        const m = /^signed-by=(.*)$/.exec(opt);
        if (m) signedBy = m[1];
      }
      rest = rest.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = rest.split(/\s+/);
    if (!uri || !suite) continue;
    out.push({ uri, suite, components, file, ...(signedBy ? { signedBy } : {}) });
  }
  return out;
}

function parseDeb822(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  // Stanzas are separated by blank lines; comment lines are dropped first.
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  for (const stanza of lines.join('\n').split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!.trim());
    }
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    const signed = fields.get('signed-by');
    const signedBy = signed && !signed.includes('BEGIN PGP') ? signed.split(/\s+/)[0] : undefined;
    const components = (fields.get('components') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
      for (const suite of (fields.get('suites') ?? '').split(/\s+/).filter(Boolean)) {
        out.push({ uri, suite, components, file, ...(signedBy ? { signedBy } : {}) });
      }
    }
  }
  return out;
}

/** Every enabled "deb" line in /etc/apt/sources.list, sources.list.d/*.list and *.sources. */
export function readAptSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = path.join(etcApt, 'sources.list');
  if (existsSync(main)) out.push(...parseOneLine(readFileSync(main, 'utf8'), main));
  const dir = path.join(etcApt, 'sources.list.d');
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    names = [];
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (name.endsWith('.list')) out.push(...parseOneLine(readFileSync(file, 'utf8'), file));
      else if (name.endsWith('.sources')) out.push(...parseDeb822(readFileSync(file, 'utf8'), file));
    } catch {
      // unreadable: ignore, like apt would complain but we only need the Debian mirror
    }
  }
  return out;
}

/**
 * The Debian sources for `suite` as one-line entries ("deb URI SUITE COMPONENTS"),
 * taken from apt's configuration: suite, suite-updates and suite-security with
 * component main, signed by the Debian archive keyring (or not pinned to any
 * keyring). Third-party repositories (own keyrings, other components) are left
 * out, since the rootfs has only Debian's keyring. Env TACD_DEBIAN_MIRROR=URI
 * replaces the mirror for suite and suite-updates.
 */
export function debianSourceLines(suite: string, sources: readonly AptSource[] = readAptSources()): string[] {
  const wanted = new Set([suite, `${suite}-updates`, `${suite}-security`]);
  const override = process.env.TACD_DEBIAN_MIRROR;
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (uri: string, s: string, comps: readonly string[], signedBy?: string): void => {
    const opt = signedBy ? `[signed-by=${signedBy}] ` : '';
    const line = `deb ${opt}${uri} ${s} ${comps.join(' ')}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  };
  if (override) {
    add(override, suite, ['main']);
    add(override, `${suite}-updates`, ['main']);
  }
  for (const src of sources) {
    if (!wanted.has(src.suite) || !src.components.includes('main')) continue;
    if (src.signedBy && !/debian-archive/.test(path.basename(src.signedBy))) continue;
    if (override && src.suite !== `${suite}-security`) continue;
    // only keyrings that also exist inside the rootfs (debian-archive-keyring)
    const signedBy = src.signedBy?.startsWith('/usr/share/keyrings/') ? src.signedBy : undefined;
    const comps = src.components.filter((c) => ['main', 'contrib', 'non-free', 'non-free-firmware'].includes(c));
    add(src.uri, src.suite, comps, signedBy);
  }
  return lines;
}

// ---------------------------------------------------------------------------
// lock

/**
 * Runs `fn` while holding an exclusive flock(1) on `lockPath`. The lock is held
 * by a `flock` child whose stdin is our pipe: if this process dies, the pipe
 * closes and the lock is released, so a crash never leaves a stale lock.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, onWait?: (line: string) => void): Promise<T> {
  await requireProgram('flock', 'util-linux', 'locking the rootfs cache');
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  const { child: holder } = await spawnProgram('flock', ['--exclusive', lockPath, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    cleanup: true,
  });
  const waitNote = setTimeout(() => onWait?.(`waiting for lock ${lockPath} (another build is running)`), 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      let got = '';
      holder.stdout!.on('data', (chunk: Buffer) => {
        got += chunk.toString();
        if (got.includes('locked')) resolve();
      });
      holder.then(
        (r) => reject(new TacError('tacd.verify.lock', `could not take lock ${lockPath}: flock exited ${r.exitCode}`)),
        reject,
      );
    });
  } finally {
    clearTimeout(waitNote);
  }
  try {
    return await fn();
  } finally {
    holder.stdin!.end();
    await holder.catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------
// mount helpers (shared with container.ts)

/** Mount points currently in this mount namespace (from /proc/self/mountinfo). */
export function mountPoints(): Set<string> {
  const out = new Set<string>();
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (mp) out.add(mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

/** Unmounts `dir` if mounted (retrying, then lazily). Returns false if it is still mounted. */
export async function unmountIfMounted(dir: string): Promise<boolean> {
  const abs = path.resolve(dir);
  for (let i = 0; i < 5 && mountPoints().has(abs); i++) {
    await run('umount', [abs], { allowFailure: true });
    if (mountPoints().has(abs)) await new Promise((r) => setTimeout(r, 200));
  }
  if (mountPoints().has(abs)) await run('umount', ['--lazy', abs], { allowFailure: true });
  return !mountPoints().has(abs);
}

// ---------------------------------------------------------------------------
// build

async function chroot(root: string, script: string, timeoutMs = 600_000): Promise<void> {
  await run('chroot', [root, '/bin/sh', '-ec', script], {
    env: { PATH: CHROOT_PATH, LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive', HOME: '/root' },
    extendEnv: false,
    timeoutMs,
  });
}

/** Runs a builder, streaming its I:/W:/E: lines as progress and its whole output to `logFile`. */
async function runBuilder(file: string, args: readonly string[], logFile: string, progress: (l: string) => void): Promise<void> {
  const log = await fs.open(logFile, 'w');
  const t0 = Date.now();
  const { child } = await spawnProgram(file, args, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, all: false });
  const beat = setInterval(() => progress(`${file} still running (${Math.round((Date.now() - t0) / 1000)} s)`), 15_000);
  const onData = (chunk: Buffer): void => {
    void log.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (/^(I|W|E): /.test(line) && !/^I: (running|using|automatically|skipping)/.test(line)) progress(`${file}: ${line.slice(3)}`);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const r = await child;
  clearInterval(beat);
  await log.close();
  if (r.exitCode !== 0) {
    let tail = '';
    try {
      tail = (await fs.readFile(logFile, 'utf8')).trim().split('\n').slice(-3).join(' / ');
    } catch {
      tail = '';
    }
    throw new TacError('tacd.verify.rootfs', `${file} failed (exit ${r.exitCode ?? r.signal}); log ${logFile}: ${tail}`, {
      exitCode: ExitCode.UNAVAILABLE,
    });
  }
}

async function chooseBuilder(wanted: RootfsBuilder | undefined): Promise<RootfsBuilder> {
  if (wanted) {
    await requireProgram(wanted, wanted, 'building the test rootfs');
    return wanted;
  }
  if (await haveProgram('mmdebstrap')) return 'mmdebstrap';
  if (await haveProgram('debootstrap')) return 'debootstrap';
  throw new TacError('tacd.verify.missing', 'building the test rootfs needs mmdebstrap or debootstrap; install it with apt-get install mmdebstrap', {
    exitCode: ExitCode.UNAVAILABLE,
  });
}

function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

async function readMeta(entry: string): Promise<RootfsMeta | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(entry, 'meta.json'), 'utf8')) as RootfsMeta;
  } catch {
    return undefined;
  }
}

/**
 * Returns a cached rootfs for the options, building it first when missing.
 * Safe to call from parallel processes: builds are serialised by a lock and a
 * second caller reuses the first one's result.
 */
export async function ensureRootfs(options: RootfsOptions = {}): Promise<Rootfs> {
  const t0 = Date.now();
  const progress = options.onProgress ?? defaultProgress;
  const suite = options.suite ?? 'bookworm';
  const cacheDir = rootfsCacheDir(options.cacheDir);
  const packages = [...new Set([...BASE_PACKAGES, ...(options.extraPackages ?? [])])].sort();
  for (const p of packages) {
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(p)) {
      throw new TacError('tacd.verify.package', `'${p}' is not a Debian package name`, { exitCode: ExitCode.USAGE });
    }
  }
  const rebuild = options.rebuild ?? false;
  const envAge = Number(process.env.TACD_ROOTFS_MAX_AGE_DAYS);
  const maxAgeMs = (options.maxAgeDays ?? (process.env.TACD_ROOTFS_MAX_AGE_DAYS && Number.isFinite(envAge) ? envAge : 30)) * 86_400_000;
  // The builder is part of the key, but only resolve it (which needs the tools) on a miss.
  const nodeId = options.hostNode ? `node-${process.versions.node}` : null;
  const keyFor = (builder: RootfsBuilder): string =>
    cacheKey({ recipe: RECIPE_VERSION, suite, builder, packages, node: nodeId, ...(packages.includes('rpm') ? { rpm: RPM_RECIPE_VERSION } : {}) });

  const lookup = async (): Promise<Rootfs | undefined> => {
    for (const builder of [options.builder ?? 'mmdebstrap', 'debootstrap'] as const) {
      if (options.builder && builder !== options.builder) continue;
      const key = keyFor(builder);
      const entry = (await generations(cacheDir, suite, key)).at(-1);
      const meta = entry ? await readMeta(entry) : undefined;
      if (entry && meta && existsSync(path.join(entry, 'root', 'sbin', 'init')) && Date.now() - Date.parse(meta.builtAt) <= maxAgeMs) {
        // meta.json's mtime records the last use; unused variants are pruned after UNUSED_DAYS
        const now = new Date();
        await fs.utimes(path.join(entry, 'meta.json'), now, now).catch(() => undefined);
        return { path: path.join(entry, 'root'), key, suite, packages, cached: true, elapsedMs: Date.now() - t0, buildMs: meta.buildMs };
      }
    }
    return undefined;
  };

  if (!rebuild) {
    const hit = await lookup();
    if (hit) return hit;
  }
  requireRoot('building the test rootfs');
  for (const [prog, pkg] of [['mount', 'mount'], ['umount', 'mount'], ['chroot', 'coreutils'], ['cp', 'coreutils']] as const) {
    await requireProgram(prog, pkg, 'building the test rootfs');
  }
  await fs.mkdir(cacheDir, { recursive: true });
  return withFileLock(
    path.join(cacheDir, '.lock'),
    async () => {
      if (!rebuild) {
        const hit = await lookup(); // another process may have built it while we waited
        if (hit) return { ...hit, elapsedMs: Date.now() - t0 };
      }
      const builder = await chooseBuilder(options.builder);
      const key = keyFor(builder);
      const debs = options.hostNode ? [(await hostNodeDeb({ cacheDir, onProgress: progress })).path] : [];
      await removeLeftovers(cacheDir);
      const { entry, buildMs } = await build({ cacheDir, suite, builder, key, packages, debs, progress });
      await pruneGenerations(cacheDir, suite, key, entry, progress);
      return {
        path: path.join(entry, 'root'),
        key,
        suite,
        packages,
        cached: false,
        elapsedMs: Date.now() - t0,
        buildMs,
      };
    },
    progress,
  );
}

interface BuildPlan {
  readonly cacheDir: string;
  readonly suite: string;
  readonly builder: RootfsBuilder;
  readonly key: string;
  readonly packages: readonly string[];
  readonly debs: readonly string[];
  readonly progress: (line: string) => void;
}

/** UTC build time as a sortable directory suffix. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Complete-or-not generation dirs of one key, oldest first. */
async function generations(cacheDir: string, suite: string, key: string): Promise<string[]> {
  const re = new RegExp(`^${suite.replace(/[^a-z0-9]/g, '\\$&')}-${key}\\.\\d{8}T\\d{6}Z$`);
  const names = await fs.readdir(cacheDir).catch(() => [] as string[]);
  return names.filter((n) => re.test(n)).sort().map((n) => path.join(cacheDir, n));
}

/** True when some overlay mount (a running container) uses `tree` as a lower dir. */
function usedByMount(tree: string): boolean {
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return true;
  }
  return text.split('\n').some((l) => l.includes(`lowerdir=${tree}`) || l.includes(`lowerdir=${tree}:`));
}

async function pruneGenerations(cacheDir: string, suite: string, key: string, keep: string, progress: (l: string) => void): Promise<void> {
  for (const old of await generations(cacheDir, suite, key)) {
    if (old === keep || usedByMount(path.join(old, 'root'))) continue;
    progress(`removing old generation ${path.basename(old)}`);
    await fs.rm(old, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Variants (any key) not used for this many days are removed before the next build. */
const UNUSED_DAYS = 14;

/**
 * Scratch mounts and half-copied stages of builds that crashed (we hold the
 * lock, so none is running), and entries unused for UNUSED_DAYS (no mount uses them).
 */
/** Removes stale scratch dirs and variants unused for 14 days from the cache (takes the build lock). */
export async function pruneRootfsCache(cacheDir?: string): Promise<void> {
  const dir = rootfsCacheDir(cacheDir);
  if (!existsSync(dir)) return;
  await withFileLock(path.join(dir, '.lock'), () => removeLeftovers(dir));
}

async function removeLeftovers(cacheDir: string): Promise<void> {
  for (const name of await fs.readdir(cacheDir).catch(() => [] as string[])) {
    const p = path.join(cacheDir, name);
    if (/^[a-z0-9-]+-[0-9a-f]{16}\.\d{8}T\d{6}Z$/.test(name)) {
      const st = await fs.stat(path.join(p, 'meta.json')).catch(() => undefined);
      const unused = !st || Date.now() - st.mtimeMs > UNUSED_DAYS * 86_400_000;
      if (unused && !usedByMount(path.join(p, 'root'))) {
        await fs.rm(p, { recursive: true, force: true }).catch(() => undefined);
      }
    } else if (name.startsWith('.build-')) {
      if (await unmountIfMounted(p)) await fs.rm(p, { recursive: true, force: true }).catch(() => undefined);
    } else if (/\.new-\d+$/.test(name)) {
      await fs.rm(p, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  // build logs of variants that no longer exist
  const left = await fs.readdir(cacheDir).catch(() => [] as string[]);
  for (const log of left.filter((n) => n.endsWith('.log'))) {
    const prefix = `${log.slice(0, -'.log'.length)}.`;
    if (!left.some((n) => n.startsWith(prefix) && !n.endsWith('.log') && !n.includes('.new-'))) await fs.rm(path.join(cacheDir, log), { force: true }).catch(() => undefined);
  }
}

async function build(plan: BuildPlan): Promise<{ entry: string; buildMs: number }> {
  const { cacheDir, suite, builder, key, packages, debs, progress } = plan;
  const t0 = Date.now();
  const entry = path.join(cacheDir, `${suite}-${key}.${stamp(new Date())}`);
  const logFile = path.join(cacheDir, `${suite}-${key}.log`);
  const sources = debianSourceLines(suite);
  // Build on a tmpfs: dpkg's fsync()s cost nothing and the scratch tree vanishes
  // with one umount (deleting ~10k files on ext4 with "discard" takes seconds).
  const scratch = await fs.mkdtemp(path.join(cacheDir, `.build-${key}-`));
  const stage = `${entry}.new-${process.pid}`;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4G,mode=0755', 'tacd-rootfs-build', scratch]);
    // The rootfs "/" must be 0755, or dbus-daemon (user messagebus) cannot read
    // its configuration and systemd never finishes booting.
    await fs.chmod(scratch, 0o755);
    progress(
      `building ${suite} rootfs with ${builder} (minbase + ${packages.join(',')}${debs.length ? ` + ${debs.map((d) => path.basename(d)).join(',')}` : ''}) ` +
        `from ${sources.length ? sources.map((s) => s.replace(/^deb (\[[^\]]*\] )?/, '')).join('; ') : `${builder}'s default mirror (no Debian source in /etc/apt)`}; log ${logFile}`,
    );
    if (builder === 'mmdebstrap') {
      await runBuilder(
        'mmdebstrap',
        [
          '--mode=root',
          '--variant=minbase',
          `--include=${packages.join(',')}`,
          // keep apt's lists so `apt-get install ./x.deb` resolves dependencies inside
          '--skip=cleanup/apt/lists',
          // local .debs: copied in and installed with apt (which fetches their dependencies)
          ...debs.flatMap((deb) => {
            const inside = `/tmp/${path.basename(deb)}`;
            return [
              `--customize-hook=copy-in ${deb} /tmp`,
              `--customize-hook=chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${sh1(inside)}`,
              `--customize-hook=rm -f "$1"${sh1(inside)}`,
            ];
          }),
          suite,
          scratch,
          ...sources,
        ],
        logFile,
        progress,
      );
    } else {
      const main = sources.find((s) => s.split(/\s+/).includes(suite));
      const mirror = main?.replace(/^deb (\[[^\]]*\] )?/, '').split(/\s+/)[0];
      await runBuilder(
        'debootstrap',
        ['--variant=minbase', `--include=${packages.join(',')}`, suite, scratch, ...(mirror ? [mirror] : [])],
        logFile,
        progress,
      );
      if (sources.length) await fs.writeFile(path.join(scratch, 'etc/apt/sources.list'), `${sources.join('\n')}\n`);
      await fs.copyFile('/etc/resolv.conf', path.join(scratch, 'etc/resolv.conf')).catch(() => undefined);
      await run('mount', ['-t', 'proc', 'proc', path.join(scratch, 'proc')]);
      try {
        progress('apt-get update inside the rootfs');
        await chroot(scratch, 'apt-get update -q >/dev/null');
        for (const deb of debs) {
          progress(`installing ${path.basename(deb)} inside the rootfs`);
          await fs.copyFile(deb, path.join(scratch, 'tmp', path.basename(deb)));
          await chroot(scratch, `apt-get install -y -q --no-install-recommends ${sh1(`/tmp/${path.basename(deb)}`)} >/dev/null; rm -f ${sh1(`/tmp/${path.basename(deb)}`)}`);
        }
      } finally {
        await unmountIfMounted(path.join(scratch, 'proc'));
      }
    }
    progress(`${builder} took ${((Date.now() - t0) / 1000).toFixed(1)} s; configuring the image`);
    await configureImage(scratch);

    const tCopy = Date.now();
    await fs.rm(stage, { recursive: true, force: true });
    await fs.mkdir(stage, { recursive: true });
    await run('cp', ['-a', `${scratch}/.`, path.join(stage, 'root')]);
    await fs.chmod(path.join(stage, 'root'), 0o755);
    progress(`copied into the cache in ${((Date.now() - tCopy) / 1000).toFixed(1)} s`);
    const buildMs = Date.now() - t0;
    const meta: RootfsMeta = {
      recipe: RECIPE_VERSION,
      suite,
      builder,
      packages,
      debs: debs.map((d) => path.basename(d)),
      sources,
      builtAt: new Date().toISOString(),
      buildMs,
    };
    await fs.writeFile(path.join(stage, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    await fs.rename(stage, entry);
    progress(`rootfs ready: ${path.join(entry, 'root')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return { entry, buildMs };
  } finally {
    await unmountIfMounted(scratch);
    await fs.rmdir(scratch).catch(() => undefined);
    await fs.rm(stage, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Image set-up shared by both builders. */
async function configureImage(root: string): Promise<void> {
  await fs.writeFile(path.join(root, 'etc/hostname'), 'tacd\n');
  // Empty machine-id: systemd-nspawn hands the container an id at each boot.
  await fs.writeFile(path.join(root, 'etc/machine-id'), '');
  await fs.rm(path.join(root, 'var/lib/dbus/machine-id'), { force: true });
  // A policy-rc.d that exits 101 makes deb-systemd-invoke skip starting services.
  await fs.rm(path.join(root, 'usr/sbin/policy-rc.d'), { force: true });
  await fs.mkdir(path.join(root, 'etc/apt/apt.conf.d'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/apt/apt.conf.d/99tacd-norecommends'), 'APT::Install-Recommends "false";\n');
  const sysdir = path.join(root, 'etc/systemd/system');
  await fs.mkdir(sysdir, { recursive: true });
  for (const u of MASKED_UNITS) {
    await fs.rm(path.join(sysdir, u), { force: true });
    await fs.symlink('/dev/null', path.join(sysdir, u));
  }
  // Debian's rpm keeps its database in ~/.rpmdb; make it behave like an RPM
  // distribution (/var/lib/rpm), so rpm -qa, scriptlets and tests agree.
  if (existsSync(path.join(root, 'usr/bin/rpm'))) {
    await fs.mkdir(path.join(root, 'etc/rpm'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/rpm/macros.tacd'), '%_dbpath /var/lib/rpm\n');
    await chroot(root, 'mkdir -p /var/lib/rpm && rpm --initdb');
  }
  await chroot(root, 'apt-get clean');
}

// ---------------------------------------------------------------------------
// the host's Node as a .deb

export interface NodeDeb {
  /** The .deb file (in the cache). */
  readonly path: string;
  /** Its Debian version (>= 20 when the host runs Node 20). */
  readonly version: string;
  /** 'apt-archive': the host's original .deb; 'dpkg-repack': repacked; 'synthesized': built from process.execPath. */
  readonly source: 'apt-archive' | 'dpkg-repack' | 'synthesized';
}

export interface NodeDebOptions {
  readonly cacheDir?: string;
  /**
   * 'auto' (default): the host package's original .deb from apt's archive cache
   * when present, else a synthesized package. 'repack': dpkg-repack the host's
   * package (needs dpkg-repack; its dependencies, e.g. python3 for NodeSource,
   * then come from the mirror). 'synthesize': always synthesize.
   */
  readonly method?: 'auto' | 'repack' | 'synthesize';
  readonly onProgress?: (line: string) => void;
}

async function debArch(): Promise<string> {
  return (await run('dpkg', ['--print-architecture'])).stdout.trim();
}

/**
 * A .deb named `nodejs` that installs the Node running this process (Debian
 * bookworm's own nodejs is 18, too old for `Depends: nodejs (>= 20)`). Built
 * once per node version into <cache>/debs/ and reused.
 *
 * The synthesized package holds only /usr/bin/node (a copy of process.execPath,
 * which links only libc, libstdc++ and libgcc_s), version `<node>-0tacd1`,
 * depending on libc6, libgcc-s1 and libstdc++6 (all in minbase), so it installs
 * offline with `dpkg -i`. It has no npm, which tacd packages do not need.
 */
export async function hostNodeDeb(options: NodeDebOptions = {}): Promise<NodeDeb> {
  const dir = path.join(rootfsCacheDir(options.cacheDir), 'debs');
  return withFileLock(path.join(dir, '.lock'), () => hostNodeDebLocked(dir, options), options.onProgress ?? defaultProgress);
}

async function hostNodeDebLocked(dir: string, options: NodeDebOptions): Promise<NodeDeb> {
  const progress = options.onProgress ?? defaultProgress;
  const method = options.method ?? 'auto';
  const arch = await debArch();
  const nodeBin = await fs.realpath(process.execPath);
  const nodeVersion = process.versions.node;

  // The dpkg package (if any) that owns the running node.
  let owner: { name: string; version: string } | undefined;
  const s = await run('dpkg-query', ['-S', nodeBin], { allowFailure: true });
  if (s.exitCode === 0) {
    const name = s.stdout.split(':')[0]!.trim();
    const v = await run('dpkg-query', ['-W', '-f=${Version}', name], { allowFailure: true });
    if (v.exitCode === 0 && v.stdout.trim()) owner = { name, version: v.stdout.trim() };
  }

  if (method !== 'synthesize' && owner) {
    const fileVersion = owner.version.replace(/:/g, '%3a');
    const cached = path.join(dir, `${owner.name}_${fileVersion}_${arch}.deb`);
    if (existsSync(cached)) return { path: cached, version: owner.version, source: method === 'repack' ? 'dpkg-repack' : 'apt-archive' };
    if (method === 'auto') {
      for (const a of [arch, 'all']) {
        const orig = path.join('/var/cache/apt/archives', `${owner.name}_${fileVersion}_${a}.deb`);
        if (existsSync(orig)) {
          await fs.copyFile(orig, `${cached}.tmp`);
          await fs.rename(`${cached}.tmp`, cached);
          return { path: cached, version: owner.version, source: 'apt-archive' };
        }
      }
    } else {
      await requireProgram('dpkg-repack', 'dpkg-repack', 'repacking the host nodejs package');
      const work = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-repack-'));
      try {
        progress(`dpkg-repack ${owner.name} ${owner.version} (host Node ${nodeVersion})`);
        await run('dpkg-repack', ['--deb-option=-Zgzip', '--deb-option=-z1', owner.name], { cwd: work, timeoutMs: 600_000 });
        const made = (await fs.readdir(work)).find((f) => f.endsWith('.deb'));
        if (!made) throw new TacError('tacd.verify.repack', `dpkg-repack ${owner.name} produced no .deb`);
        await fs.copyFile(path.join(work, made), `${cached}.tmp`);
        await fs.rename(`${cached}.tmp`, cached);
        return { path: cached, version: owner.version, source: 'dpkg-repack' };
      } finally {
        await fs.rm(work, { recursive: true, force: true });
      }
    }
  } else if (method === 'repack') {
    throw new TacError('tacd.verify.repack', `the running node (${nodeBin}) belongs to no dpkg package, so it cannot be repacked; use method 'synthesize'`, {
      exitCode: ExitCode.UNAVAILABLE,
    });
  }

  const version = `${nodeVersion}-0tacd1`;
  const out = path.join(dir, `nodejs_${version}_${arch}.deb`);
  if (existsSync(out)) return { path: out, version, source: 'synthesized' };
  // Only a self-contained node (NodeSource, nodejs.org, setup-node builds) can be
  // copied alone; Debian's own links libnode.so and friends.
  const ldd = await run('ldd', [nodeBin], { allowFailure: true });
  const libs = [...ldd.stdout.matchAll(/^\s*(\S+\.so[^\s]*)/gm)].map((m) => m[1]!);
  const foreign = libs.filter((l) => !/^(linux-vdso|linux-gate|ld-linux|libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s)[.-]/.test(path.basename(l)));
  if (ldd.exitCode === 0 && foreign.length > 0) {
    throw new TacError(
      'tacd.verify.node',
      `the running node (${nodeBin}) needs ${foreign.join(', ')}, so it cannot be packaged alone; use hostNodeDeb({ method: 'repack' }) (apt-get install dpkg-repack)`,
      { exitCode: ExitCode.UNAVAILABLE },
    );
  }
  progress(`packaging the host's node ${nodeVersion} (${nodeBin}) as nodejs_${version}_${arch}.deb`);
  const tree = await fs.mkdtemp(path.join(os.tmpdir(), 'tacd-nodedeb-'));
  try {
    await fs.mkdir(path.join(tree, 'DEBIAN'), { recursive: true, mode: 0o755 });
    await fs.mkdir(path.join(tree, 'usr/bin'), { recursive: true, mode: 0o755 });
    await fs.chmod(tree, 0o755);
    await fs.copyFile(nodeBin, path.join(tree, 'usr/bin/node'));
    await fs.chmod(path.join(tree, 'usr/bin/node'), 0o755);
    const sizeKb = Math.ceil((await fs.stat(nodeBin)).size / 1024);
    await fs.writeFile(
      path.join(tree, 'DEBIAN/control'),
      [
        'Package: nodejs',
        `Version: ${version}`,
        `Architecture: ${arch}`,
        'Maintainer: tacd test harness <tacd@example.org>',
        `Installed-Size: ${sizeKb}`,
        'Depends: libc6, libgcc-s1, libstdc++6',
        'Section: javascript',
        'Priority: optional',
        `Description: Node.js ${nodeVersion} copied from the build host (tacd tests)`,
        ' Only /usr/bin/node, for testing packages that depend on nodejs (>= 20).',
        '',
      ].join('\n'),
    );
    await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', tree, `${out}.tmp`]);
    await fs.rename(`${out}.tmp`, out);
    return { path: out, version, source: 'synthesized' };
  } finally {
    await fs.rm(tree, { recursive: true, force: true });
  }
}
