/**
 * Structured logs: one JSON object per line. Fields whose names suggest a secret are redacted here, at any
 * depth, in the one place every log line passes through, so a careless call site cannot leak a key or a token.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /(secret|pass|token|key|signature|cookie|authorization|ciphertext|payload)/i;
const REDACTED = '[redacted]';
/** Deeper than this, a value is summarised: a log line stays small and a hostile structure cannot recurse. */
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

/** Credentials inside URLs (`postgres://user:pass@host`), wherever a string carries them: values, messages, stacks. */
const scrubString = (text: string): string => text.replace(/\/\/[^/@\s]*@/g, '//[redacted]@');

/**
 * A value made safe to log, at any depth: fields whose names suggest a secret become `[redacted]`, bytes are
 * replaced by their length (a key is bytes), strings lose URL credentials, and an error keeps its name, message,
 * stack, code and cause (its cause redacted the same way), since an operator needs them to find the fault.
 */
function safeValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return safeError(value, depth, seen);
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((item: unknown) => safeValue(item, depth + 1, seen));
      return value.length > MAX_ITEMS ? [...items, `[${value.length - MAX_ITEMS} more]`] : items;
    }
    if (value instanceof Map) return safeValue(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return safeValue([...value], depth, seen);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    return safeFields(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function safeFields(fields: Record<string, unknown>, depth: number, seen: WeakSet<object>): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields).slice(0, MAX_ITEMS)) {
    out[name] = SECRET_FIELD.test(name) ? REDACTED : safeValue(value, depth + 1, seen);
  }
  return out;
}

function safeError(error: Error, depth: number, seen: WeakSet<object>): LogFields {
  const out: LogFields = { name: error.name, message: scrubString(error.message) };
  if (error.stack !== undefined) out['stack'] = scrubString(error.stack);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out['code'] = code;
  if (error.cause !== undefined) out['cause'] = safeValue(error.cause, depth + 1, seen);
  if (error instanceof AggregateError) out['errors'] = safeValue(error.errors, depth + 1, seen);
  return out;
}

/** Replaces secret-looking fields (at any depth) and database credentials with a marker; see {@link safeValue}. */
export function redact(fields: LogFields): LogFields {
  return safeFields(fields, 0, new WeakSet());
}

export function createLogger(
  options: { level?: LogLevel; write?: (line: string) => void; clock?: () => number } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = options.clock ?? (() => Date.now());
  const log = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (LEVELS[level] < min) return;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg: scrubString(msg), ...redact(fields) }));
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/** A logger that keeps its lines, for tests. */
export function createMemoryLogger(): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as LogFields) });
  return Object.assign(logger, { lines });
}
