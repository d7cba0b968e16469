/**
 * The typed locals of every template in templates/. A template reads its
 * locals as `it.<field>` (ejs `localsName: 'it'`) and the escapers from
 * ./escape.ts as plain names. Templates hold layout only: everything they
 * test or loop over is computed here, before rendering.
 */

/** The package family a service template is rendered for. */
export type Family = 'deb' | 'rpm';

/** Locals shared by the unit, init script, default file and maintainer scripts. */
export interface ServiceLocals {
  /** Package, unit, user-facing service name: 'echo'. */
  readonly name: string;
  /** One-line synopsis (unit Description=, init.d Short-Description). */
  readonly summary: string;
  readonly homepage: string | undefined;
  readonly family: Family;
  /** The account the service runs as, created by sysusers.d / the scripts. */
  readonly user: string;
  readonly group: string;
  /** True when the scripts create (and purge) `user`; false for an existing account such as 'nobody'. */
  readonly createUser: boolean;
  /** Node, its flags and the launcher: ['/usr/lib/echo/node', '--enable-source-maps', '/usr/lib/echo/launcher.cjs']. */
  readonly launch: readonly string[];
  /** What tacd runs after its own options: [] for a bundled tac file, ['echo'] for a plugin. */
  readonly target: readonly string[];
  /** The variable holding extra arguments, set in `envFile`: 'TACD_ARGS'. */
  readonly envVar: string;
  /** Arguments given after `--` at build time (the default value of `envVar`). */
  readonly defaultArgs: readonly string[];
  /** /etc/default/NAME (deb) or /etc/sysconfig/NAME (rpm). */
  readonly envFile: string;
  /** /var/lib/NAME, /var/log/NAME, /run/NAME. */
  readonly stateDir: string;
  /** The service's working directory: /usr/lib/NAME/app for a tac app (its run-time files), else stateDir. */
  readonly workingDir?: string;
  readonly logsDir: string;
  readonly runtimeDir: string;
  /** The pid file the init script uses: /run/NAME/NAME.pid. */
  readonly pidFile: string;
  /** The log file tacd writes in daemon mode (init script): /var/log/NAME/NAME.log. */
  readonly logFile: string;
  /** True when a listening port below 1024 is known: the unit keeps CAP_NET_BIND_SERVICE only. */
  readonly privilegedPort: boolean;
  /** Ports systemd binds for the app when socket activation is on (empty otherwise). */
  readonly socketPorts: readonly number[];
  /** Unit file names the scripts enable/start: ['echo.service'] or ['echo.socket', 'echo.service']. */
  readonly units: readonly string[];
  /** Whether an /etc/init.d/NAME script is shipped. */
  readonly initScript: boolean;
  /** 'bundled': node is shipped at /usr/lib/NAME/node; 'system': /usr/bin/node from nodejs (>= 20). */
  readonly runtime: 'bundled' | 'system';
  /** The service's environment (tacd.env, --env), written to `envFile` after `envVar`. */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  /** Systemd credentials (tacd.credentials): a LoadCredential=NAME line each. */
  readonly credentials: readonly { readonly name: string; readonly description: string | undefined }[];
  /** Units a package upgrade restarts: the .service only, so that a .socket keeps listening (empty: `units`). */
  readonly restartUnits: readonly string[];
}

/** Locals for templates/changelog.ejs (Debian changelog format). */
export interface ChangelogLocals {
  readonly name: string;
  readonly entries: readonly {
    /** The full Debian version: '1.2.3-1'. */
    readonly version: string;
    readonly distribution: string;
    readonly urgency: string;
    readonly changes: readonly string[];
    /** 'Name <email>' */
    readonly author: string;
    /** RFC 2822 date: 'Sun, 22 Nov 2026 00:00:00 +0000'. */
    readonly date: string;
  }[];
}

/** Locals for templates/copyright.ejs (DEP-5 machine-readable copyright). */
export interface CopyrightLocals {
  readonly name: string;
  readonly source: string | undefined;
  /** 'YEAR Name <email>' lines. */
  readonly holders: readonly string[];
  /** SPDX-ish short name: 'MIT'. */
  readonly license: string;
  /** The license text for a stand-alone License paragraph, already as raw lines. */
  readonly licenseText: string;
  /** Holders of the packaging (debian/*) files. */
  readonly packagingHolders: readonly string[];
}

/** Locals for templates/README.Debian.ejs. */
export interface ReadmeLocals extends ServiceLocals {
  readonly maintainer: string;
}

/** Locals for templates/launcher.ejs (the JavaScript launcher installed at /usr/lib/NAME/launcher.cjs). */
export interface LauncherLocals {
  readonly name: string;
  /** Hex SHA-256 of the whole app.asar, recorded at build time. */
  readonly archiveSha256: string;
  /** The bundle's path inside the archive: 'main.cjs'. */
  readonly entry: string;
}

/** Every template name (a path under templates/, without .ejs) and its locals. */
/** Locals of init/app.tac: the tac file `ts2deb init` writes around an app's exported server. */
export interface InitTacLocals {
  readonly name: string;
  /** 'express', 'fastify', 'koa' or 'node:http'. */
  readonly framework: string;
  /** 'app', 'server or handler'. */
  readonly what: string;
  /** The entry, relative to the app's folder: 'server.js'. */
  readonly entry: string;
  /** 'app' or '{ app }': what the import binds. */
  readonly importClause: string;
  /** './server.js'. */
  readonly importPath: string;
  /** The name handed to HTTPServer. */
  readonly binding: string;
  readonly port: string;
}

export interface TemplateLocals {
  readonly 'systemd/service': ServiceLocals;
  readonly 'systemd/socket': ServiceLocals;
  readonly 'deb/preinst': ServiceLocals;
  readonly 'deb/postinst': ServiceLocals;
  readonly 'deb/prerm': ServiceLocals;
  readonly 'deb/postrm': ServiceLocals;
  readonly 'rpm/pre': ServiceLocals;
  readonly 'rpm/post': ServiceLocals;
  readonly 'rpm/preun': ServiceLocals;
  readonly 'rpm/postun': ServiceLocals;
  readonly 'initd/debian': ServiceLocals;
  readonly 'initd/redhat': ServiceLocals;
  readonly default: ServiceLocals;
  readonly sysusers: ServiceLocals;
  readonly tmpfiles: ServiceLocals;
  readonly copyright: CopyrightLocals;
  readonly changelog: ChangelogLocals;
  readonly 'README.Debian': ReadmeLocals;
  readonly launcher: LauncherLocals;
  readonly 'lintian-overrides': LintianOverridesLocals;
  readonly 'init/app.tac': InitTacLocals;
}

/** Locals for templates/lintian-overrides.ejs. */
export interface LintianOverridesLocals extends ServiceLocals {
  /** True for a Debian native package (no revision): its changelog.gz draws no initial-upload-closes-no-bugs. */
  readonly native?: boolean;
}

/** A template name. */
export type TemplateName = keyof TemplateLocals;

/** All template names, in a stable order. */
export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'systemd/service',
  'systemd/socket',
  'deb/preinst',
  'deb/postinst',
  'deb/prerm',
  'deb/postrm',
  'rpm/pre',
  'rpm/post',
  'rpm/preun',
  'rpm/postun',
  'initd/debian',
  'initd/redhat',
  'default',
  'sysusers',
  'tmpfiles',
  'copyright',
  'changelog',
  'README.Debian',
  'launcher',
  'lintian-overrides',
  'init/app.tac',
];
