// Runs the rest of the request inside one tenant transaction (withTenant): every query a route
// makes sees only the caller's tenant through RLS, and the request's writes, its audit entries and
// its idempotency record commit together or not at all.
import type { Next } from 'koa';
import { ConnectionError, type DatabasePool } from 'slonik';
import { ServiceUnavailableError } from '../../errors';
import { withTenant } from '../../db/tenant-transaction';
import type { AppContext } from '../context';

export function tenantTransaction(pool: DatabasePool) {
  return async function tenantTransactionMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const tenantId = ctx.state.auth?.tenantId;
    if (!tenantId) throw new Error('tenantTransaction runs after authenticate');
    try {
      await withTenant(pool, tenantId, async (tx) => {
        ctx.state.db = tx;
        try {
          await next();
        } finally {
          ctx.state.db = undefined; // nothing may use the transaction once it has ended
        }
      });
    } catch (err) {
      if (err instanceof ConnectionError)
        throw new ServiceUnavailableError('The database is unavailable', { cause: err });
      throw err;
    }
  };
}
