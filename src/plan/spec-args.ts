/** A plugin's command-line options as a spec sees them: its ports, and the options under socket activation. */
import { UsageError } from '../core/errors.js';

/**
 * A plugin's options under socket activation: systemd binds the port (the
 * .socket unit listens on 0.0.0.0:PORT), so `--port`/`--interface` give way
 * to `--listen systemd:domain=INET:index=0`, the descriptor systemd passes.
 * @throws UsageError for more than one port (a plugin takes one --listen).
 */
export function socketActivatedArgs(args: readonly string[], ports: readonly number[]): string[] {
  if (args.some((a) => a === '--listen' || a.startsWith('--listen='))) return [...args];
  if (ports.length !== 1) {
    throw new UsageError(`--socket-activation: a plugin listens on one socket, got ports ${ports.join(', ')}`, { code: 'tacd.spec.socket' });
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^--(port|interface)=/.test(a)) continue;
    if (a === '--port' || a === '-p' || a === '--interface') {
      i++;
      continue;
    }
    out.push(a);
  }
  return [...out, '--listen', 'systemd:domain=INET:index=0'];
}

/** Ports given to a plugin as --port N, --port=N or -p N. */
export function portsFromArgs(args: readonly string[]): number[] {
  const out: number[] = [];
  args.forEach((a, i) => {
    const v = /^--port=(\d+)$/.exec(a)?.[1] ?? ((a === '--port' || a === '-p') && /^\d+$/.test(args[i + 1] ?? '') ? args[i + 1] : undefined);
    if (v !== undefined) out.push(Number(v));
  });
  return out;
}
