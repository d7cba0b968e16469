/**
 * Which Node.js runtime a bundled package ships, when it is not this host's
 * node: --node-version RANGE, else package.json "tacd": {"nodeVersion"},
 * else package.json engines.node, else (for an --arch this host is not) this
 * node's own version for that arch. --node PATH (or "tacd": {"node"}) is the
 * explicit override and needs none of it.
 */
import { UsageError } from '../core/errors.js';
import { hostDebianArch } from '../bundle/native.js';

/** The range and where it came from (for messages). */
export interface NodeVersionRequest {
  readonly range: string;
  readonly field: string;
}

export interface NodeVersionInput {
  readonly cliNode: string | undefined;
  readonly cliRange: string | undefined;
  readonly keyNode: string | undefined;
  readonly keyRange: string | undefined;
  /** package.json engines (not read for plugins and tacd's own tree). */
  readonly engines: unknown;
  /** The package.json named in messages. */
  readonly where: string;
  readonly runtime: string;
  /** The Debian arch asked for, if any. */
  readonly arch: string | undefined;
}

function enginesNode(engines: unknown): string | undefined {
  const v = typeof engines === 'object' && engines !== null ? (engines as { node?: unknown }).node : undefined;
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The runtime request, or undefined for this host's node (or an explicit --node). @throws UsageError for a conflict. */
export function nodeVersionRequest(i: NodeVersionInput): NodeVersionRequest | undefined {
  if (i.cliRange !== undefined && i.cliNode !== undefined) throw new UsageError(`--node-version '${i.cliRange}' conflicts with --node ${i.cliNode}; give one of them`, { code: 'tacd.spec.nodeVersion' });
  if (i.cliRange !== undefined && i.runtime === 'system') throw new UsageError(`--node-version '${i.cliRange}' conflicts with --runtime system (no node is bundled); drop one of them`, { code: 'tacd.spec.nodeVersion' });
  if (i.runtime === 'system' || i.cliNode !== undefined) return undefined;
  if (i.cliRange !== undefined) return { range: i.cliRange, field: '--node-version' };
  if (i.keyNode !== undefined) return undefined;
  if (i.keyRange !== undefined) return { range: i.keyRange, field: `${i.where}: tacd.nodeVersion` };
  const engines = enginesNode(i.engines);
  if (engines !== undefined) return { range: engines, field: `${i.where}: engines.node` };
  if (i.arch !== undefined && i.arch !== 'all' && i.arch !== hostDebianArch()) return { range: process.versions.node, field: `--arch ${i.arch} (this node's version)` };
  return undefined;
}
