// Cursor pagination, the same on every list: `?limit=` (1-100, default 50) and `?cursor=` →
// `{ items, nextCursor }`. Cursors are opaque to clients (base64url JSON of the last row's sort
// key); listPage fetches limit + 1 rows to know whether another page exists.
import type { ZodType } from 'zod';
import { ValidationError } from '../errors';
import { z } from './openapi/zod';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: 'Page size, 1-100' }),
  cursor: z.string().max(512).optional().openapi({ description: 'The nextCursor of the previous page' }),
});

export function pageOf<T extends ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor carries, or a 422 naming `cursor` when it was not one of ours. */
function decodeCursor<K>(cursor: string | undefined, shape: ZodType<K>): K | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the 422
  }
  throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this list produced' }]);
}

/**
 * One page of a list, the only place that knows how paging works: the cursor is decoded into the
 * sort key it carries, `rows` is asked for limit + 1 rows starting past that key, and the extra row,
 * when it came, is dropped and turned into the next cursor (the last shown row's key).
 */
export async function listPage<Key, Row, Item>(
  query: { limit: number; cursor?: string | undefined },
  cursorKey: ZodType<Key>,
  rows: (limit: number, from: Key | undefined) => Promise<readonly Row[]>,
  present: (row: Row) => Item,
  keyOf: (row: Row) => unknown,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const fetched = await rows(query.limit + 1, decodeCursor(query.cursor, cursorKey));
  const pageRows = fetched.slice(0, query.limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(present),
    nextCursor: fetched.length > query.limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
