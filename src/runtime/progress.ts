/**
 * Progress of a runtime download: on a terminal one line rewritten in place
 * (bytes and percent); elsewhere (CI, a pipe) one line per step.
 */
export interface ProgressSink {
  /** One step ("resolved node 22.23.5", "verified", ...). */
  step(line: string): void;
  /** Bytes received so far of `total` (0 when unknown). */
  bytes(received: number, total: number): void;
  /** The download finished (ends the rewritten line). */
  done(): void;
}

interface Stream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
}

const mb = (n: number): string => (n / 1048576).toFixed(1);

/** A sink writing `prefix: ` lines to `out`; live byte counts only when `out` is a terminal and not CI. */
export function progressSink(out: Stream, prefix: string, env: Readonly<Record<string, string | undefined>>): ProgressSink {
  const live = out.isTTY === true && !env['CI'];
  let shown = false;
  let last = 0;
  return {
    step: (line) => void out.write(`${prefix}: ${line}\n`),
    bytes(received, total) {
      if (!live || Date.now() - last < 100) return;
      last = Date.now();
      shown = true;
      const pct = total > 0 ? ` (${Math.floor((received * 100) / total)}%)` : '';
      out.write(`\r${prefix}: ${mb(received)}${total > 0 ? `/${mb(total)}` : ''} MB${pct}\u001b[K`);
    },
    done() {
      if (shown) out.write('\r\u001b[K');
      shown = false;
    },
  };
}

/** A sink that says nothing (tests, --json). */
export const SILENT: ProgressSink = { step: () => undefined, bytes: () => undefined, done: () => undefined };
