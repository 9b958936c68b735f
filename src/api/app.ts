// createApp(deps) builds the Koa application without listening, so tests drive app.callback()
// and server.ts owns the socket. The error handler comes first so it sees every failure.
import Koa from 'koa';
import type { AppState } from './context';
import type { AppDeps } from './deps';
import { WEBHOOK_PATHS } from './webhooks';
import { cors } from './middleware/cors';
import { errorHandler } from './middleware/error-handler';
import { httpMetrics } from './middleware/http-metrics';
import { jsonBody } from './middleware/json-body';
import { noRoute } from './middleware/no-route';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { securityHeaders } from './middleware/security-headers';
import { temporalDeadline } from './middleware/temporal-deadline';
import { rateLimitByIp } from './middleware/rate-limit';
import { rateLimitsFor } from './rate-limit/per-config';
import { auditRouter } from './routes/audit/router';
import { bookingsRouter } from './routes/bookings/router';
import { businessHoursRouter } from './routes/business-hours/router';
import { authRouter } from './routes/auth/router';
import { calendarRouter } from './routes/calendar/router';
import { clientsRouter } from './routes/clients/router';
import { docsRouter } from './routes/docs/router';
import { emailsRouter } from './routes/emails/router';
import { gmailRouter } from './routes/gmail/router';
import { guardianRouter } from './routes/guardian/router';
import { healthRouter } from './routes/health/router';
import { invoicesRouter } from './routes/invoices/router';
import { metricsRouter } from './routes/metrics/router';
import { openapiRouter } from './routes/openapi/router';
import { publicBookingsRouter } from './routes/public-bookings/router';
import { servicesRouter } from './routes/services/router';
import { stripeRouter } from './routes/stripe/router';
import { smsRouter } from './routes/sms/router';
import { systemRouter } from './routes/system/router';
import { tenantRouter } from './routes/tenant/router';
import { threadsRouter } from './routes/threads/router';
import { agentsRouter } from './routes/agents/router';
import { withCodecCors } from './routes/temporal-codec/cors';
import { temporalCodecRouter } from './routes/temporal-codec/router';
import { unsafeThreadsRouter } from './routes/unsafe-threads/router';
import { usersRouter } from './routes/users/router';
import { workflowsRouter } from './routes/workflows/router';

/** What each app must finish before it stops (see settleApp). */
const settlers = new WeakMap<Koa<AppState>, () => Promise<void>>();

/**
 * Finishes what an app still owes once its server has stopped taking requests: the counts its
 * rate limiters let through on their own view and have not reported yet (batched-limiter.ts).
 * server.ts's drain calls it; so does the tests' listen().close(), so no report runs after a test.
 */
export async function settleApp(app: Koa<AppState>): Promise<void> {
  await settlers.get(app)?.();
}

export function createApp(deps: AppDeps): Koa<AppState> {
  // Behind TRUST_PROXY_HOPS proxies, ctx.ip is the address the nearest one saw: entries a client
  // writes into X-Forwarded-For itself lie further left and are ignored.
  const hops = deps.config.http.trustProxyHops;
  const app = new Koa<AppState>({ proxy: hops > 0, maxIpsCount: hops });
  app.silent = true; // errors are logged by the error handler with their request id

  app.use(requestId(deps.logger));
  app.use(requestLog());
  app.use(httpMetrics());
  app.use(errorHandler());
  app.use(temporalDeadline(deps.temporal, deps.config.temporal.requestDeadlineMs));
  app.use(securityHeaders());
  // The codec routes also answer the Temporal UI's origin (TEMPORAL_UI_URL), with credentials.
  app.use(withCodecCors(cors(deps.config.http.corsOrigins), deps.config));
  const limits = rateLimitsFor(deps.config, deps.logger);
  settlers.set(app, async () => {
    await Promise.all([limits.ip.flush(), limits.tenant.flush()]);
  });
  app.use(rateLimitByIp(limits.ip, limits.windowSeconds.ip));
  // Webhooks read their own body: signed raw bytes or a signed form.
  app.use(jsonBody({ limitBytes: deps.config.http.bodyLimitBytes, rawPaths: WEBHOOK_PATHS }));

  const routers = [
    healthRouter(deps),
    authRouter(deps),
    usersRouter(deps),
    tenantRouter(deps),
    businessHoursRouter(deps),
    clientsRouter(deps),
    emailsRouter(deps),
    gmailRouter(deps),
    threadsRouter(deps),
    agentsRouter(deps),
    guardianRouter(deps),
    unsafeThreadsRouter(deps),
    invoicesRouter(deps),
    servicesRouter(deps),
    bookingsRouter(deps),
    publicBookingsRouter(deps),
    calendarRouter(deps),
    smsRouter(deps),
    stripeRouter(deps),
    auditRouter(deps),
    workflowsRouter(deps),
    temporalCodecRouter(deps),
    systemRouter(deps),
    metricsRouter(deps),
    openapiRouter(deps),
    docsRouter(),
  ];
  for (const router of routers) app.use(router.routes());
  app.use(noRoute(routers));
  return app;
}
