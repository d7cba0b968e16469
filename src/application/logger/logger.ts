/**
 * A small structured logger after twisted.logger: events are plain objects
 * with a level, a namespace, a formatted message and arbitrary fields, sent to
 * observers through a publisher. Services and protocols can log without any
 * global setup: until somebody calls `beginLoggingTo`, the global publisher
 * keeps the most recent events in a bounded buffer (as Twisted's
 * LogBeginner does) and replays them to the first observers.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, critical: 4 };

/** True when `a` is at least as severe as `b`. */
export function levelAtLeast(a: LogLevel, b: LogLevel): boolean {
  return LEVEL_ORDER[a] >= LEVEL_ORDER[b];
}

/** Parses a level name (case-insensitive; 'warning' is accepted for 'warn'). Returns undefined if unknown. */
export function parseLogLevel(name: string): LogLevel | undefined {
  const n = name.toLowerCase();
  if (n === 'warning') return 'warn';
  return (LOG_LEVELS as readonly string[]).includes(n) ? (n as LogLevel) : undefined;
}

export interface LogEvent {
  /** Seconds since the epoch, a float (Twisted's log_time). */
  readonly time: number;
  readonly level: LogLevel;
  /** Who logged: 'tacd.runner', 'echo.EchoProtocol', ... ('-' when unknown). */
  readonly namespace: string;
  /** The formatted message (fields already substituted). */
  readonly message: string;
  /** The failure, when one was logged. */
  readonly error?: unknown;
  /** Extra structured fields. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

export type LogObserver = (event: LogEvent) => void;

/** Substitutes `{key}` placeholders from `fields` (twisted.logger's format style). `{{` and `}}` are literal braces. */
export function formatMessage(format: string, fields: Readonly<Record<string, unknown>> | undefined): string {
  if (!fields || !format.includes('{')) return format;
  return format.replace(/\{\{|\}\}|\{([A-Za-z_$][\w$.]*)\}/g, (m, key: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (key === undefined) return m;
    if (!(key in fields)) return m;
    const v = fields[key];
    return typeof v === 'string' ? v : v instanceof Error ? v.message : JSON.stringify(v) ?? String(v);
  });
}

/** Fans events out to observers. An observer that throws is removed from the fan-out of that event only, and the error is reported to the others. */
export class LogPublisher {
  private observers: LogObserver[] = [];
  private buffer: LogEvent[] | null;
  private readonly bufferSize: number;

  /** @param bufferSize keep up to this many events until the first observer arrives (0: no buffering). */
  constructor(bufferSize = 0) {
    this.bufferSize = bufferSize;
    this.buffer = bufferSize > 0 ? [] : null;
  }

  addObserver(observer: LogObserver): void {
    this.observers.push(observer);
  }

  removeObserver(observer: LogObserver): void {
    this.observers = this.observers.filter((o) => o !== observer);
  }

  /**
   * Starts delivering to `observers` and replays the buffered events to them.
   * Stops buffering for good.
   */
  beginLoggingTo(observers: readonly LogObserver[]): void {
    const buffered = this.buffer ?? [];
    this.buffer = null;
    for (const o of observers) this.addObserver(o);
    for (const e of buffered) for (const o of observers) safeCall(o, e);
  }

  publish(event: LogEvent): void {
    if (this.buffer) {
      this.buffer.push(event);
      if (this.buffer.length > this.bufferSize) this.buffer.shift();
    }
    for (const o of [...this.observers]) safeCall(o, event);
  }
}

function safeCall(o: LogObserver, e: LogEvent): void {
  try {
    o(e);
  } catch {
    // An observer must never break the code that logs; a broken observer loses this event only.
  }
}

/** The process-wide publisher every Logger uses by default (buffers 200 events until logging begins). */
export const globalLogPublisher = new LogPublisher(200);

function epochSeconds(): number {
  return Date.now() / 1000;
}

/** Where a Logger sends its events: a LogPublisher, or anything with a `publish(event)` method. */
export interface LogSink {
  publish(event: LogEvent): void;
}

/**
 * A logger bound to a namespace and a destination: a publisher (default the
 * global one) or, as Twisted's `Logger(observer=...)`, a plain observer
 * function, which then receives every event directly.
 */
export class Logger {
  readonly namespace: string;
  private readonly publisher: LogSink;
  private readonly clock: () => number;

  /**
   * @param publisher a LogPublisher (or any `{ publish(event) }`), or an observer function.
   * @param clock returns the event time in seconds since the epoch (default the wall clock).
   * @throws TypeError when `namespace`, `publisher` or `clock` has the wrong type.
   */
  constructor(namespace = '-', publisher: LogSink | LogObserver = globalLogPublisher, clock: () => number = epochSeconds) {
    if (typeof namespace !== 'string') throw new TypeError(`Logger: namespace must be a string, got ${typeof namespace}`);
    if (typeof publisher === 'function') {
      const observer = publisher;
      this.publisher = { publish: (e) => safeCall(observer, e) };
    } else if (typeof publisher === 'object' && publisher !== null && typeof (publisher as Partial<LogSink>).publish === 'function') {
      this.publisher = publisher;
    } else {
      throw new TypeError(`Logger: publisher must be a LogPublisher, an object with publish(event) or an observer function, got ${publisher === null ? 'null' : typeof publisher}`);
    }
    if (typeof clock !== 'function') throw new TypeError(`Logger: clock must be a function returning the time, got ${typeof clock}`);
    this.namespace = namespace;
    this.clock = clock;
  }

  /** Emits an event; `format` may hold `{field}` placeholders filled from `fields`. */
  emit(level: LogLevel, format: string, fields?: Readonly<Record<string, unknown>>, error?: unknown): void {
    const event: LogEvent = {
      time: this.clock(),
      level,
      namespace: this.namespace,
      message: formatMessage(format, fields),
      ...(error !== undefined ? { error } : {}),
      ...(fields !== undefined ? { fields } : {}),
    };
    this.publisher.publish(event);
  }

  debug(format: string, fields?: Readonly<Record<string, unknown>>): void {
    this.emit('debug', format, fields);
  }
  info(format: string, fields?: Readonly<Record<string, unknown>>): void {
    this.emit('info', format, fields);
  }
  warn(format: string, fields?: Readonly<Record<string, unknown>>): void {
    this.emit('warn', format, fields);
  }
  error(format: string, fields?: Readonly<Record<string, unknown>>): void {
    this.emit('error', format, fields);
  }
  critical(format: string, fields?: Readonly<Record<string, unknown>>): void {
    this.emit('critical', format, fields);
  }
  /** Logs a caught error at level error (Twisted's log.failure): the message, then the error's own message. */
  failure(format: string, error: unknown, fields?: Readonly<Record<string, unknown>>): void {
    this.emit('error', format, fields, error);
  }
  /** A logger for a sub-namespace ('tacd' → 'tacd.child'). */
  child(name: string): Logger {
    return new Logger(this.namespace === '-' ? name : `${this.namespace}.${name}`, this.publisher, this.clock);
  }
}

/** Wraps an observer so that it only sees events at or above `minimum`. */
export function filteringObserver(minimum: LogLevel, observer: LogObserver): LogObserver {
  return (e) => {
    if (levelAtLeast(e.level, minimum)) observer(e);
  };
}
