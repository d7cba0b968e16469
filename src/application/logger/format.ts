/** Text and JSON renderings of log events. */
import type { LogEvent, LogLevel } from './logger.js';

/** One-line description of an error for a log line: "TypeError: boom". With `stack`, the stack trace. */
export function describeLoggedError(error: unknown, stack = false): string {
  if (error instanceof Error) {
    if (stack && error.stack) return error.stack;
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * twistd's classic timestamp, "%Y-%m-%dT%H:%M:%S%z", for `seconds` since the
 * epoch (as Twisted's formatTime and a LogEvent's `time`), in UTC ("+0000")
 * unless an offset (minutes east) is given.
 */
export function formatTime(seconds: number, offsetMinutes = 0): string {
  const d = new Date(Math.floor(seconds * 1000) + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(off / 60))}${pad(off % 60)}`
  );
}

export interface TextFormatOptions {
  /** Prefix each line with a timestamp (false under journald, which stamps lines itself). */
  readonly timestamps?: boolean;
  /** Include error stack traces (--debug). */
  readonly stacks?: boolean;
}

/**
 * Twisted's text format: "2026-11-21T10:00:00+0000 [namespace#level] message".
 * A logged error is appended on the same event ("message: TypeError: boom").
 * The result may span several lines (stack traces); it has no trailing newline.
 */
export function formatEventAsText(e: LogEvent, options: TextFormatOptions = {}): string {
  let msg = e.message;
  if (e.error !== undefined) msg = `${msg}: ${describeLoggedError(e.error, options.stacks ?? false)}`;
  const head = `[${e.namespace}#${e.level}] ${msg}`;
  return options.timestamps === false ? head : `${formatTime(e.time)} ${head}`;
}

/** One JSON object per event (NDJSON line, no trailing newline). */
export function formatEventAsJSON(e: LogEvent): string {
  const out: Record<string, unknown> = {
    time: new Date(e.time * 1000).toISOString(),
    level: e.level,
    namespace: e.namespace,
    message: e.message,
  };
  if (e.fields) {
    for (const [k, v] of Object.entries(e.fields)) if (!(k in out)) out[k] = safeJsonValue(v);
  }
  if (e.error !== undefined) out['error'] = describeLoggedError(e.error, true);
  return JSON.stringify(out);
}

function safeJsonValue(v: unknown): unknown {
  if (v instanceof Error) return describeLoggedError(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object' && v !== null) {
    try {
      JSON.stringify(v);
      return v;
    } catch {
      return String(v);
    }
  }
  return v;
}

/** syslog(3)/sd-daemon(3) priority for a level: critical 2, error 3, warn 4, info 6, debug 7. */
export function syslogPriority(level: LogLevel): number {
  switch (level) {
    case 'critical':
      return 2;
    case 'error':
      return 3;
    case 'warn':
      return 4;
    case 'info':
      return 6;
    case 'debug':
      return 7;
  }
}

/**
 * journald stdout format (sd-daemon(3)): every line of the event carries the
 * "<N>" priority prefix, and there is no timestamp (journald adds its own).
 */
export function formatEventForJournal(e: LogEvent, options: { stacks?: boolean } = {}): string {
  const p = `<${syslogPriority(e.level)}>`;
  return formatEventAsText(e, { timestamps: false, stacks: options.stacks ?? false })
    .split('\n')
    .map((line) => p + line)
    .join('\n');
}
