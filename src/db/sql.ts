// The one sql tag every query module uses.
export { sql } from 'slonik';
export type { CommonQueryMethods as Db, DatabaseTransactionConnection as TenantTx } from 'slonik';
