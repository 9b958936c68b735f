// The Koa state every middleware and route can rely on.
import type { ParameterizedContext } from 'koa';
import type { TenantTx } from '../db/sql';
import type { Logger } from '../observability/logger';

export interface AppState {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware on authenticated routes. */
  auth?: { userId: string; tenantId: string; role: 'owner' | 'admin' | 'staff' };
  /**
   * The request's tenant transaction (app.tenant_id = auth.tenantId), set by the
   * tenantTransaction middleware: the only connection route code reads tenant data through.
   */
  db?: TenantTx;
  /** The request's params, query and body after the route's zod schemas (validate middleware). */
  input?: { params: unknown; query: unknown; body: unknown };
  /**
   * The codec call came, with no credentials, from this machine while TEMPORAL_CODEC_LOCAL_DEV is
   * on (the dev stack's own Temporal UI): it decodes any business's payloads and encodes none.
   */
  codecLocalDeveloper?: boolean;
  /** What a provider webhook did with the request (applied, duplicate, ignored…), for metrics. */
  webhookOutcome?: string;
}

export type AppContext = ParameterizedContext<AppState>;
