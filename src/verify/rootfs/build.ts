/**
 * One build of a cache entry: bootstrap on a tmpfs scratch dir, set the image
 * up, copy it into a stage dir next to the entry, write meta.json, and rename
 * the stage into place (so an entry is complete or absent). The caller holds
 * the cache lock.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../../core/exec.js';
import { unmountIfMounted } from '../mounts.js';
import { debianSourceLines } from './apt-sources.js';
import { bootstrap } from './builder.js';
import { logFileOf, RECIPE_VERSION, stamp, type RootfsBuilder, type RootfsMeta } from './cache.js';
import { configureImage } from './image.js';

export interface BuildPlan {
  readonly cacheDir: string;
  readonly suite: string;
  /** A foreign architecture, if any. */
  readonly arch?: string;
  readonly builder: RootfsBuilder;
  readonly key: string;
  readonly packages: readonly string[];
  readonly debs: readonly string[];
  readonly progress: (line: string) => void;
}

const secs = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** The "building ..." progress line: what goes in, from which mirror, where the log is. */
export function buildBanner(plan: Omit<BuildPlan, 'cacheDir' | 'key' | 'progress'>, sources: readonly string[], logFile: string): string {
  const { suite, builder, packages, debs } = plan;
  const extra = debs.length ? ` + ${debs.map((d) => path.basename(d)).join(',')}` : '';
  const from = sources.length ? sources.map((s) => s.replace(/^deb (\[[^\]]*\] )?/, '')).join('; ') : `${builder}'s default mirror (no Debian source in /etc/apt)`;
  return `building ${suite}${plan.arch !== undefined ? ` ${plan.arch}` : ''} rootfs with ${builder} (minbase + ${packages.join(',')}${extra}) from ${from}; log ${logFile}`;
}

/**
 * Mounts the tmpfs to build on: dpkg's fsync()s cost nothing and the scratch
 * tree vanishes with one umount (deleting ~10k files on ext4 with "discard" takes seconds).
 */
async function mountScratch(scratch: string): Promise<void> {
  await run('mount', ['-t', 'tmpfs', '-o', 'size=4G,mode=0755', 'tacd-rootfs-build', scratch]);
  // The rootfs "/" must be 0755, or dbus-daemon (user messagebus) cannot read
  // its configuration and systemd never finishes booting.
  await fs.chmod(scratch, 0o755);
}

/** Copies the finished tree to <stage>/root (mode 0755). */
async function copyToStage(scratch: string, stage: string, progress: (l: string) => void): Promise<void> {
  const t0 = Date.now();
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdir(stage, { recursive: true });
  await run('cp', ['-a', `${scratch}/.`, path.join(stage, 'root')]);
  await fs.chmod(path.join(stage, 'root'), 0o755);
  progress(`copied into the cache in ${secs(t0)}`);
}

function metaOf(plan: BuildPlan, sources: readonly string[], buildMs: number): RootfsMeta {
  const { suite, builder, packages, debs } = plan;
  return { recipe: RECIPE_VERSION, suite, builder, packages, debs: debs.map((d) => path.basename(d)), sources, builtAt: new Date().toISOString(), buildMs };
}

/** Bootstraps and configures the image in `scratch`, then stages it as `entry`. */
async function buildInto(plan: BuildPlan, scratch: string, stage: string, entry: string, t0: number): Promise<number> {
  const logFile = logFileOf(plan.cacheDir, plan.suite, plan.key);
  const sources = debianSourceLines(plan.suite);
  plan.progress(buildBanner(plan, sources, logFile));
  await bootstrap(plan.builder, { ...plan, target: scratch, sources, logFile });
  plan.progress(`${plan.builder} took ${secs(t0)}; configuring the image`);
  await configureImage(scratch);
  await copyToStage(scratch, stage, plan.progress);
  const buildMs = Date.now() - t0;
  await fs.writeFile(path.join(stage, 'meta.json'), `${JSON.stringify(metaOf(plan, sources, buildMs), null, 2)}\n`);
  await fs.rename(stage, entry);
  plan.progress(`rootfs ready: ${path.join(entry, 'root')} (${secs(t0)})`);
  return buildMs;
}

/** Builds a new generation of plan.key; resolves with its directory and build time. */
export async function build(plan: BuildPlan): Promise<{ entry: string; buildMs: number }> {
  const t0 = Date.now();
  const entry = path.join(plan.cacheDir, `${plan.suite}-${plan.key}.${stamp(new Date())}`);
  const stage = `${entry}.new-${process.pid}`;
  const scratch = await fs.mkdtemp(path.join(plan.cacheDir, `.build-${plan.key}-`));
  try {
    await mountScratch(scratch);
    return { entry, buildMs: await buildInto(plan, scratch, stage, entry, t0) };
  } finally {
    await unmountIfMounted(scratch);
    await fs.rmdir(scratch).catch(() => undefined);
    await fs.rm(stage, { recursive: true, force: true }).catch(() => undefined);
  }
}
