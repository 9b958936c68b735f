// createApp(deps) builds the Koa application without listening, so tests drive app.callback()
// and server.ts owns the socket. The error handler comes first so it sees every failure.
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import { NotFoundError } from '../errors';
import type { Logger } from '../observability/logger';
import type { AppState } from './context';
import { cors } from './middleware/cors';
import { errorHandler } from './middleware/error-handler';
import { jsonBody } from './middleware/json-body';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { securityHeaders } from './middleware/security-headers';
import { healthRouter } from './routes/health/router';

export interface AppDeps {
  config: Config;
  pool: DatabasePool;
  temporal: Client;
  logger: Logger;
}

/** Routes that read their own body: signed raw bytes or form posts. */
const RAW_BODY_PATHS = ['/api/stripe/webhook', '/api/sms/webhook', '/api/sms/status'];

export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: true });
  app.silent = true; // errors are logged by the error handler with their request id

  app.use(requestId(deps.logger));
  app.use(requestLog());
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(cors(deps.config.http.corsOrigins));
  app.use(jsonBody({ limitBytes: deps.config.http.bodyLimitBytes, rawPaths: RAW_BODY_PATHS }));

  for (const router of [healthRouter(deps)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  app.use(function notFound(ctx) {
    throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}
