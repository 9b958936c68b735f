// The one sql tag every query module uses. A query whose rows are read declares them with
// sql.type(schema), so each row is checked and typed; a command that returns no row (an UPDATE, a
// DELETE, an INSERT without RETURNING) says so with sql.typeAlias('void'). Nothing is sent
// untyped: sql.unsafe stays out of production code. Row schemas are made once, at module level:
// zod compiles a parser for each new schema the first time it parses, so a schema built inside a
// query function would be compiled again on every call (the lint rule no-restricted-syntax says so).
import { createSqlTag } from 'slonik';
import { z } from 'zod';

export const sql = createSqlTag({
  typeAliases: {
    void: z.object({}).strict(),
    /** `SELECT 1 AS ok`: a round trip that proves the connection works. */
    ping: z.object({ ok: z.literal(1) }),
    /** `RETURNING id` and other one-uuid answers. */
    id: z.object({ id: z.guid() }),
  },
});

export type { CommonQueryMethods as Db, DatabaseTransactionConnection as TenantTx } from 'slonik';
