/**
 * Table rows as PostgreSQL COPY text (one line per row, tab-separated, `\N` for null), so a practice
 * loads with one COPY per table per chunk of patients: the server's fastest way in, with no JSON
 * document to build and take apart per statement (docs/decisions.md D-IMPORT-COPY). Each value is
 * encoded by its column's type as the database reports it, so an array of a `jsonb` column stays JSON
 * and an array of a `text[]` column becomes an array literal.
 */
import type { Row } from './rows';

/** Column name → PostgreSQL type (information_schema's data_type: 'jsonb', 'ARRAY', 'text', …). */
export type ColumnTypes = ReadonlyMap<string, string>;

/** The statement that lists every table's columns and their types, read once per load. */
export const COLUMN_TYPES_SQL = `SELECT table_name, column_name, data_type FROM information_schema.columns
  WHERE table_schema = current_schema()`;

/** Backslash, newline, carriage return and tab are the characters COPY's text format escapes. */
const SPECIAL = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeText = (text: string) => text.replace(SPECIAL, (c) => ESCAPED[c] ?? c);

/** An element of a text[] literal: always quoted, `"` and `\` backslashed. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value !== 'string') throw new Error(`a text[] element was given ${typeof value}`);
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function encode(value: unknown, type: string | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (type === 'jsonb' || type === 'json') return escapeText(JSON.stringify(value));
  if (type === 'ARRAY') {
    if (!Array.isArray(value)) throw new Error(`an array column was given ${typeof value}`);
    return escapeText(`{${value.map(arrayElement).join(',')}}`);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new Error(`a ${type ?? 'unknown'} column was given ${typeof value}`);
}

/** Target size of each piece handed to the COPY stream (many rows per socket write). */
const PIECE_CHARS = 256 * 1024;

export interface CopyData {
  /** `COPY table (col, …) FROM STDIN`. */
  readonly statement: string;
  /** The rows as COPY text, in pieces of about PIECE_CHARS. */
  readonly data: Iterable<string>;
}

/**
 * The COPY statement and data for some rows of one table. The columns are those the rows carry (every
 * row of a table carries the same keys; a key a row lacks is null); each must be a column of the table.
 */
export function copyData(
  table: string,
  rows: readonly Row[],
  types: ReadonlyMap<string, ColumnTypes>,
): CopyData {
  const columnTypes = types.get(table);
  if (!columnTypes) throw new Error(`table ${table} is not in the database`);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  for (const column of columns)
    if (!columnTypes.has(column)) throw new Error(`table ${table} has no column ${column}`);
  const columnType = columns.map((c) => columnTypes.get(c));
  function* pieces(): Generator<string> {
    let piece = '';
    for (const row of rows) {
      piece += `${columns.map((c, i) => encode(row[c], columnType[i])).join('\t')}\n`;
      if (piece.length >= PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
    if (piece !== '') yield piece;
  }
  return { statement: `COPY ${table} (${columns.join(', ')}) FROM STDIN`, data: pieces() };
}

/** The column types of every table, from the rows of COLUMN_TYPES_SQL. */
export function columnTypesOf(
  rows: readonly { table_name: string; column_name: string; data_type: string }[],
): Map<string, Map<string, string>> {
  const types = new Map<string, Map<string, string>>();
  for (const { table_name, column_name, data_type } of rows) {
    let table = types.get(table_name);
    if (!table) types.set(table_name, (table = new Map<string, string>()));
    table.set(column_name, data_type);
  }
  return types;
}
