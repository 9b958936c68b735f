// The slonik pool for API and worker. It connects as the application role, which owns no table,
// so row-level security always applies (assertConnectedAsAppRole checks that at boot).
import {
  createBigintTypeParser,
  createIntervalTypeParser,
  createNumericTypeParser,
  createPool as createSlonikPool,
  SchemaValidationError,
  type DatabasePool,
  type Interceptor,
  type QueryResultRow,
} from 'slonik';
import type { ZodType } from 'zod';

export type { DatabasePool };

/** Parses every row of a `sql.type(schema)` query with its zod schema (slonik's documented recipe). */
function createResultParserInterceptor(): Interceptor {
  return {
    name: 'frontdesk-result-parser',
    transformRow(context, query, row) {
      const parser = context.resultParser as ZodType | undefined;
      if (!parser) return row;
      const result = parser.safeParse(row);
      if (!result.success) {
        throw new SchemaValidationError(query, row, result.error.issues);
      }
      return result.data as QueryResultRow;
    },
  };
}

const typeParsers = [
  createBigintTypeParser(),
  createIntervalTypeParser(),
  createNumericTypeParser(),
  // Dates stay calendar strings ('2026-12-01'): converting them to instants would shift them by
  // the server's time zone.
  { name: 'date', parse: (value: string) => value },
  { name: 'timestamptz', parse: (value: string) => new Date(value) },
  { name: 'timestamp', parse: (value: string) => new Date(`${value}Z`) },
];

export async function createPool(options: {
  url: string;
  maximumPoolSize?: number;
  /** ms to wait for a connection; short so a dead database fails health checks quickly. */
  connectionTimeout?: number;
}): Promise<DatabasePool> {
  const pool = await createSlonikPool(options.url, {
    interceptors: [createResultParserInterceptor()],
    typeParsers,
    maximumPoolSize: options.maximumPoolSize ?? 10,
    connectionTimeout: options.connectionTimeout ?? 5_000,
    statementTimeout: 30_000,
    idleTimeout: 10_000,
    connectionRetryLimit: 1,
    // slonik's default runs DISCARD ALL whenever a connection goes back to the pool: one more
    // round trip per query or transaction, and every cached plan thrown away. Nothing here leaves
    // state on a session: the tenant id is set with set_config(..., true), which ends with its
    // transaction (test/db/pool-reuse.test.ts checks it), and no code uses SET, LISTEN, PREPARE,
    // temporary tables or session advisory locks.
    resetConnection: async () => undefined,
  });
  // slonik also emits every query error on the pool. Unheard, EventEmitter rethrows it from the
  // emit (under jest wrapped as ERR_UNHANDLED_ERROR, which hides its class from `instanceof`);
  // callers already get the error from the query itself.
  pool.on('error', () => undefined);
  return pool;
}
