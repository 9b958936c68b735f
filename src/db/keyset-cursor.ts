import { sql } from './sql';

/**
 * A timestamptz column as UTC text with microseconds, for keyset cursors: a JS Date keeps only
 * milliseconds, and a cursor rounded to them would skip or repeat rows created within one ms.
 */
export function cursorAt(column: string) {
  return sql.fragment`to_char(${sql.identifier([column])} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
