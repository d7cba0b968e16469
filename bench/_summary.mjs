// Shared by the benches (not a bench itself): each bench reports one summary
// row per target of the performance issue; bench/run.mjs collects them from
// the benches' output and prints them together as the closing table.
// A row is one line: the marker, then JSON.
export const ROW_MARKER = '@@bench-row ';

/**
 * Reports a summary row. `ratio` is tacd's figure over the peer's (or the
 * measured value itself when there is no peer); `met` compares it with the
 * target the caller states in `target`.
 */
export function summaryRow({ what, tacd, peer = '—', ratio, target, met }) {
  process.stdout.write(`${ROW_MARKER}${JSON.stringify({ what, tacd, peer, ratio, target, met })}\n`);
}
