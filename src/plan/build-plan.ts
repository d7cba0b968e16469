/**
 * Turns a PackageSpec into a PackagePlan for one family: bundles the app,
 * renders every template, and lays the files out where Debian or RPM
 * policy wants them. The only side effects are reading the node binary and
 * running the bundler, both passed in as `deps`.
 */
import { gzipSync, constants as zc } from 'node:zlib';
import { DataError } from '../core/errors.js';
import type { FileData, PackageMeta, PackagePlan, PayloadEntry, Relation, Relations, Scripts } from '../formats/plan.js';
import type { BundleInput, BundledFile, BundleOptions, BundleResult } from '../bundle/bundle.js';
import { hostDebianArch } from '../bundle/native.js';
import type { AddonRecord } from '../bundle/unbundled.js';
import { elfDebianArch, elfDynamicOf, rpmElfRequires, type ElfDynamic } from '../bundle/elf.js';
import type { Family } from '../render/locals.js';
import type { RenderFn } from '../render/render.js';
import { licenseText } from '../render/licenses.js';
import { UsageError } from '../core/errors.js';
import { parsePluginOptions } from '../application/service-maker.js';
import { loadPluginMaker } from '../plugins/registry.js';
import { APP_FILES_DIR } from '../bundle/run-files.js';
import { appDir, serviceLocals } from './service-locals.js';
import type { AppSource, PackageSpec } from './spec.js';
import { checkShippedElf } from './elf-check.js';

/** The host capabilities buildPlan uses. */
export interface PlanDeps {
  readonly render: RenderFn;
  readonly bundle: (input: BundleInput, name: string, render: RenderFn, options?: BundleOptions) => Promise<BundleResult>;
  /** Reads a node binary: its Debian arch and dynamic dependencies (from ELF) and its content. */
  readonly readNode: (file: string) => { readonly arch: string; readonly data: FileData; readonly dynamic: ElfDynamic };
  /** Seconds since the epoch for every mtime (SOURCE_DATE_EPOCH). */
  readonly mtime: number;
}

/** The result: the plan plus facts for the --json report. */
export interface BuiltPlan {
  readonly plan: PackagePlan;
  readonly archiveSha256: string;
  /** The dependencies' native addons shipped unbundled (for the report). */
  readonly addons: readonly AddonRecord[];
  /** The packages shipped unbundled and the app's run-time files (for the report). */
  readonly external: readonly string[];
  readonly runFiles: readonly string[];
  /** The files under /usr/lib/NAME, relative to it (for the load check). */
  readonly appFiles: readonly BundledFile[];
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** gzip -9n: no file name, mtime 0 (lintian package-contains-timestamped-gzip). */
export function gzipNoName(data: Uint8Array): Uint8Array {
  return gzipSync(data, { level: 9, strategy: zc.Z_DEFAULT_STRATEGY });
}

/** RFC 2822 date in UTC, as Debian changelogs write it. */
export function rfc2822(seconds: number): string {
  return new Date(seconds * 1000).toUTCString().replace(/GMT$/, '+0000');
}

/** A native addon of the bundle (app.asar.unpacked/.../*.node): its installed path and Debian arch (from ELF). */
interface Addon {
  readonly path: string;
  readonly arch: string;
  readonly file: BundledFile;
}

function addons(name: string, files: readonly BundledFile[]): Addon[] {
  return files
    .filter((f) => f.rel.endsWith('.node'))
    .map((f) => {
      const path = `${appDir(name)}/${f.rel}`;
      return { path, arch: elfDebianArch(f.data, path, true), file: f };
    });
}

/**
 * The package architecture: the bundled node's, else the native addons', else
 * --arch or 'all'. Node and addons must agree with each other and with an
 * explicit --arch. @throws DataError naming the files.
 */
function resolveArch(spec: PackageSpec, nodeArch: string | undefined, native: readonly Addon[]): string {
  const archs = [...new Set(native.map((a) => a.arch))];
  if (archs.length > 1) {
    throw new DataError('tacd.addon.arch', `native addons for different architectures: ${native.map((a) => `${a.path} is ${a.arch}`).join(', ')}`, { field: 'addon' });
  }
  const addonArch = archs[0];
  const addonFiles = native.map((a) => a.path).join(', ');
  if (nodeArch !== undefined && addonArch !== undefined && addonArch !== nodeArch) {
    throw new DataError('tacd.addon.arch', `native addon ${addonFiles} is ${addonArch} but the node binary ${spec.node} is ${nodeArch}`, { field: 'addon' });
  }
  if (spec.arch !== undefined && nodeArch !== undefined && spec.arch !== nodeArch) {
    throw new DataError('tacd.spec.arch', `--arch ${spec.arch} does not match the node binary ${spec.node}, which is ${nodeArch}`, { field: 'arch' });
  }
  if (spec.arch !== undefined && addonArch !== undefined && spec.arch !== addonArch) {
    throw new DataError('tacd.spec.arch', `--arch ${spec.arch} does not match the native addon ${addonFiles}, which is ${addonArch}`, { field: 'arch' });
  }
  return nodeArch ?? addonArch ?? spec.arch ?? 'all';
}

/** A shared library shipped with the app (a sibling package's lib/libx.so.1, found through an addon's $ORIGIN rpath). */
function sharedLibraries(name: string, files: readonly BundledFile[]): { readonly path: string; readonly file: BundledFile }[] {
  return files.filter((f) => /\.so(\.\d+)*$/.test(f.rel) && f.data[0] === 0x7f && f.data[1] === 0x45).map((f) => ({ path: `${appDir(name)}/${f.rel}`, file: f }));
}

/**
 * RPM: the soname requires rpmbuild would generate for the ELF files shipped
 * (elfdeps --requires on the bundled node, mode 0755, on the native addons
 * and on the shared libraries shipped beside them), e.g.
 * libc.so.6(GLIBC_2.28)(64bit). A soname the package ships itself (a
 * library's DT_SONAME, loaded through the addon's $ORIGIN rpath) is not
 * required: nothing else on the system provides it. It is not declared as
 * Provides either (rpmbuild would, from elfdeps --provides): the library is
 * private to the app and must not satisfy other packages' requires. Written
 * as plain Requires, so the .src.rpm (AutoReqProv: no) rebuilds with the same list.
 */
function rpmSonameRequires(node: ElfDynamic | undefined, native: readonly Addon[], libs: readonly { path: string; file: BundledFile }[]): Relation[] {
  const elfs = [...native, ...libs].map((a) => ({ d: elfDynamicOf(a.file.data, a.path, 'addon'), executable: (a.file.mode & 0o111) !== 0 }));
  const shipped = new Set(elfs.map((e) => e.d.soname).filter((s): s is string => s !== undefined));
  const own = (d: ElfDynamic): ElfDynamic => ({ ...d, needs: d.needs.filter((n) => !shipped.has(n.soname)) });
  const names = node ? rpmElfRequires(node, true) : [];
  for (const e of elfs) names.push(...rpmElfRequires(own(e.d), e.executable));
  return [...new Set(names)].map((name) => ({ name }));
}

function dependencies(spec: PackageSpec, family: Family, sonames: readonly Relation[]): Relation[] {
  const base: Relation[] = [];
  if (spec.runtime === 'system') base.push({ name: 'nodejs', op: '>=', version: '20' });
  // adduser for the account; init-system-helpers for deb-systemd-helper/-invoke, update-rc.d, invoke-rc.d.
  if (family === 'deb') base.push({ name: 'adduser' }, { name: 'init-system-helpers', op: '>=', version: '1.54~' });
  // The shared libraries an official (or NodeSource) node 20 build links against.
  if (family === 'deb' && spec.runtime === 'bundled') {
    base.push({ name: 'libc6', op: '>=', version: '2.28' }, { name: 'libgcc-s1', op: '>=', version: '3.0' }, { name: 'libstdc++6', op: '>=', version: '5' });
  }
  if (family === 'rpm') base.push(...sonames);
  return [...base, ...spec.relations.depends];
}

/**
 * RPM: what the rendered scriptlets run, declared per phase as Fedora does
 * (`Requires(pre): shadow-utils` for getent/groupadd/useradd, %systemd_requires
 * for systemctl and systemd-update-helper). Only for the scriptlets shipped.
 */
function rpmScriptRequires(script: Scripts): Pick<Relations, 'preDepends' | 'requiresPost' | 'requiresPreun' | 'requiresPostun'> {
  const systemd: Relation[] = [{ name: 'systemd' }];
  return {
    ...(script.preinst !== undefined ? { preDepends: [{ name: 'shadow-utils' }] } : {}),
    ...(script.postinst !== undefined ? { requiresPost: systemd } : {}),
    ...(script.prerm !== undefined ? { requiresPreun: systemd } : {}),
    ...(script.postrm !== undefined ? { requiresPostun: systemd } : {}),
  };
}

function meta(spec: PackageSpec, family: Family, arch: string, mtime: number, script: Scripts, sonames: readonly Relation[]): PackageMeta {
  const r = spec.relations;
  const relations: Relations = {
    depends: dependencies(spec, family, sonames),
    recommends: r.recommends,
    suggests: r.suggests,
    conflicts: r.conflicts,
    replaces: r.replaces,
    provides: r.provides,
    ...(family === 'rpm' ? rpmScriptRequires(script) : {}),
  };
  return {
    name: spec.name,
    version: spec.version,
    release: spec.release,
    arch,
    maintainer: spec.maintainer,
    summary: spec.summary,
    description: spec.description,
    license: spec.license,
    ...(spec.homepage !== undefined ? { homepage: spec.homepage } : {}),
    section: spec.section,
    priority: 'optional',
    relations,
    changelog: [{ time: mtime, author: spec.maintainer, version: fullVersion(spec), changes: [changeLine(spec)] }],
    mtime,
    buildHost: 'localhost',
  };
}

/** VERSION-RELEASE, or VERSION alone for a Debian native package (empty release). */
function fullVersion(spec: PackageSpec): string {
  return spec.release === '' ? spec.version : `${spec.version}-${spec.release}`;
}

function changeLine(spec: PackageSpec): string {
  return spec.source.kind === 'plugin'
    ? `Packaged the tacd '${spec.source.plugin}' plugin with ts2deb/ts2rpm.`
    : `Packaged ${spec.source.file.split('/').pop()} with ts2deb/ts2rpm.`;
}

function file(path: string, data: FileData, mode = 0o644, extra: Partial<Pick<PayloadEntry & { kind: 'file' }, 'config' | 'doc' | 'license'>> = {}): PayloadEntry {
  return { kind: 'file', path, mode, data, ...extra };
}

function docs(spec: PackageSpec, family: Family, render: RenderFn, mtime: number): PayloadEntry[] {
  const n = spec.name;
  const year = new Date(mtime * 1000).getUTCFullYear();
  const copyright = render('copyright', {
    name: n,
    source: spec.homepage,
    holders: [`${year} ${spec.maintainer}`],
    license: spec.license,
    licenseText: licenseText(spec.license),
    packagingHolders: [`${year} ${spec.maintainer}`],
  });
  const readme = text(render('README.Debian', { ...serviceLocals(spec, family), maintainer: spec.maintainer }));
  if (family === 'rpm') {
    return [
      { kind: 'dir', path: `/usr/share/doc/${n}`, mode: 0o755, owned: true },
      file(`/usr/share/doc/${n}/README`, readme, 0o644, { doc: true }),
      { kind: 'dir', path: `/usr/share/licenses/${n}`, mode: 0o755, owned: true },
      file(`/usr/share/licenses/${n}/copyright`, text(copyright), 0o644, { license: true }),
    ];
  }
  const out: PayloadEntry[] = [
    { kind: 'dir', path: `/usr/share/doc/${n}`, mode: 0o755, owned: true },
    file(`/usr/share/doc/${n}/copyright`, text(copyright)),
  ];
  if (family === 'deb') {
    const changelog = render('changelog', {
      name: n,
      entries: [{ version: fullVersion(spec), distribution: 'unstable', urgency: 'medium', changes: [changeLine(spec)], author: spec.maintainer, date: rfc2822(mtime) }],
    });
    // Policy 12.7: a native package (no revision) ships changelog.gz, otherwise changelog.Debian.gz.
    const changelogName = spec.release === '' ? 'changelog.gz' : 'changelog.Debian.gz';
    out.push(file(`/usr/share/doc/${n}/${changelogName}`, gzipNoName(text(changelog))));
    out.push(file(`/usr/share/doc/${n}/README.Debian`, readme));
    out.push(file(`/usr/share/lintian/overrides/${n}`, text(render('lintian-overrides', { ...serviceLocals(spec, family), native: spec.release === '' }))));
  }
  return out;
}

/**
 * True when a rendered script has commands beyond the shebang, comments,
 * `set -e` and `exit 0` (lintian maintainer-script-empty: such a script is not shipped).
 */
export function scriptHasCode(script: string): boolean {
  return script
    .split('\n')
    .map((l) => l.trim())
    .some((l) => l !== '' && !l.startsWith('#') && l !== 'set -e' && l !== 'exit 0');
}

function scripts(spec: PackageSpec, family: Family, render: RenderFn): Scripts {
  const l = serviceLocals(spec, family);
  const all =
    family === 'deb'
      ? { preinst: render('deb/preinst', l), postinst: render('deb/postinst', l), prerm: render('deb/prerm', l), postrm: render('deb/postrm', l) }
      : { preinst: render('rpm/pre', l), postinst: render('rpm/post', l), prerm: render('rpm/preun', l), postrm: render('rpm/postun', l) };
  return Object.fromEntries(Object.entries(all).filter(([, s]) => scriptHasCode(s))) as Scripts;
}

function serviceFiles(spec: PackageSpec, family: Family, render: RenderFn): PayloadEntry[] {
  const n = spec.name;
  const l = serviceLocals(spec, family);
  const unitDir = family === 'deb' ? '/lib/systemd/system' : '/usr/lib/systemd/system';
  const out: PayloadEntry[] = [
    file(`${unitDir}/${n}.service`, text(render('systemd/service', l))),
    file(l.envFile, text(render('default', l)), 0o644, { config: true }),
    file(`/usr/lib/sysusers.d/${n}.conf`, text(render('sysusers', l))),
    file(`/usr/lib/tmpfiles.d/${n}.conf`, text(render('tmpfiles', l))),
  ];
  if (spec.socketActivation) out.push(file(`${unitDir}/${n}.socket`, text(render('systemd/socket', l))));
  if (family === 'deb') {
    out.push(file(`/etc/init.d/${n}`, text(render('initd/debian', l)), 0o755, { config: true }));
  } else {
    // Fedora packaging: init scripts are not %config (rpmlint executable-marked-as-config-file).
    out.push(file(`/etc/rc.d/init.d/${n}`, text(render('initd/redhat', l)), 0o755));
    // %systemd_post applies presets; ours enables the service, as dpkg's postinst does.
    out.push(file(`/usr/lib/systemd/system-preset/90-${n}.preset`, text(l.units.map((u) => `enable ${u}\n`).join(''))));
  }
  return out;
}

/**
 * Builds the plan for `family`. @throws DataError for a spec that cannot be
 * packaged (arch mismatch, template or bundle failure), NoInputError for a
 * missing tac file or node binary.
 */
export async function buildPlan(spec: PackageSpec, family: Family, deps: PlanDeps): Promise<BuiltPlan> {
  const { render, mtime } = deps;
  const n = spec.name;
  if (family === 'rpm' && spec.release === '') {
    throw new DataError('tacd.spec.release', `--release '': an RPM needs a release (e.g. 1); an empty release (Debian native) is for ts2deb only`, { field: 'release' });
  }
  // Plugin options are parsed now, as tacd will parse them: a bad one fails the build, not the installed service.
  if (spec.source.kind === 'plugin') await checkPluginOptions(spec.source);
  const node = spec.runtime === 'bundled' ? deps.readNode(spec.node) : undefined;
  // Checked again with the native addons once bundled; a wrong --arch for the node fails fast.
  resolveArch(spec, node?.arch, []);
  // Render first: a broken template fails fast, before the slower bundling.
  const service = serviceFiles(spec, family, render);
  const docFiles = docs(spec, family, render, mtime);
  const script = scripts(spec, family, render);
  const input: BundleInput = spec.source.kind === 'tac'
    ? { kind: 'tac', file: spec.source.file }
    : spec.source.module !== undefined
      ? { kind: 'tac', file: spec.source.module, plugin: spec.source.plugin }
      : { kind: 'plugin', plugin: spec.source.plugin };
  const bundle = await deps.bundle(input, n, render, bundleOptions(spec, node?.arch));
  const native = addons(n, bundle.files);
  const arch = resolveArch(spec, node?.arch, native);
  checkShippedElf(appDir(n), bundle.files, arch);
  const sonames = family === 'rpm' ? rpmSonameRequires(node?.dynamic, native, sharedLibraries(n, bundle.files)) : [];
  const app: PayloadEntry[] = [{ kind: 'dir', path: appDir(n), mode: 0o755, owned: true }];
  // A tac app's folder is its working directory (service-locals.ts): shipped even without run-time files.
  const dirs = new Set<string>(spec.source.kind === 'tac' ? [APP_FILES_DIR] : []);
  for (const f of bundle.files) {
    const parts = f.rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    app.push(file(`${appDir(n)}/${f.rel}`, f.data, f.mode));
  }
  for (const d of dirs) app.push({ kind: 'dir', path: `${appDir(n)}/${d}`, mode: 0o755, owned: true });
  if (node) app.push(file(`${appDir(n)}/node`, node.data, 0o755));
  const payload = [...app, ...service, ...docFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const plan = { meta: meta(spec, family, arch, mtime, script, sonames), payload, scripts: script };
  return { plan, archiveSha256: bundle.archiveSha256, addons: bundle.addons, external: bundle.external, runFiles: bundle.runFiles, appFiles: bundle.files };
}

/** The bundler's view of the spec: the app folder, the target arch, the run-time files and tacd.external. */
function bundleOptions(spec: PackageSpec, nodeArch: string | undefined): BundleOptions {
  return {
    ...(spec.appRoot !== undefined ? { appRoot: spec.appRoot } : {}),
    arch: spec.arch ?? nodeArch ?? hostDebianArch(),
    external: spec.external,
    ...(spec.supplements !== undefined ? { supplements: spec.supplements } : {}),
    files: [
      { field: `${spec.packageJson ?? 'package.json'}: files`, patterns: spec.runFiles.npm, strict: false },
      { field: `${spec.packageJson ?? 'package.json'}: tacd.files`, patterns: spec.runFiles.tacd, strict: true },
    ],
  };
}

/**
 * Parses a plugin's options as tacd will at start (syntax and types
 * only; values such as paths are for the target host). @throws UsageError (64)
 * naming the option, prefixed "plugin option".
 */
async function checkPluginOptions(source: AppSource & { kind: 'plugin' }): Promise<void> {
  const { plugin, args } = source;
  // A discovered plugin's module is imported here, compiled as tacd compiles it (TypeScript too).
  const maker = await loadPluginMaker(source, (await import('../runner/tac-loader.js')).importModule);
  try {
    parsePluginOptions(maker, args);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`plugin option for '${plugin}': ${e.message}`, { code: e.code, cause: e });
    throw e;
  }
}
