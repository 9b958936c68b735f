// The sandbox's own routes (binding: ../shared/stack.md): what was sent, what was called, what
// was delivered, and fault injection. Provider-specific control routes live with their provider.
import Router from '@koa/router';
import { z } from 'zod';
import { jsonBody } from './body';
import type { Sandbox } from './context';
import { faultSchema } from './faults';
import { SENT_PROVIDERS } from './records';

export function controlRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/_sandbox' });

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok', url: sb.baseUrl, apiUrl: sb.options.apiUrl };
  });

  router.get('/sent', (ctx) => {
    const provider = z
      .enum(SENT_PROVIDERS)
      .optional()
      .parse(ctx.query.provider || undefined);
    ctx.body = { items: sb.records.listSent(provider) };
  });

  router.delete('/sent', (ctx) => {
    sb.records.clear();
    ctx.status = 204;
  });

  router.get('/requests', (ctx) => {
    const provider = typeof ctx.query.provider === 'string' ? ctx.query.provider : undefined;
    ctx.body = { items: sb.records.listRequests(provider) };
  });

  router.get('/deliveries', (ctx) => {
    const kind = typeof ctx.query.kind === 'string' ? ctx.query.kind : undefined;
    ctx.body = { items: sb.records.listDeliveries(kind) };
  });

  router.post('/faults', async (ctx) => {
    const fault = faultSchema.parse(await jsonBody(ctx));
    sb.faults.add(fault);
    ctx.status = 201;
    ctx.body = { queued: sb.faults.pending() };
  });

  router.post('/faults/release', (ctx) => {
    ctx.body = { released: sb.faults.release() };
  });

  router.get('/faults', (ctx) => {
    ctx.body = { queued: sb.faults.pending() };
  });

  router.delete('/faults', (ctx) => {
    sb.faults.clear();
    ctx.status = 204;
  });

  return router;
}
