// CORS for the codec routes: the Temporal UI calls them from its own origin (TEMPORAL_UI_URL), with
// a preflight (JSON body, X-Namespace) and, when signed in through the session cookie, with
// credentials. So they allow that origin beside CORS_ORIGINS, by name (never `*`, which cannot
// carry credentials); every other path keeps the API's general CORS.
import koaCors from '@koa/cors';
import type { Context, Middleware } from 'koa';
import type { Config } from '../../../config';

export const CODEC_PATH_PREFIX = '/api/temporal/codec';

export function codecOrigins(config: Pick<Config, 'http' | 'temporal'>): string[] {
  const origins = config.http.corsOrigins.filter((o) => o !== '*').map((o) => new URL(o).origin);
  if (config.temporal.uiUrl) origins.push(new URL(config.temporal.uiUrl).origin);
  return [...new Set(origins)];
}

export function withCodecCors<S, C>(
  general: Middleware<S, C>,
  config: Pick<Config, 'http' | 'temporal'>,
): Middleware<S, C> {
  const allowed = codecOrigins(config);
  const codecCors = koaCors({
    origin: (ctx: Context) => (allowed.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Namespace', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    credentials: true,
    maxAge: 600,
  }) as unknown as Middleware<S, C>;
  return function corsWithCodecOrigins(ctx, next) {
    const path = (ctx as unknown as Context).path;
    return path === CODEC_PATH_PREFIX || path.startsWith(`${CODEC_PATH_PREFIX}/`)
      ? codecCors(ctx, next)
      : general(ctx, next);
  };
}
