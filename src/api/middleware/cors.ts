import koaCors from '@koa/cors';
import type { Context } from 'koa';

/** CORS for the origins in CORS_ORIGINS only ('*' allows any, without credentials). */
export function cors(allowed: readonly string[]) {
  const any = allowed.includes('*');
  return koaCors({
    origin: (ctx: Context) => {
      const origin = ctx.get('Origin');
      if (any) return '*';
      return allowed.includes(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-Namespace'],
    exposeHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
      'Idempotent-Replayed',
      'Location',
    ],
    credentials: !any,
    maxAge: 600,
  });
}
