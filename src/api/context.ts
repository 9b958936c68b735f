// The Koa state every middleware and route can rely on.
import type { ParameterizedContext } from 'koa';
import type { Logger } from '../observability/logger';

export interface AppState {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware on authenticated routes. */
  auth?: { userId: string; tenantId: string; role: 'owner' | 'admin' | 'staff' };
}

export type AppContext = ParameterizedContext<AppState>;
