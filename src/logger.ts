import { EOL } from 'node:os';

import winston from 'winston';

/** What the service logs through: winston's leveled methods (a winston Logger is one, as in tests). */
export interface Logger {
  log(level: LogLevel, message: string, meta?: object): unknown;
  error(message: string, meta?: object): unknown;
  warn(message: string, meta?: object): unknown;
  info(message: string, meta?: object): unknown;
  debug(message: string, meta?: object): unknown;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** winston's default (npm) levels: a line is written when its level is at most the logger's. */
const PRIORITY: Readonly<Record<string, number>> = {
  error: 0,
  warn: 1,
  info: 2,
  http: 3,
  verbose: 4,
  debug: 5,
  silly: 6,
};

/** winston's splat tokens: a message holding one is formatted differently, so winston writes it. */
const SPLAT_TOKEN = /%[scdjifoO%]/;
/** Keys winston sets or merges itself: meta holding one is left to winston. */
const WINSTON_KEYS: ReadonlySet<string> = new Set(['level', 'message', 'timestamp']);
const MAX_DEPTH = 8;

/**
 * `value` as winston's json format writes it (safe-stable-stringify: keys sorted, undefined members
 * left out), for plain data only; undefined for anything else (class instances, bigint, functions,
 * cycles or deep nesting), which winston then writes itself.
 */
function plainJson(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) return undefined;
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (const item of value as unknown[]) {
          const json = item === undefined ? 'null' : plainJson(item, depth + 1);
          if (json === undefined) return undefined;
          items.push(json);
        }
        return `[${items.join(',')}]`;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return undefined;
      if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
      return members(value as Record<string, unknown>, Object.keys(value).sort(), depth);
    }
    default:
      return undefined;
  }
}

function members(
  object: Record<string, unknown>,
  keys: readonly string[],
  depth: number,
): string | undefined {
  const parts: string[] = [];
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    const json = plainJson(member, depth + 1);
    if (json === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The line winston.format.combine(timestamp(), json()) makes of (level, message, meta), when meta
 * is plain data winston would merge as it is; undefined otherwise.
 */
export function jsonLine(level: string, message: unknown, meta: object | undefined): string | undefined {
  if (typeof message !== 'string' || SPLAT_TOKEN.test(message)) return undefined;
  const fields: Record<string, unknown> = {};
  if (meta !== undefined) {
    const prototype: unknown = Object.getPrototypeOf(meta);
    if (prototype !== Object.prototype && prototype !== null) return undefined;
    if (Object.getOwnPropertySymbols(meta).length > 0) return undefined;
    for (const key of Object.keys(meta)) {
      if (WINSTON_KEYS.has(key)) return undefined;
      fields[key] = (meta as Record<string, unknown>)[key];
    }
  }
  fields.level = level;
  fields.message = message;
  fields.timestamp = new Date().toISOString();
  return members(fields, Object.keys(fields).sort(), 0);
}

/**
 * JSON lines on stdout, exactly as winston writes them with combine(timestamp(), json()) and its
 * Console transport; `silent` for tests. The usual line (a message and plain-data fields) is written
 * here directly (issue 15: winston's stream pipeline cost more than the rest of an access log line);
 * anything else, such as an Error among the fields, goes through winston, synchronously as this does.
 */
export function createLogger(level: string): Logger {
  const silent = level === 'silent';
  const threshold = PRIORITY[silent ? 'error' : level];
  const fallback = winston.createLogger({
    level: silent ? 'error' : level,
    silent,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
  if (threshold === undefined) return fallback;
  const write = (lineLevel: LogLevel, message: string, meta?: object) => {
    if (silent || PRIORITY[lineLevel] > threshold) return;
    const line = jsonLine(lineLevel, message, meta);
    if (line === undefined) {
      fallback.log(lineLevel, message, ...(meta === undefined ? [] : [meta]));
      return;
    }
    // What winston's Console transport does: console._stdout (process.stdout), else console.log.
    const stdout = (console as unknown as { _stdout?: NodeJS.WritableStream })._stdout;
    if (stdout) stdout.write(`${line}${EOL}`);
    else console.log(line);
  };
  return {
    log: write,
    error: (message, meta) => write('error', message, meta),
    warn: (message, meta) => write('warn', message, meta),
    info: (message, meta) => write('info', message, meta),
    debug: (message, meta) => write('debug', message, meta),
  };
}
