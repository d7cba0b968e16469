/**
 * The values shared by the service templates (unit, init script, default
 * file, maintainer scripts), computed once from the spec.
 */
import { APP_FILES_DIR } from '../bundle/run-files.js';
import type { Family, ServiceLocals } from '../render/locals.js';
import type { PackageSpec } from './spec.js';

/** The variable in /etc/default/NAME that carries tacd and plugin options. */
export const ARGS_VAR = 'TACD_ARGS';

/** Where the app and its runtime are installed. */
export function appDir(name: string): string {
  return `/usr/lib/${name}`;
}

/** The node the service runs: the bundled copy or the system's. */
export function nodePath(spec: PackageSpec): string {
  return spec.runtime === 'bundled' ? `${appDir(spec.name)}/node` : '/usr/bin/node';
}

/** The environment file: /etc/default/NAME (deb) or /etc/sysconfig/NAME (rpm). */
export function envFile(family: Family, name: string): string {
  return family === 'deb' ? `/etc/default/${name}` : `/etc/sysconfig/${name}`;
}

/**
 * The service's working directory. A tac app runs in /usr/lib/NAME/app,
 * where its run-time files are laid out as beside its package.json, so
 * process.cwd()-relative reads (`express.static('public')`, Express's
 * default views folder, `fs.readFileSync('config.json')`) find what they
 * find in development; that folder is read-only, so state goes in
 * /var/lib/NAME ($STATE_DIRECTORY). A plugin has no app folder: it runs in
 * /var/lib/NAME, where relative paths in its options point.
 */
export function workingDir(spec: PackageSpec): string {
  return spec.source.kind === 'tac' ? `${appDir(spec.name)}/${APP_FILES_DIR}` : `/var/lib/${spec.name}`;
}

/** Accounts the scripts must not create or purge. */
const EXISTING_ACCOUNTS = new Set(['root', 'nobody', 'daemon', 'nogroup']);

/** Builds the ServiceLocals of `spec` for one package family. */
export function serviceLocals(spec: PackageSpec, family: Family): ServiceLocals {
  const n = spec.name;
  const units = spec.socketActivation ? [`${n}.socket`, `${n}.service`] : [`${n}.service`];
  return {
    name: n,
    summary: spec.summary,
    homepage: spec.homepage,
    family,
    user: spec.user,
    group: spec.group,
    createUser: !EXISTING_ACCOUNTS.has(spec.user),
    launch: [nodePath(spec), '--enable-source-maps', `${appDir(n)}/launcher.cjs`],
    target: spec.source.kind === 'plugin' ? [spec.source.plugin] : [],
    envVar: ARGS_VAR,
    defaultArgs: spec.source.kind === 'plugin' ? spec.source.args : [],
    envFile: envFile(family, n),
    stateDir: `/var/lib/${n}`,
    workingDir: workingDir(spec),
    logsDir: `/var/log/${n}`,
    runtimeDir: `/run/${n}`,
    pidFile: `/run/${n}/${n}.pid`,
    logFile: `/var/log/${n}/${n}.log`,
    // Under socket activation systemd binds the port: the service needs no capability.
    privilegedPort: !spec.socketActivation && spec.ports.some((p) => p < 1024),
    socketPorts: spec.socketActivation ? spec.ports : [],
    units,
    initScript: true,
    runtime: spec.runtime,
    env: spec.env,
    credentials: spec.credentials,
    restartUnits: [`${n}.service`],
  };
}
