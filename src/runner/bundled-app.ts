/**
 * The application compiled into a packaged app's bundle. ts2deb/ts2rpm
 * generate an entry module that loads the user's tac file and hands its
 * `application` here before calling the tacd CLI; the runner uses it when
 * it is given neither `-y FILE` nor a plugin name. Outside a packaged app
 * nothing is registered and getBundledApplication() returns undefined.
 */

import type { ServiceMaker } from '../application/service-maker.js';

let bundled: unknown;

/** Registers the bundled tac module's `application` (called once by the generated bundle entry). */
export function setBundledApplication(app: unknown): void {
  bundled = app;
}

/** The registered application, or undefined when this is not a packaged app. */
export function getBundledApplication(): unknown {
  return bundled;
}

/**
 * A packaged plugin (ts2deb/ts2rpm --plugin NAME of a discovered plugin):
 * the generated entry imports the plugin's module, checks its service maker
 * and registers it here under the plugin's name; `tacd NAME` in that package
 * runs it without any discovery (the package has no node_modules to scan).
 */
let bundledPlugin: { readonly name: string; readonly maker: ServiceMaker } | undefined;

/** Registers the bundled plugin's service maker (called once by the generated bundle entry). */
export function setBundledPlugin(name: string, maker: ServiceMaker): void {
  bundledPlugin = { name, maker };
}

/** The bundled plugin of that name, or undefined. */
export function getBundledPlugin(name: string): ServiceMaker | undefined {
  return bundledPlugin?.name === name ? bundledPlugin.maker : undefined;
}
