// Every call a request makes to Temporal shares one deadline. The SDK's own default is to retry
// an unreachable server for about 20 s; a person or a webhook waiting on the API would rather
// get a 503 within seconds (with Retry-After) and try again, so a request's Temporal calls
// together get TEMPORAL_REQUEST_DEADLINE_MS. A route that must wait longer (a workflow result it
// waits for) sets its own deadline around that call, which overrides this one.
import type { Client } from '@temporalio/client';
import type { Next } from 'koa';
import type { AppContext } from '../context';

export function temporalDeadline(temporal: Client, deadlineMs: number) {
  return function temporalDeadlineMiddleware(_ctx: AppContext, next: Next): Promise<void> {
    return temporal.connection.withDeadline(Date.now() + deadlineMs, next);
  };
}
