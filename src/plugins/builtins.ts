/**
 * The built-in plugins, in one list for the registry (listing, discovery) and
 * for `tacd PLUGIN` (src/cli/tacd.ts). This module is cheap to import: the
 * plugins' own modules load only when a maker is asked for, and `tacd echo`
 * needs no discovery scan (built-ins cannot be shadowed).
 */
import type { PluginRef } from './registry.js';

export const BUILTINS: readonly PluginRef[] = [
  { name: 'echo', description: 'A TCP echo server (RFC 862).', source: 'built-in', load: async () => (await import('./echo.js')).echoServiceMaker },
  { name: 'web', description: 'A static file web server.', source: 'built-in', load: async () => (await import('./web.js')).webServiceMaker },
];

/** The built-in plugin of that name, or undefined. */
export function builtinPlugin(name: string): PluginRef | undefined {
  return BUILTINS.find((p) => p.name === name);
}
