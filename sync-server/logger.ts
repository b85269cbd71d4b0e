/**
 * Structured logs: one JSON object per line. Fields whose names suggest a secret are redacted here,
 * in the one place every log line passes through, so a careless call site cannot leak a key or a token.
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

/** Replaces secret-looking fields and database credentials with a marker. */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(name)) out[name] = '[redacted]';
    else if (typeof value === 'string') out[name] = value.replace(/\/\/[^/@\s]*@/g, '//[redacted]@');
    else if (value instanceof Error) out[name] = { name: value.name, message: value.message };
    else out[name] = value;
  }
  return out;
}

export function createLogger(
  options: { level?: LogLevel; write?: (line: string) => void; clock?: () => number } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = options.clock ?? (() => Date.now());
  const log = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (LEVELS[level] < min) return;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...redact(fields) }));
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
